/**
 * The contracts and the market core must agree to the last unit. Each generated period is cleared
 * and settled both ways: trades, awards, budget cuts, balances, imbalance and incentive amounts and
 * debts are compared exactly. Clearing batch sizes are drawn at random, so every period also checks
 * that a clearing split over many transactions gives the result of one. Both pricing rules run: the
 * mid-price market without limits, a uniform-price market with a price floor and cap and a seller
 * share cap, and a mid-price market with reputation on: each participant's score is folded by the
 * core over the settlements and must equal the contract's, and so must the score each bid carries,
 * its margin and its place at equal price.
 */
import { commitAndRevealGenerated, withdrawShares } from './testing/generatedBids.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Wallet } from '../core/bid.ts';
import { clearGreenFirst, sellerShareCapWh } from '../core/greenFirstAuction.ts';
import type { MarketParameters } from './deploy.ts';
import { settleWithGrid, type LedgerState } from '../core/ledger.ts';
import { periodWindows } from '../core/periodClock.ts';
import { settlePosition } from '../core/settlement.ts';
import { marginFor, NEWCOMER, scoreSettlement, type ReputationRecord } from '../core/reputation.ts';
import { signReading } from './bidding.ts';
import { clearPeriodOnChain } from './clearing.ts';
import { deposit } from './participants.ts';
import { asCoreBids, periodSettlements, periodTrades, revealedBids } from './periodRecords.ts';
import { settlePeriodOnChain } from './settlement.ts';
import {
  startTestPlatform,
  TEST_PARAMETERS,
  type Enrolled,
  type TestPlatform,
} from './testing/testPlatform.ts';

const POOL = 16;
const UNIT = 10n ** 18n;

interface GeneratedBid {
  readonly member: number;
  readonly sell: boolean;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  readonly withdrawShare: number;
  readonly reading: { importWh: bigint; exportWh: bigint } | null;
}

const generatedPeriod = fc.record({
  bids: fc.uniqueArray(
    fc.record({
      member: fc.integer({ min: 0, max: POOL - 1 }),
      sell: fc.boolean(),
      quantityWh: fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: 1n, max: 4_000n })),
      pricePerWh: fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(700_000_000_000_000n, 730_000_000_000_000n, 750_000_000_000_000n),
        },
        { weight: 6, arbitrary: fc.bigInt({ min: 400_000_000_000_000n, max: 900_000_000_000_000n }) },
        { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 9n }) },
      ),
      withdrawShare: fc.constantFrom(0, 0, 0, 50, 95, 100),
      reading: fc.option(
        fc.record({
          importWh: fc.bigInt({ min: 0n, max: 5_000n }),
          exportWh: fc.bigInt({ min: 0n, max: 5_000n }),
        }),
        { freq: 4 },
      ),
    }),
    { selector: (b) => b.member, minLength: 0, maxLength: POOL },
  ),
  maxEntriesPerTransaction: fc.integer({ min: 1, max: 40 }),
});

interface MarketCase {
  readonly periods: number;
  readonly seed: number;
  readonly parameters: Partial<MarketParameters>;
}

const MARKETS: readonly MarketCase[] = [
  { periods: 200, seed: 2019, parameters: { pricing: 'mid' } },
  {
    periods: 120,
    seed: 2024,
    parameters: {
      pricing: 'uniform',
      priceFloorPerWh: 2n,
      priceCapPerWh: 880_000_000_000_000n,
      sellerShareCapBps: 4_000,
    },
  },
  { periods: 100, seed: 2026, parameters: { pricing: 'mid', reputationWeightPpm: 200_000 } },
];

describe.each(MARKETS)('contracts = core on $periods generated periods, $parameters', (market) => {
  const PERIODS = market.periods;
  const weightPpm = BigInt(market.parameters.reputationWeightPpm ?? 0);
  /** The core's reputation record of each participant, folded over the settlements. */
  const records = new Map<number, ReputationRecord>();
  const recordOf = (id: number) => records.get(id) ?? NEWCOMER;
  /** The margin a bid committed now holds: scaled by its participant's score while reputation is on. */
  const marginOf = (id: number) => marginFor(margin, weightPpm === 0n ? undefined : recordOf(id).scorePpm);
  const floor = market.parameters.priceFloorPerWh ?? 0n;
  const cap = market.parameters.priceCapPerWh ?? 0n;
  const rules = (bids: Parameters<typeof sellerShareCapWh>[0]) => {
    const sellerCapWh = sellerShareCapWh(bids, market.parameters.sellerShareCapBps ?? 0);
    return {
      pricing: market.parameters.pricing ?? 'mid',
      ...(sellerCapWh === undefined ? {} : { sellerCapWh }),
    };
  };
  let t: TestPlatform;
  const pool: Enrolled[] = [];
  const rates = {
    shortfallFactorPpm: BigInt(TEST_PARAMETERS.shortfallFactorPpm),
    surplusFactorPpm: BigInt(TEST_PARAMETERS.surplusFactorPpm),
    rewardRatePpm: BigInt(TEST_PARAMETERS.rewardRatePpm),
    penaltyRatePpm: BigInt(TEST_PARAMETERS.penaltyRatePpm),
  };

  beforeAll(async () => {
    t = await startTestPlatform({ parameters: market.parameters });
    const flags = fc.sample(fc.tuple(fc.boolean(), fc.boolean(), fc.bigInt({ min: 0n, max: 30n })), {
      seed: 31,
      numRuns: POOL,
    });
    for (const [i, [greenSupply, greenPreference, units]] of flags.entries()) {
      pool.push(
        await t.enrol(
          { name: `prosumer ${i}`, kind: 'prosumer', greenSupply, greenPreference },
          (units * UNIT) / 4n + 1n,
        ),
      );
    }
    await t.fundGrid(10_000n * UNIT);
  }, 120_000);
  afterAll(async () => t?.stop());

  const balanceOf = (address: `0x${string}`) => t.platform.read.token.read.balanceOf([address]);

  const margin = TEST_PARAMETERS.marginAmount;

  it('agrees on trades, awards, balances, settlements, debts and reputations', async () => {
    const samples = fc.sample(generatedPeriod, { seed: market.seed, numRuns: PERIODS });
    let reputationTies = 0;
    let trades = 0;
    let cuts = 0;
    let shareCuts = 0;
    let pricedStages = 0;
    let missing = 0;
    let debts = 0;
    for (const [k, sample] of samples.entries()) {
      const period = BigInt(1 + 3 * k);
      const w = periodWindows(t.schedule, period);
      await t.clock.advanceTo(w.commitOpens);
      // Wallets that ran low get a deposit (a debtor's next commit then repays its debt first).
      // Keep only admissible bids: a seller holds the margin, a buyer can pay its whole bid.
      const admitted: GeneratedBid[] = [];
      for (const bid of sample.bids) {
        if (bid.pricePerWh < floor || (cap !== 0n && bid.pricePerWh > cap)) continue;
        const member = pool[bid.member]!;
        if ((await balanceOf(member.account.address)) < 2n * UNIT) {
          await deposit(
            t.platform,
            t.accounts.settlementAgent,
            member.account.address,
            4n * UNIT,
            'test deposit 22',
          );
        }
        const [, balance, debt] = await t.platform.read.market.read.participantState([member.id]);
        if (balance - debt < (2n * UNIT) / 3n) continue;
        const spendable = balance - debt - marginOf(member.id);
        if (bid.sell || spendable >= bid.quantityWh * bid.pricePerWh) admitted.push(bid);
      }
      const bidding = await commitAndRevealGenerated(t, period, pool, admitted);
      expect(bidding.refused).toEqual([]);

      // Withdrawals between reveal and clearing make the budget cut bite.
      await withdrawShares(t, pool, admitted, `w${k}`);

      await t.clock.advanceTo(w.revealCloses);
      const revealed = await revealedBids(t.platform, period);
      const wallets = new Map<string, Wallet>();
      const before = new Map<number, bigint>();
      for (const member of pool) {
        const balance = await balanceOf(member.account.address);
        before.set(member.id, balance);
        wallets.set(String(member.id), { balance, margin: marginOf(member.id) });
      }
      const coreBids = asCoreBids(period, revealed);
      // Each bid carries its participant's score at commit: here, after every earlier settlement.
      expect(coreBids.map((b) => b.reputationPpm)).toEqual(
        revealed.map((b) => (weightPpm === 0n ? undefined : recordOf(b.participantId).scorePpm)),
      );
      for (const a of coreBids)
        for (const b of coreBids)
          if (a.side === b.side && a.pricePerWh === b.pricePerWh && a.reputationPpm !== b.reputationPpm)
            reputationTies += a.participant < b.participant ? 1 : 0;
      const core = clearGreenFirst({ bids: coreBids, wallets, rules: rules(coreBids) });
      await clearPeriodOnChain(t.platform, t.keeper, period, {
        maxEntriesPerTransaction: sample.maxEntriesPerTransaction,
      });

      const onChainTrades = await periodTrades(t.platform, period);
      expect(
        onChainTrades.map((x) => [
          String(x.sellerId),
          String(x.buyerId),
          x.quantityWh,
          x.pricePerWh,
          x.stage,
        ]),
      ).toEqual(core.trades.map((x) => [x.seller, x.buyer, x.quantityWh, x.pricePerWh, x.stage]));
      for (const [i, bid] of revealed.entries()) {
        const slot = await t.platform.read.market.read.bidOf([bid.participantId, period]);
        expect([BigInt(slot.awardedWh), (slot.flags & 16) !== 0]).toEqual([
          core.awardedWh[i],
          core.voided[i],
        ]);
      }
      for (const member of pool) {
        expect(await balanceOf(member.account.address)).toBe(core.wallets.get(String(member.id))!.balance);
      }
      trades += core.trades.length;
      cuts += core.voided.filter((v, i) => v && revealed[i]!.side === 'buy').length;
      shareCuts += core.voided.filter((v, i) => v && revealed[i]!.side === 'sell').length;
      pricedStages += core.stagePrices.length;

      // Readings for some, none for others; then settle after the deadline.
      await t.clock.advanceTo(w.deliveryEnds);
      const readings = [];
      for (const bid of revealed) {
        const generated = admitted.find((b) => pool[b.member]!.id === bid.participantId)!;
        if (generated.reading === null) continue;
        const member = pool[generated.member]!;
        readings.push(
          t.relayer.reading(
            await signReading(t.platform, member.meter, {
              participantId: member.id,
              period,
              ...generated.reading,
            }),
          ),
        );
      }
      await t.relayer.flush();
      await Promise.all(readings);
      await t.clock.advanceTo(w.readingDeadline);
      const gridBefore = await balanceOf(t.accounts.publicGrid.address);
      const debtsBefore = new Map<string, bigint>();
      for (const member of pool) {
        debtsBefore.set(
          member.account.address,
          (await t.platform.read.market.read.participantState([member.id]))[2],
        );
      }
      await settlePeriodOnChain(t.platform, t.keeper, period, { batchSize: 1 + (k % 7) });

      const price = core.averagePrice ?? { value: TEST_PARAMETERS.referencePricePerWh, quantityWh: 1n };
      let ledger: LedgerState = {
        balances: new Map([
          ...pool.map((m) => [m.account.address as string, core.wallets.get(String(m.id))!.balance] as const),
          ['grid', gridBefore],
        ]),
        debts: debtsBefore,
      };
      const settlements = await periodSettlements(t.platform, period);
      expect(settlements.map((s) => s.participantId).sort()).toEqual(
        revealed.map((b) => b.participantId).sort(),
      );
      for (const s of settlements) {
        const i = revealed.findIndex((b) => b.participantId === s.participantId);
        const bid = revealed[i]!;
        const generated = admitted.find((b) => pool[b.member]!.id === bid.participantId)!;
        const r = generated.reading;
        const net =
          r === null ? null : bid.side === 'sell' ? r.exportWh - r.importWh : r.importWh - r.exportWh;
        const actualWh = net === null ? null : net > 0n ? net : 0n;
        const expected = settlePosition(
          {
            side: bid.side,
            declaredWh: bid.quantityWh,
            awardedWh: core.awardedWh[i]!,
            actualWh,
          },
          price,
          rates,
        );
        expect([s.readingMissing, s.imbalanceWh, s.imbalanceAmount, s.reward, s.penalty]).toEqual([
          expected.readingMissing,
          expected.imbalanceWh,
          expected.imbalanceAmount,
          expected.reward,
          expected.penalty,
        ]);
        const address = pool.find((m) => m.id === s.participantId)!.account.address;
        ledger = settleWithGrid(ledger, address, 'grid', expected.imbalanceAmount, 'imbalance').state;
        ledger = settleWithGrid(ledger, address, 'grid', expected.incentiveNet, 'incentive').state;
        if (expected.readingMissing) missing += 1;
        records.set(
          s.participantId,
          scoreSettlement(
            recordOf(s.participantId),
            period,
            { declaredWh: bid.quantityWh, awardedWh: core.awardedWh[i]!, actualWh },
            weightPpm,
          ),
        );
      }
      for (const member of pool) {
        const [scorePpm, scoredPeriods, missedReadings, lastPeriod] =
          await t.platform.read.market.read.reputationOf([member.id]);
        const record = recordOf(member.id);
        expect([scorePpm, Number(scoredPeriods), Number(missedReadings), lastPeriod]).toEqual([
          record.scorePpm,
          record.scoredPeriods,
          record.missedReadings,
          record.lastPeriod,
        ]);
      }
      for (const member of pool) {
        expect(await balanceOf(member.account.address)).toBe(ledger.balances.get(member.account.address));
        const debt = (await t.platform.read.market.read.participantState([member.id]))[2];
        expect(debt).toBe(ledger.debts.get(member.account.address) ?? 0n);
        debts += debt > 0n ? 1 : 0;
      }
      expect(await balanceOf(t.accounts.publicGrid.address)).toBe(ledger.balances.get('grid'));
      // Token total conserved: every unit is in someone's wallet.
      const supply = await t.platform.read.token.read.totalSupply();
      const held = (
        await Promise.all([
          ...pool.map((m) => balanceOf(m.account.address)),
          balanceOf(t.accounts.publicGrid.address),
        ])
      ).reduce((a, b) => a + b, 0n);
      expect(held).toBe(supply);
    }
    console.log(
      `${PERIODS} periods: ${trades} trades, ${cuts} budget cuts, ${shareCuts} share cuts, ` +
        `${pricedStages} uniform prices, ${missing} missing readings, ${debts} debts, ` +
        `${reputationTies} equal prices ordered by reputation`,
    );
    // The generated periods really exercise what they claim to.
    expect(trades).toBeGreaterThan(PERIODS * 0.75);
    expect(cuts).toBeGreaterThan(5);
    expect(missing).toBeGreaterThan(5);
    expect(debts).toBeGreaterThan(0);
    if (market.parameters.sellerShareCapBps !== undefined) expect(shareCuts).toBeGreaterThan(5);
    if (market.parameters.pricing === 'uniform') expect(pricedStages).toBeGreaterThan(PERIODS / 4);
    if (weightPpm > 0n) expect(reputationTies).toBeGreaterThan(PERIODS / 10);
  }, 900_000);
});
