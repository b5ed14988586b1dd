/**
 * Feeder and transformer capacity on chain: every refusal of the register's capacity setters, and
 * the contracts = core on generated periods with limits changing between periods (defaults and a
 * period's own limits), both pricing rules, once with a levy on: trades, awards, cuts (budget and
 * capacity), capacity used and every balance.
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
import {
  assetKey,
  CAPACITY_ASSETS,
  periodCapacity,
  type CapacityAsset,
  type GridCapacitySettings,
} from '../core/gridCapacity.ts';
import { periodWindows } from '../core/periodClock.ts';
import { refusalNamed } from './continuousMarketTesting.ts';
import type { MarketParameters } from './deploy.ts';
import { gridConnectionsAbi } from './generated/GridConnections.ts';
import {
  clearingCapacity,
  openGridConnections,
  readPeriodCapacity,
  setCapacityLimit,
  setFeederTransformer,
  setGridConnection,
  setLevy,
  setPeriodCapacityLimit,
  setVoltageLevel,
  type GridConnections,
} from './gridConnections.ts';
import { clearPeriodOnChain } from './clearing.ts';
import { deposit } from './participants.ts';
import { settlePeriodOnChain } from './settlement.ts';
import { asCoreBids, periodCapacityCuts, periodTrades, revealedBids } from './periodRecords.ts';
import {
  startTestPlatform,
  TEST_PARAMETERS,
  type Enrolled,
  type TestPlatform,
} from './testing/testPlatform.ts';
import { execute } from './transactions.ts';

const UNIT = 10n ** 18n;
const POOL = 12;
/** Feeders 1 and 2 hang on transformer 1, feeder 3 on transformer 2, feeder 4 on none. */
const TRANSFORMERS = new Map([
  [1, 1],
  [2, 1],
  [3, 2],
  [4, 0],
]);
/** Member i's feeder; every sixth has none recorded. */
const feederOfMember = (i: number) => (i % 6 === 5 ? 0 : 1 + (i % 4));

describe('the capacity setters refuse', () => {
  let t: TestPlatform;
  let grid: GridConnections;

  beforeAll(async () => {
    t = await startTestPlatform({ gridConnections: true });
    grid = openGridConnections(t.connection, t.platform.deployment)!;
  }, 60_000);
  afterAll(async () => t?.stop());

  const send = (
    functionName: 'setFeederTransformer' | 'setCapacity' | 'setPeriodCapacity',
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
  const limit = { limited: true, capacityWh: 5n };

  it('anyone but the operator, a feeder or transformer 0, and a period out of range', async () => {
    const stranger = t.accounts.relayer;
    expect((await refusal(send('setFeederTransformer', [1, 1], stranger)))[0]).toBe('GridNotOperator');
    expect((await refusal(send('setCapacity', [0, 1, limit], stranger)))[0]).toBe('GridNotOperator');
    expect((await refusal(send('setPeriodCapacity', [5n, 0, 1, { ...limit, set: true }], stranger)))[0]).toBe(
      'GridNotOperator',
    );
    expect(await refusal(send('setFeederTransformer', [0, 1]))).toEqual(['GridFeederInvalid', '0']);
    expect(await refusal(send('setCapacity', [0, 0, limit]))).toEqual(['GridFeederInvalid', '0']);
    expect(await refusal(send('setCapacity', [1, 0, limit]))).toEqual(['GridTransformerInvalid', '0']);
    expect(await refusal(send('setPeriodCapacity', [0n, 0, 1, { ...limit, set: true }]))).toEqual([
      'GridPeriodInvalid',
      '0',
    ]);
    expect(await refusal(send('setPeriodCapacity', [2n ** 24n, 0, 1, { ...limit, set: true }]))).toEqual([
      'GridPeriodInvalid',
      String(2n ** 24n),
    ]);
    expect(await refusal(send('setPeriodCapacity', [3n, 1, 0, { ...limit, set: true }]))).toEqual([
      'GridTransformerInvalid',
      '0',
    ]);
    expect(await grid.read.read.capacityActive()).toBe(false);
  });

  it('counts what is set: active while a limit or a period override is set, inactive again when all are lifted', async () => {
    const op = t.accounts.operator;
    await setFeederTransformer(grid, op, 3, 9);
    expect(await grid.read.read.transformerOf([3])).toBe(9);
    await setCapacityLimit(grid, op, 'feeder', 3, 0n);
    await setCapacityLimit(grid, op, 'feeder', 3, 40n);
    expect(await grid.read.read.capacitySettings()).toBe(1);
    await setPeriodCapacityLimit(grid, op, 8n, 'feeder', 3, null);
    expect(await readPeriodCapacity(grid, t.platform.deployment.market, 8n, 'feeder', 3)).toEqual({
      limitWh: null,
      usedWh: 0n,
    });
    expect(await readPeriodCapacity(grid, t.platform.deployment.market, 9n, 'feeder', 3)).toEqual({
      limitWh: 40n,
      usedWh: 0n,
    });
    expect(await grid.read.read.capacitySettings()).toBe(2);
    await setCapacityLimit(grid, op, 'feeder', 3, null);
    await setPeriodCapacityLimit(grid, op, 8n, 'feeder', 3, undefined);
    expect(await grid.read.read.capacityActive()).toBe(false);
  });
});

interface MarketCase {
  readonly periods: number;
  readonly seed: number;
  readonly parameters: Partial<MarketParameters>;
  readonly levy: boolean;
}

const MARKETS: readonly MarketCase[] = [
  { periods: 30, seed: 2026, parameters: { pricing: 'mid' }, levy: false },
  { periods: 30, seed: 1125, parameters: { pricing: 'uniform', sellerShareCapBps: 6_000 }, levy: true },
];

const asset = fc.record({
  asset: fc.constantFrom<CapacityAsset>(...CAPACITY_ASSETS),
  id: fc.integer({ min: 1, max: 4 }),
});
const limitWh = fc.option(fc.oneof(fc.bigInt({ min: 0n, max: 30n }), fc.bigInt({ min: 0n, max: 6_000n })), {
  freq: 4,
});

const generatedPeriod = fc.record({
  bids: fc.uniqueArray(
    fc.record({
      member: fc.integer({ min: 0, max: POOL - 1 }),
      sell: fc.boolean(),
      quantityWh: fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: 1n, max: 4_000n })),
      pricePerWh: fc.bigInt({ min: 400_000_000_000_000n, max: 900_000_000_000_000n }),
      withdrawShare: fc.constantFrom(0, 0, 0, 60, 100),
    }),
    { selector: (b) => b.member, minLength: 0, maxLength: POOL },
  ),
  maxEntriesPerTransaction: fc.integer({ min: 1, max: 30 }),
  /** Default limits changed before the period (null: lifted). */
  defaults: fc.array(fc.tuple(asset, limitWh), { maxLength: 3 }),
  /** The period's own limits (null: the default lifted for the period). */
  own: fc.array(fc.tuple(asset, limitWh), { maxLength: 2 }),
});

describe.each(MARKETS)(
  'contracts = core with capacity limits on $periods generated periods, $parameters.pricing',
  (market) => {
    let t: TestPlatform;
    let grid: GridConnections;
    const pool: Enrolled[] = [];

    beforeAll(async () => {
      t = await startTestPlatform({ parameters: market.parameters, gridConnections: true });
      grid = openGridConnections(t.connection, t.platform.deployment)!;
      const op = t.accounts.operator;
      await setVoltageLevel(grid, op, {
        level: 1,
        nominalVolts: 400,
        transmissionPerWh: 0n,
        sameLevelFeePerWh: 0n,
      });
      if (market.levy) await setLevy(grid, op, 30_000_000_000_000n);
      for (const [feeder, transformer] of TRANSFORMERS)
        await setFeederTransformer(grid, op, feeder, transformer);
      const traits = fc.sample(fc.tuple(fc.boolean(), fc.boolean()), { seed: 7, numRuns: POOL });
      for (const [i, [greenSupply, greenPreference]] of traits.entries()) {
        const member = await t.enrol(
          { name: `prosumer ${i}`, kind: 'prosumer', greenSupply, greenPreference },
          6n * UNIT,
        );
        await setGridConnection(grid, op, member.id, { level: 1, feeder: feederOfMember(i) });
        pool.push(member);
      }
      await t.fundGrid(100n * UNIT);
    }, 120_000);
    afterAll(async () => t?.stop());

    const balanceOf = (address: `0x${string}`) => t.platform.read.token.read.balanceOf([address]);

    it('agrees on trades, awards, cuts, capacity used and balances', async () => {
      const margin = TEST_PARAMETERS.marginAmount;
      const levyPerWh = market.levy ? 30_000_000_000_000n : 0n;
      const samples = fc.sample(generatedPeriod, { seed: market.seed, numRuns: market.periods });
      const defaults = new Map<string, bigint>();
      const op = t.accounts.operator;
      let trades = 0;
      let capacityCuts = 0;
      let period = await t.nextOpenPeriod();
      for (const [k, sample] of samples.entries()) {
        const w = periodWindows(t.schedule, period);
        await t.clock.advanceTo(w.commitOpens);
        for (const [{ asset: kind, id }, wh] of sample.defaults) {
          await setCapacityLimit(grid, op, kind, id, wh);
          if (wh === null) defaults.delete(assetKey(kind, id));
          else defaults.set(assetKey(kind, id), wh);
        }
        const own = new Map<string, bigint | null>();
        for (const [{ asset: kind, id }, wh] of sample.own) {
          await setPeriodCapacityLimit(grid, op, period, kind, id, wh);
          own.set(assetKey(kind, id), wh);
        }
        const settings: GridCapacitySettings = {
          transformers: TRANSFORMERS,
          defaults,
          periods: new Map([[period, own]]),
        };
        const admitted = [];
        for (const bid of sample.bids) {
          const member = pool[bid.member]!;
          if ((await balanceOf(member.account.address)) < UNIT)
            await deposit(
              t.platform,
              t.accounts.settlementAgent,
              member.account.address,
              6n * UNIT,
              `top-up ${k}`,
            );
          const [, balance, debt] = await t.platform.read.market.read.participantState([member.id]);
          if (balance - debt < UNIT / 2n) continue;
          if (bid.sell || balance - debt - margin >= bid.quantityWh * (bid.pricePerWh + levyPerWh))
            admitted.push(bid);
        }
        const bidding = await commitAndRevealGenerated(t, period, pool, admitted);
        expect(bidding.refused).toEqual([]);
        await withdrawShares(t, pool, admitted, `w${k}`);

        await t.clock.advanceTo(w.revealCloses);
        const revealed = await revealedBids(t.platform, period);
        const wallets = new Map<string, Wallet>();
        for (const member of pool)
          wallets.set(String(member.id), { balance: await balanceOf(member.account.address), margin });
        const coreBids = asCoreBids(period, revealed);
        const sellerCapWh = sellerShareCapWh(coreBids, market.parameters.sellerShareCapBps ?? 0);
        const feederOf = (p: string) => feederOfMember(pool.findIndex((m) => String(m.id) === p));
        const limits = periodCapacity(settings, period, feederOf);
        const core = clearGreenFirst({
          bids: coreBids,
          wallets,
          rules: {
            pricing: market.parameters.pricing ?? 'mid',
            ...(sellerCapWh === undefined ? {} : { sellerCapWh }),
          },
          ...(market.levy ? { charges: () => ({ wheelingPerWh: 0n, levyPerWh }) } : {}),
          capacity: { limits },
        });
        // The SDK reads the same limits the test set.
        const read = await clearingCapacity(
          grid,
          t.platform.deployment.market,
          period,
          pool.map((m) => m.id),
        );
        for (const [kind, id] of [...TRANSFORMERS.keys()].flatMap((f) => [
          ['feeder', f] as const,
          ['transformer', TRANSFORMERS.get(f)!] as const,
        ]))
          if (id !== 0 && read !== undefined)
            expect(read.limits.limitWh(kind, id)).toBe(limits.limitWh(kind, id));

        await clearPeriodOnChain(t.platform, t.keeper, period, {
          maxEntriesPerTransaction: sample.maxEntriesPerTransaction,
        });

        const onChain = await periodTrades(t.platform, period);
        expect(
          onChain.map((x) => [String(x.sellerId), String(x.buyerId), x.quantityWh, x.pricePerWh, x.levy]),
        ).toEqual(core.trades.map((x) => [x.seller, x.buyer, x.quantityWh, x.pricePerWh, x.levy ?? 0n]));
        await expectAwardsAndBalances(t, period, revealed, pool, core);
        const cuts = await periodCapacityCuts(t.platform, period);
        expect(
          cuts.map((c) => [String(c.sellerId), String(c.buyerId), c.limit, c.limitId, c.grantedWh]),
        ).toEqual(core.capacityCuts.map((c) => [c.seller, c.buyer, c.limit, c.limitId, c.grantedWh]));
        for (const [key, usedWh] of core.capacityUsedWh) {
          const [kind, id] = key.split(':') as [CapacityAsset, string];
          const onChainUse = await readPeriodCapacity(
            grid,
            t.platform.deployment.market,
            period,
            kind,
            Number(id),
          );
          expect(onChainUse.usedWh).toBe(usedWh);
        }
        trades += core.trades.length;
        capacityCuts += core.capacityCuts.length;
        await t.clock.advanceTo(w.readingDeadline);
        await settlePeriodOnChain(t.platform, t.keeper, period);
        period += 3n;
      }
      console.log(`${market.periods} periods: ${trades} trades, ${capacityCuts} capacity cuts`);
      expect(trades).toBeGreaterThan(market.periods * 0.5);
      expect(capacityCuts).toBeGreaterThan(3);
    }, 900_000);
  },
);
