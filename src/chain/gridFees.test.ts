/**
 * Wheeling fees and levies on chain: every refusal of the grid connection register, the market's
 * admission of buy bids with their charges, and the contracts = core on generated periods with
 * connections at several voltage levels and tariff changes between periods (both pricing rules, and
 * with reputation on, its scaled margins and its order of tied bids): trades with their fees, awards,
 * budget cuts and every balance, the grid's included.
 */
import {
  commitAndRevealGenerated,
  expectAwardsAndBalances,
  withdrawShares,
} from './testing/generatedBids.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Wallet } from '../core/bid.ts';
import { clearGreenFirst, sellerShareCapWh } from '../core/greenFirstAuction.ts';
import { buyerChargeCapPerWh, chargesByParticipant, type GridTariff } from '../core/gridFees.ts';
import { periodWindows } from '../core/periodClock.ts';
import { marginFor } from '../core/reputation.ts';
import { parsePricePerKwh } from '../core/units.ts';
import { refusalNamed } from './continuousMarketTesting.ts';
import type { MarketParameters } from './deploy.ts';
import { gridConnectionsAbi } from './generated/GridConnections.ts';
import {
  openGridConnections,
  readGridConnections,
  readGridTariff,
  setGridConnection,
  setLevy,
  setVoltageLevel,
  type GridConnections,
} from './gridConnections.ts';
import { clearPeriodOnChain } from './clearing.ts';
import { deposit } from './participants.ts';
import { readReputation } from './reputation.ts';
import { commitAndReveal } from './periodDriver.ts';
import { settlePeriodOnChain } from './settlement.ts';
import { asCoreBids, periodTrades, revealedBids } from './periodRecords.ts';
import {
  startTestPlatform,
  TEST_PARAMETERS,
  type Enrolled,
  type TestPlatform,
} from './testing/testPlatform.ts';
import { execute } from './transactions.ts';

const UNIT = 10n ** 18n;
const perKwh = (text: string) => parsePricePerKwh(text, 'rate');
const POOL = 12;

/** Three levels (0.4, 10 and 35 kV), T&D price falling with voltage, and a levy. */
async function setTariff(grid: GridConnections, t: TestPlatform, scale = 1n) {
  const op = t.accounts.operator;
  await setVoltageLevel(grid, op, {
    level: 1,
    nominalVolts: 400,
    transmissionPerWh: scale * perKwh('0.2'),
    sameLevelFeePerWh: perKwh('0.015'),
  });
  await setVoltageLevel(grid, op, {
    level: 2,
    nominalVolts: 10_000,
    transmissionPerWh: scale * perKwh('0.17'),
    sameLevelFeePerWh: perKwh('0.015'),
  });
  await setVoltageLevel(grid, op, {
    level: 3,
    nominalVolts: 35_000,
    transmissionPerWh: scale * perKwh('0.12'),
    sameLevelFeePerWh: perKwh('0.01'),
  });
  await setLevy(grid, op, perKwh('0.03'));
}

describe('the grid connection register refuses', () => {
  let t: TestPlatform;
  let grid: GridConnections;
  let producer: Enrolled;
  let consumer: Enrolled;

  beforeAll(async () => {
    t = await startTestPlatform({ gridConnections: true });
    grid = openGridConnections(t.connection, t.platform.deployment)!;
    producer = await t.enrol(
      { name: 'PV', kind: 'producer', greenSupply: true, greenPreference: false },
      UNIT,
    );
    consumer = await t.enrol(
      { name: 'Shop', kind: 'consumer', greenSupply: false, greenPreference: false },
      UNIT,
    );
    await t.fundGrid(10n * UNIT);
  }, 60_000);
  afterAll(async () => t?.stop());

  const send = (
    functionName: 'setLevel' | 'setLevy' | 'setConnection',
    args: readonly unknown[],
    as = t.accounts.operator,
  ) =>
    execute(
      t.connection,
      as,
      { address: grid.address, abi: gridConnectionsAbi, functionName, args } as never,
      functionName,
    );
  const refusal = refusalNamed;

  it('every bad step, naming what is wrong', async () => {
    expect(await grid.read.read.feesActive()).toBe(false);
    const stranger = t.accounts.relayer;
    expect((await refusal(send('setLevel', [1n, 400n, 1n, 1n], stranger)))[0]).toBe('GridNotOperator');
    expect((await refusal(send('setLevy', [1n], stranger)))[0]).toBe('GridNotOperator');
    expect((await refusal(send('setConnection', [1, 1n, 0n], stranger)))[0]).toBe('GridNotOperator');
    expect(await refusal(send('setLevel', [0n, 400n, 1n, 1n]))).toEqual(['GridLevelInvalid', '0']);
    expect(await refusal(send('setLevel', [9n, 400n, 1n, 1n]))).toEqual(['GridLevelInvalid', '9']);
    expect(await refusal(send('setLevel', [1n, 0n, 1n, 1n]))).toEqual(['GridVoltageOutOfOrder', '1', '0']);
    expect(await refusal(send('setLevel', [1n, 400n, 10n ** 18n + 1n, 1n]))).toEqual([
      'GridRateOutOfRange',
      'transmissionPerWh',
      String(10n ** 18n + 1n),
    ]);
    expect((await refusal(send('setLevel', [1n, 400n, 1n, 10n ** 19n])))[1]).toBe('sameLevelFeePerWh');
    expect((await refusal(send('setLevy', [10n ** 19n])))[1]).toBe('levyPerWh');
    await setTariff(grid, t);
    expect(await grid.read.read.feesActive()).toBe(true);
    // Level ids rank voltage: level 4 must be above 35 kV, level 2 between 0.4 and 35 kV.
    expect(await refusal(send('setLevel', [4n, 20_000n, 1n, 1n]))).toEqual([
      'GridVoltageOutOfOrder',
      '4',
      '20000',
    ]);
    expect(await refusal(send('setLevel', [2n, 400n, 1n, 1n]))).toEqual([
      'GridVoltageOutOfOrder',
      '2',
      '400',
    ]);
    expect(await refusal(send('setConnection', [0, 1n, 0n]))).toEqual(['GridParticipantUnknown', '0']);
    expect(await refusal(send('setConnection', [99, 1n, 0n]))).toEqual(['GridParticipantUnknown', '99']);
    expect(await refusal(send('setConnection', [producer.id, 0n, 0n]))).toEqual(['GridLevelInvalid', '0']);
    expect(await refusal(send('setConnection', [producer.id, 5n, 0n]))).toEqual(['GridLevelNotSet', '5']);
    expect(await refusal(send('setConnection', [producer.id, 1n, 2n ** 32n]))).toEqual([
      'GridFeederInvalid',
      String(2n ** 32n),
    ]);
    await expect(grid.read.read.wheelingFeePerWh([5n, 1n])).rejects.toThrow(/GridLevelNotSet/);
    await expect(grid.read.read.wheelingFeePerWh([1n, 0n])).rejects.toThrow(/GridLevelInvalid/);
    expect(await grid.read.read.wheelingFeePerWh([3n, 1n])).toBe(perKwh('0.08'));
    await expect(grid.read.read.buyerChargeCapPerWh([producer.id])).rejects.toThrow(/GridNotConnected/);
  });

  it('a buy bid without a voltage level, or whose budget covers the price but not the charges', async () => {
    await setGridConnection(grid, t.accounts.operator, producer.id, { level: 3, feeder: 7 });
    expect(await readGridConnections(grid, [producer.id, consumer.id])).toEqual(
      new Map([
        [producer.id, { level: 3, feeder: 7 }],
        [consumer.id, { level: 0, feeder: 0 }],
      ]),
    );
    const buy = (kwh: bigint, price: string) => ({
      participant: consumer.account,
      participantId: consumer.id,
      intent: { side: 'buy' as const, quantityWh: kwh * 1000n, pricePerWh: perKwh(price) },
    });
    let period = await t.nextOpenPeriod();
    const unconnected = await commitAndReveal(t, period, [buy(1n, '0.5')]);
    expect(unconnected.refused.map((r) => (r.error as { errorName?: string }).errorName)).toEqual([
      'GridNotConnected',
    ]);

    await setGridConnection(grid, t.accounts.operator, consumer.id, { level: 1, feeder: 7 });
    // Balance 1 − margin 0.1 = 0.9 spendable: 1.5 kWh at 0.5 costs 0.75, with the cap 0.11 per kWh 0.915.
    period += 2n;
    const refused = await commitAndReveal(t, period, [
      { ...buy(1n, '0.5'), intent: { side: 'buy' as const, quantityWh: 1_500n, pricePerWh: perKwh('0.5') } },
    ]);
    const error = refused.refused[0]?.error as { errorName?: string; args?: readonly unknown[] };
    expect([error.errorName, ...(error.args ?? []).map(String)]).toEqual([
      'BidBudgetNotCovered',
      String(consumer.id),
      String(UNIT - TEST_PARAMETERS.marginAmount),
      String(1_500n * (perKwh('0.5') + perKwh('0.11'))),
    ]);
    const tariff = await readGridTariff(grid);
    expect(buyerChargeCapPerWh(tariff, 1)).toBe(await grid.read.read.buyerChargeCapPerWh([consumer.id]));
  });
});

interface MarketCase {
  readonly periods: number;
  readonly seed: number;
  readonly parameters: Partial<MarketParameters>;
  /** Prices from a few values, so that bids tie on price and reputation orders them. */
  readonly coarsePrices?: boolean;
}

const MARKETS: readonly MarketCase[] = [
  { periods: 40, seed: 2017, parameters: { pricing: 'mid' } },
  { periods: 48, seed: 1901, parameters: { pricing: 'uniform', sellerShareCapBps: 5_000 } },
  // Fees and reputation together: a scaled margin in admission and in the budget cut, ties by score.
  {
    periods: 30,
    seed: 6021,
    parameters: { pricing: 'mid', reputationWeightPpm: 300_000 },
    coarsePrices: true,
  },
];

const anyPrice = fc.bigInt({ min: 400_000_000_000_000n, max: 900_000_000_000_000n });
const coarsePrice = fc.constantFrom(500_000_000_000_000n, 600_000_000_000_000n, 700_000_000_000_000n);

const generatedPeriod = (coarsePrices: boolean) =>
  fc.record({
    bids: fc.uniqueArray(
      fc.record({
        member: fc.integer({ min: 0, max: POOL - 1 }),
        sell: fc.boolean(),
        quantityWh: fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: 1n, max: 4_000n })),
        pricePerWh: coarsePrices ? coarsePrice : anyPrice,
        withdrawShare: fc.constantFrom(0, 0, 0, 60, 100),
      }),
      { selector: (b) => b.member, minLength: 0, maxLength: POOL },
    ),
    maxEntriesPerTransaction: fc.integer({ min: 1, max: 30 }),
    /** A tariff change before the period: none, new T&D prices, a new levy, a participant moved. */
    change: fc.constantFrom('none', 'none', 'none', 'prices', 'levy', 'move'),
    moved: fc.integer({ min: 0, max: POOL - 1 }),
    level: fc.integer({ min: 1, max: 3 }),
  });

describe.each(MARKETS)(
  'contracts = core with fees on $periods generated periods, $parameters.pricing, reputation weight $parameters.reputationWeightPpm',
  (market) => {
    let t: TestPlatform;
    let grid: GridConnections;
    const pool: Enrolled[] = [];

    beforeAll(async () => {
      t = await startTestPlatform({ parameters: market.parameters, gridConnections: true });
      grid = openGridConnections(t.connection, t.platform.deployment)!;
      const traits = fc.sample(fc.tuple(fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 3 })), {
        seed: 7,
        numRuns: POOL,
      });
      await setTariff(grid, t);
      for (const [i, [greenSupply, greenPreference, level]] of traits.entries()) {
        const member = await t.enrol(
          { name: `prosumer ${i}`, kind: 'prosumer', greenSupply, greenPreference },
          6n * UNIT,
        );
        // Level 0: not connected (it may sell; its buy bids are refused, so none is made).
        if (level > 0)
          await setGridConnection(grid, t.accounts.operator, member.id, { level, feeder: 1 + (i % 3) });
        pool.push(member);
      }
      await t.fundGrid(100n * UNIT);
    }, 120_000);
    afterAll(async () => t?.stop());

    const balanceOf = (address: `0x${string}`) => t.platform.read.token.read.balanceOf([address]);

    it('agrees on trades with their fees, awards, budget cuts and balances', async () => {
      const margin = TEST_PARAMETERS.marginAmount;
      const samples = fc.sample(generatedPeriod(market.coarsePrices ?? false), {
        seed: market.seed,
        numRuns: market.periods,
      });
      let trades = 0;
      let reputed = 0;
      let ties = 0;
      let tiesByScore = 0;
      let cuts = 0;
      let charged = 0n;
      let period = await t.nextOpenPeriod();
      for (const [k, sample] of samples.entries()) {
        const w = periodWindows(t.schedule, period);
        await t.clock.advanceTo(w.commitOpens);
        if (sample.change === 'prices') await setTariff(grid, t, BigInt(1 + (k % 3)));
        if (sample.change === 'levy')
          await setLevy(grid, t.accounts.operator, perKwh(k % 2 === 0 ? '0.02' : '0'));
        if (sample.change === 'move')
          await setGridConnection(grid, t.accounts.operator, pool[sample.moved]!.id, {
            level: sample.level,
            feeder: 9,
          });
        const tariff: GridTariff = await readGridTariff(grid);
        const connections = await readGridConnections(
          grid,
          pool.map((m) => m.id),
        );
        const admitted = [];
        for (const bid of sample.bids) {
          const member = pool[bid.member]!;
          const level = connections.get(member.id)!.level;
          if (!bid.sell && level === 0) continue;
          if ((await balanceOf(member.account.address)) < UNIT) {
            await deposit(
              t.platform,
              t.accounts.settlementAgent,
              member.account.address,
              6n * UNIT,
              `top-up ${k}`,
            );
          }
          const [, balance, debt] = await t.platform.read.market.read.participantState([member.id]);
          if (balance - debt < UNIT / 2n) continue;
          // With reputation on, the margin a bid must leave is scaled by the score it will carry.
          const { nextMargin } = await readReputation(t.platform, member.id);
          if (bid.sell) admitted.push(bid);
          else if (
            balance - debt - nextMargin >=
            bid.quantityWh * (bid.pricePerWh + buyerChargeCapPerWh(tariff, level))
          )
            admitted.push(bid);
        }
        const bidding = await commitAndRevealGenerated(t, period, pool, admitted);
        expect(bidding.refused).toEqual([]);
        await withdrawShares(t, pool, admitted, `w${k}`);

        await t.clock.advanceTo(w.revealCloses);
        const revealed = await revealedBids(t.platform, period);
        const carried = new Map(revealed.map((b) => [b.participantId, b.reputationPpm]));
        const wallets = new Map<string, Wallet>();
        for (const member of pool) {
          wallets.set(String(member.id), {
            balance: await balanceOf(member.account.address),
            margin: marginFor(margin, carried.get(member.id)),
          });
        }
        reputed += revealed.filter((b) => b.reputationPpm !== undefined).length;
        const prices = revealed.map((b) => `${b.side} ${b.pricePerWh}`);
        ties += prices.length - new Set(prices).size;
        // Ties that only the carried score orders: same side and price, different scores.
        const scored = new Set(revealed.map((b) => `${b.side} ${b.pricePerWh} ${b.reputationPpm}`));
        tiesByScore += scored.size - new Set(prices).size;
        const gridBefore = await balanceOf(t.accounts.publicGrid.address);
        const coreBids = asCoreBids(period, revealed);
        const sellerCapWh = sellerShareCapWh(coreBids, market.parameters.sellerShareCapBps ?? 0);
        const core = clearGreenFirst({
          bids: coreBids,
          wallets,
          rules: {
            pricing: market.parameters.pricing ?? 'mid',
            ...(sellerCapWh === undefined ? {} : { sellerCapWh }),
          },
          charges: chargesByParticipant(tariff, (p) => connections.get(Number(p))!.level),
        });
        await clearPeriodOnChain(t.platform, t.keeper, period, {
          maxEntriesPerTransaction: sample.maxEntriesPerTransaction,
        });

        const onChain = await periodTrades(t.platform, period);
        expect(
          onChain.map((x) => [
            String(x.sellerId),
            String(x.buyerId),
            x.quantityWh,
            x.pricePerWh,
            x.wheelingFee,
            x.levy,
          ]),
        ).toEqual(
          core.trades.map((x) => [
            x.seller,
            x.buyer,
            x.quantityWh,
            x.pricePerWh,
            x.wheelingFee ?? 0n,
            x.levy ?? 0n,
          ]),
        );
        await expectAwardsAndBalances(t, period, revealed, pool, core);
        const fees = core.trades.reduce((s, x) => s + (x.wheelingFee ?? 0n) + (x.levy ?? 0n), 0n);
        expect(await balanceOf(t.accounts.publicGrid.address)).toBe(gridBefore + fees);
        trades += core.trades.length;
        charged += fees;
        cuts += core.voided.filter((v, i) => v && revealed[i]!.side === 'buy').length;
        // Settled (readings missing) so the participants' bid slots are free again.
        await t.clock.advanceTo(w.readingDeadline);
        await settlePeriodOnChain(t.platform, t.keeper, period);
        period += 3n;
      }
      console.log(
        `${market.periods} periods: ${trades} trades, ${cuts} budget cuts, ${charged} base units of fees`,
      );
      if (market.coarsePrices)
        console.log(
          `${reputed} bids carried a reputation; ${ties} tied on price, ${tiesByScore} ordered by score`,
        );
      expect(reputed > 0).toBe((market.parameters.reputationWeightPpm ?? 0) > 0);
      if (market.coarsePrices) expect([ties > market.periods, tiesByScore > 0]).toEqual([true, true]);
      expect(trades).toBeGreaterThan(market.periods * 0.75);
      expect(cuts).toBeGreaterThan(2);
      expect(charged).toBeGreaterThan(0n);
    }, 900_000);
  },
);
