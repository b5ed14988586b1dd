/**
 * Reputation on chain: scores moved at settlement as the core computes them, the score a bid carries
 * fixed at commit (a settlement landing before the clearing does not change it), priority at equal
 * price, the scaled margin at reveal and withdrawal, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodWindows } from '../core/periodClock.ts';
import {
  marginFor,
  NEWCOMER,
  scoreSettlement,
  START_PPM,
  type ReputationRecord,
} from '../core/reputation.ts';
import { signReading } from './bidding.ts';
import { clearPeriodOnChain } from './clearing.ts';
import { toContractParameters } from './deploy.ts';
import { ContractRefusedError } from './errors.ts';
import { withdraw } from './participants.ts';
import { commitAndReveal } from './periodDriver.ts';
import { periodTrades, revealedBids } from './periodRecords.ts';
import { settlePeriodOnChain } from './settlement.ts';
import { confirm } from './transactions.ts';
import { bidRank } from './typedData.ts';
import {
  startTestPlatform,
  TEST_PARAMETERS,
  type Enrolled,
  type TestPlatform,
} from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const WEIGHT = 500_000n;
const BASE = TEST_PARAMETERS.marginAmount;

describe('reputation on chain', () => {
  let t: TestPlatform;
  let good: Enrolled;
  let silent: Enrolled;
  let thin: Enrolled;
  let buyer: Enrolled;

  const bid = (who: Enrolled, side: 'sell' | 'buy', quantityWh: bigint, pricePerWh: bigint) => ({
    participant: who.account,
    participantId: who.id,
    intent: { side, quantityWh, pricePerWh },
  });
  /** Meters sign their readings (a seller's export, a buyer's import); the relayer sends them in one batch. */
  const sendReadings = async (period: bigint, delivered: readonly [Enrolled, bigint][]) => {
    const signed = await Promise.all(
      delivered.map(([who, wh]) => {
        const buys = who.profile.kind === 'consumer';
        return signReading(t.platform, who.meter, {
          participantId: who.id,
          period,
          importWh: buys ? wh : 0n,
          exportWh: buys ? 0n : wh,
        });
      }),
    );
    const sent = signed.map((r) => t.relayer.reading(r));
    await t.relayer.flush();
    await Promise.all(sent);
  };
  const reputationOf = async (who: Enrolled) => {
    const [scorePpm, scoredPeriods, missedReadings, lastPeriod] =
      await t.platform.read.market.read.reputationOf([who.id]);
    return {
      scorePpm,
      scoredPeriods: Number(scoredPeriods),
      missedReadings: Number(missedReadings),
      lastPeriod,
    };
  };
  const refusal = async (action: () => Promise<unknown>) => {
    const error = await action().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractRefusedError);
    return error as ContractRefusedError;
  };

  beforeAll(async () => {
    t = await startTestPlatform({ parameters: { reputationWeightPpm: Number(WEIGHT) } });
    const producer = { kind: 'producer', greenSupply: false, greenPreference: false } as const;
    good = await t.enrol({ name: 'good', ...producer }, UNIT);
    silent = await t.enrol({ name: 'silent', ...producer }, UNIT);
    thin = await t.enrol({ name: 'thin', ...producer }, UNIT);
    buyer = await t.enrol(
      { name: 'buyer', kind: 'consumer', greenSupply: false, greenPreference: false },
      10n * UNIT,
    );
    await t.fundGrid(10n * UNIT);
  }, 120_000);
  afterAll(async () => t?.stop());

  it('refuses a weight above 1 and changes nothing', async () => {
    const before = await t.platform.read.market.read.parameters();
    const error = await refusal(() =>
      confirm(t.connection, 'set parameters', () =>
        t.platform
          .as(t.accounts.operator)
          .market.write.setParameters([
            toContractParameters({ ...TEST_PARAMETERS, reputationWeightPpm: 1_000_001 }),
          ]),
      ),
    );
    expect([error.errorName, error.args]).toEqual([
      'MarketParameterOutOfRange',
      ['reputationWeightPpm', 1_000_001n],
    ]);
    expect(await t.platform.read.market.read.parameters()).toEqual(before);
    expect(before.reputationWeightPpm).toBe(Number(WEIGHT));
  });

  /** The core's record of each participant, folded over every settlement the test makes. */
  const records = new Map<number, ReputationRecord>();
  /** Delivery ends, readings arrive (none for the listed silent ones), the period settles. */
  const finish = async (
    period: bigint,
    delivered: readonly [Enrolled, bigint][],
    silentOnes: Enrolled[] = [],
  ) => {
    const w = periodWindows(t.schedule, period);
    await t.clock.advanceTo(w.deliveryEnds);
    await sendReadings(period, delivered);
    await t.clock.advanceTo(w.readingDeadline);
    await settlePeriodOnChain(t.platform, t.keeper, period);
    await fold(period, delivered, silentOnes);
  };
  const fold = async (period: bigint, delivered: readonly [Enrolled, bigint][], silentOnes: Enrolled[]) => {
    for (const b of await revealedBids(t.platform, period)) {
      const slot = await t.platform.read.market.read.bidOf([b.participantId, period]);
      const actual = delivered.find(([who]) => who.id === b.participantId)?.[1];
      const missing = silentOnes.some((who) => who.id === b.participantId);
      const position = {
        declaredWh: b.quantityWh,
        awardedWh: BigInt(slot.awardedWh),
        actualWh: missing ? null : (actual ?? 0n),
      };
      records.set(
        b.participantId,
        scoreSettlement(records.get(b.participantId) ?? NEWCOMER, period, position, WEIGHT),
      );
    }
    for (const who of [good, silent, thin, buyer])
      expect(await reputationOf(who)).toEqual(records.get(who.id) ?? NEWCOMER);
  };
  /** The first open period from `from` on where the rank alone puts `first` before `second`. */
  const periodRanking = async (first: Enrolled, second: Enrolled) => {
    let period = (await t.nextOpenPeriod()) + 1n;
    while (bidRank(period, first.id) > bidRank(period, second.id)) period += 1n;
    return period;
  };

  it('scores each settled period as the core does; a bid keeps the score it committed with', async () => {
    expect(await reputationOf(good)).toEqual(NEWCOMER);
    const p1 = (await t.nextOpenPeriod()) + 1n;
    const p2 = p1 + 2n;
    const first = await commitAndReveal(t, p1, [
      bid(good, 'sell', 1_000n, 600n),
      bid(silent, 'sell', 1_000n, 600n),
      bid(thin, 'sell', 1_000n, 600n),
      bid(buyer, 'buy', 3_000n, 700n),
    ]);
    expect(first.refused).toEqual([]);
    const w1 = periodWindows(t.schedule, p1);
    await t.clock.advanceTo(w1.revealCloses);
    await clearPeriodOnChain(t.platform, t.keeper, p1);
    await t.clock.advanceTo(w1.deliveryEnds);
    // Period p2's bids are committed while p1 is still unsettled: they carry the newcomer's score.
    await sendReadings(p1, [
      [good, 1_000n],
      [thin, 1_000n],
      [buyer, 0n],
    ]);
    const second = await commitAndReveal(t, p2, [
      bid(good, 'sell', 500n, 600n),
      bid(silent, 'sell', 500n, 600n),
      bid(buyer, 'buy', 500n, 700n),
    ]);
    expect(second.refused).toEqual([]);
    await t.clock.advanceTo(w1.readingDeadline);
    await settlePeriodOnChain(t.platform, t.keeper, p1);
    await fold(
      p1,
      [
        [good, 1_000n],
        [thin, 1_000n],
        [buyer, 0n],
      ],
      [silent],
    );
    // Worked example of docs/decisions.md, weight 0.5: 0.9 → 0.95 delivered, 0.45 silent.
    expect(records.get(good.id)!.scorePpm).toBe(950_000n);
    expect(records.get(silent.id)!.scorePpm).toBe(450_000n);

    // p2 clears with the scores its bids carried (equal: the rank decides), not the new ones.
    const carried = await revealedBids(t.platform, p2);
    expect(carried.map((b) => b.reputationPpm)).toEqual([START_PPM, START_PPM, START_PPM]);
    await clearPeriodOnChain(t.platform, t.keeper, p2);
    const byRank = [good, silent].sort((a, b) => (bidRank(p2, a.id) < bidRank(p2, b.id) ? -1 : 1));
    expect((await periodTrades(t.platform, p2)).map((x) => x.sellerId)).toEqual([byRank[0]!.id]);
    await finish(p2, [
      [good, 500n],
      [silent, 500n],
      [buyer, 500n],
    ]);
  });

  it('puts the higher reputation first at equal price whatever the rank, and refuses the rank-only order', async () => {
    const p3 = await periodRanking(silent, good);
    const { refused } = await commitAndReveal(t, p3, [
      bid(good, 'sell', 400n, 650n),
      bid(silent, 'sell', 400n, 650n),
      bid(buyer, 'buy', 400n, 700n),
    ]);
    expect(refused).toEqual([]);
    const carried = new Map(
      (await revealedBids(t.platform, p3)).map((b) => [b.participantId, b.reputationPpm]),
    );
    expect(carried.get(good.id)).toBe(records.get(good.id)!.scorePpm);
    expect(carried.get(silent.id)).toBe(records.get(silent.id)!.scorePpm);
    expect(carried.get(good.id)! > carried.get(silent.id)!).toBe(true);
    await t.clock.advanceTo(periodWindows(t.schedule, p3).revealCloses);
    const rankOrder = await refusal(() =>
      confirm(t.connection, 'clear', () =>
        t.platform.as(t.keeper).market.write.clear([
          p3,
          [
            { sellers: [], buyers: [] },
            { sellers: [silent.id, good.id], buyers: [buyer.id] },
          ],
        ]),
      ),
    );
    expect([rankOrder.errorName, rankOrder.args]).toEqual([
      'ClearingOrderViolated',
      [p3, silent.id, good.id],
    ]);
    await clearPeriodOnChain(t.platform, t.keeper, p3);
    expect((await periodTrades(t.platform, p3)).map((x) => x.sellerId)).toEqual([good.id]);
    // The silent seller delivers although not awarded: outside [0, 400] by 100 Wh → accuracy 0.75.
    await finish(p3, [
      [good, 400n],
      [silent, 500n],
      [buyer, 400n],
    ]);
  });

  it('scales the margin at reveal and at withdrawal with the score the bid carries', async () => {
    const silentMargin = marginFor(BASE, records.get(silent.id)!.scorePpm);
    const thinMargin = marginFor(BASE, records.get(thin.id)!.scorePpm);
    expect(silentMargin > thinMargin && thinMargin > BASE).toBe(true);
    // The silent seller keeps more than the base margin but less than its own.
    const [, silentBalance] = await t.platform.read.market.read.participantState([silent.id]);
    await withdraw(t.platform, t.accounts.settlementAgent, silent.account, silentBalance - BASE - 1n, 'down');
    const p = (await t.nextOpenPeriod()) + 1n;
    const { refused } = await commitAndReveal(t, p, [
      bid(thin, 'sell', 100n, 600n),
      bid(silent, 'sell', 100n, 600n),
    ]);
    expect(refused).toHaveLength(1);
    const error = refused[0]!.error as ContractRefusedError;
    expect([error.errorName, error.args]).toEqual([
      'BidMarginNotCovered',
      [silent.id, BASE + 1n, silentMargin],
    ]);
    // The thin seller's open bid locks its own margin.
    const [, thinBalance, , withdrawable, open] = await t.platform.read.market.read.participantState([
      thin.id,
    ]);
    expect(open).toBe(true);
    expect(withdrawable).toBe(thinBalance - thinMargin);
    const over = await refusal(() =>
      withdraw(t.platform, t.accounts.settlementAgent, thin.account, withdrawable + 1n, 'over'),
    );
    expect(over.errorName).toBe('WithdrawalExceedsAvailable');
  });
});
