import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bid } from './bid.ts';
import { clearGreenFirst, type GreenFirstInput } from './greenFirstAuction.ts';
import {
  assetKey,
  capacityActive,
  checkAssetId,
  checkCapacityWh,
  checkTransformerId,
  NO_CAPACITY_LIMITS,
  periodCapacity,
  tradeLoads,
  type GridCapacitySettings,
} from './gridCapacity.ts';
import { capacityArbitrary } from './testing/capacityArbitraries.ts';
import { periodArbitrary } from './testing/bidArbitraries.ts';

const PERIOD = 7n;
let rank = 0n;
const bid = (participant: string, side: Bid['side'], quantityWh: bigint, pricePerWh: bigint): Bid => ({
  participant,
  side,
  green: false,
  quantityWh,
  pricePerWh,
  rank: rank++,
});

/** s1, b1 on feeder 1; s2, b2 on feeder 2; b3 on feeder 3. Feeders 1, 2 on transformer 1, feeder 3 on 2. */
const FEEDER_OF: Record<string, number> = { s1: 1, b1: 1, s2: 2, b2: 2, b3: 3 };
const settings = (
  defaults: [string, bigint][],
  overrides: [string, bigint | null][] = [],
): GridCapacitySettings => ({
  transformers: new Map([
    [1, 1],
    [2, 1],
    [3, 2],
  ]),
  defaults: new Map(defaults),
  periods: new Map([[PERIOD, new Map(overrides)]]),
});
const clear = (bids: Bid[], s: GridCapacitySettings) =>
  clearGreenFirst({
    bids,
    capacity: { limits: periodCapacity(s, PERIOD, (p) => FEEDER_OF[p] ?? 0) },
  });
const traded = (result: ReturnType<typeof clearGreenFirst>) =>
  result.trades.map((t) => `${t.seller}>${t.buyer}:${t.quantityWh}`);

describe('the loads of a trade', () => {
  const limits = periodCapacity(settings([]), PERIOD, (p) => FEEDER_OF[p] ?? 0);
  it('loads nothing within one feeder, both feeders across feeders, and both transformers across transformers', () => {
    expect(tradeLoads(limits, 's1', 'b1')).toEqual([]);
    expect(tradeLoads(limits, 's1', 'b2').map((l) => l.kind)).toEqual(['sellerFeeder', 'buyerFeeder']);
    expect(tradeLoads(limits, 's1', 'b3').map((l) => `${l.kind}:${l.id}`)).toEqual([
      'sellerFeeder:1',
      'buyerFeeder:3',
      'sellerTransformer:1',
      'buyerTransformer:2',
    ]);
  });
  it('loads nothing for a party whose feeder is not recorded', () => {
    expect(tradeLoads(limits, 'unknown', 'b3').map((l) => l.kind)).toEqual([
      'buyerFeeder',
      'buyerTransformer',
    ]);
  });
});

describe('clearing with capacity limits (hand examples)', () => {
  it('cuts a trade to the seller feeder’s headroom and voids the rest of the seller’s bid', () => {
    const bids = [bid('s1', 'sell', 500n, 10n), bid('s2', 'sell', 500n, 12n), bid('b2', 'buy', 800n, 20n)];
    const result = clear(bids, settings([[assetKey('feeder', 1), 300n]]));
    expect(traded(result)).toEqual(['s1>b2:300', 's2>b2:500']);
    expect(result.voided).toEqual([true, false, false]);
    expect(result.capacityCuts).toEqual([
      { seller: 's1', buyer: 'b2', limit: 'sellerFeeder', limitId: 1, grantedWh: 300n },
    ]);
    expect(result.capacityUsedWh.get(assetKey('feeder', 1))).toBe(300n);
  });

  it('voids the buyer when its own transformer binds, and the next buyer trades', () => {
    const bids = [bid('s1', 'sell', 1_000n, 10n), bid('b3', 'buy', 600n, 30n), bid('b1', 'buy', 600n, 20n)];
    const result = clear(bids, settings([[assetKey('transformer', 2), 250n]]));
    expect(traded(result)).toEqual(['s1>b3:250', 's1>b1:600']);
    expect(result.voided).toEqual([false, true, false]);
    expect(result.capacityCuts[0]?.limit).toBe('buyerTransformer');
  });

  it('counts flows gross: a trade one way does not make room for one the other way', () => {
    const bids = [
      bid('s1', 'sell', 100n, 10n),
      bid('s2', 'sell', 100n, 11n),
      bid('b2', 'buy', 100n, 30n),
      bid('b1', 'buy', 100n, 29n),
    ];
    const result = clear(bids, settings([[assetKey('feeder', 1), 150n]]));
    expect(traded(result)).toEqual(['s1>b2:100', 's2>b1:50']);
    expect(result.capacityCuts[0]).toMatchObject({ limit: 'buyerFeeder', limitId: 1, grantedWh: 50n });
  });

  it('binds the first limit in order when two have equal headroom', () => {
    const bids = [bid('s1', 'sell', 500n, 10n), bid('b2', 'buy', 500n, 20n)];
    const result = clear(
      bids,
      settings([
        [assetKey('feeder', 2), 200n],
        [assetKey('feeder', 1), 200n],
      ]),
    );
    expect(result.capacityCuts[0]).toMatchObject({ limit: 'sellerFeeder', limitId: 1 });
    expect(result.voided).toEqual([true, false]);
  });

  it('closes an asset with a limit of 0, and a period’s own limit replaces or lifts the default', () => {
    const bids = [bid('s1', 'sell', 500n, 10n), bid('b2', 'buy', 500n, 20n)];
    expect(traded(clear(bids, settings([[assetKey('feeder', 2), 0n]])))).toEqual([]);
    expect(
      traded(clear(bids, settings([[assetKey('feeder', 2), 0n]], [[assetKey('feeder', 2), 120n]]))),
    ).toEqual(['s1>b2:120']);
    expect(
      traded(clear(bids, settings([[assetKey('feeder', 2), 0n]], [[assetKey('feeder', 2), null]]))),
    ).toEqual(['s1>b2:500']);
  });

  it('is active once a limit or a period override is set', () => {
    expect(capacityActive(NO_CAPACITY_LIMITS)).toBe(false);
    expect(capacityActive(settings([]))).toBe(false);
    expect(capacityActive(settings([], [[assetKey('feeder', 1), null]]))).toBe(true);
    expect(capacityActive(settings([[assetKey('transformer', 1), 5n]]))).toBe(true);
  });

  it('refuses bad ids and limits naming the field', () => {
    expect(() => checkAssetId('feeder', 0)).toThrow(/feeder: must be a whole number from 1/);
    expect(() => checkAssetId('id', 2 ** 32)).toThrow(/id:/);
    expect(() => checkTransformerId('transformer', -1)).toThrow(/transformer: must be/);
    expect(() => checkCapacityWh('capacityWh', -1n)).toThrow(/capacityWh:/);
    expect(() => checkCapacityWh('capacityWh', 1n << 64n)).toThrow(/capacityWh:/);
    expect(() => checkTransformerId('transformer', 0)).not.toThrow();
  });
});

describe('clearing with capacity limits (properties)', () => {
  const generated = fc.tuple(periodArbitrary({ maxBids: 24 }), fc.constantFrom('mid', 'uniform' as const));
  it('never loads an asset beyond its limit', () => {
    fc.assert(
      fc.property(
        generated.chain(([period, pricing]) =>
          capacityArbitrary(period.bids.length, PERIOD).map((capacity) => ({ period, pricing, capacity })),
        ),
        ({ period, pricing, capacity }) => {
          const limits = periodCapacity(
            capacity.settings,
            PERIOD,
            (p) => capacity.feeders[parseInt(p.slice(1), 10)]!,
          );
          const result = clearGreenFirst({
            bids: period.bids,
            wallets: period.wallets,
            rules: { pricing },
            capacity: { limits },
          });
          const loads = new Map<string, bigint>();
          for (const t of result.trades)
            for (const load of tradeLoads(limits, t.seller, t.buyer)) {
              const key = assetKey(load.asset, load.id);
              loads.set(key, (loads.get(key) ?? 0n) + t.quantityWh);
            }
          for (const [key, wh] of loads) {
            const [asset, id] = key.split(':') as ['feeder' | 'transformer', string];
            const limit = limits.limitWh(asset, parseInt(id, 10));
            if (limit !== undefined) expect(wh).toBeLessThanOrEqual(limit);
            if (limit !== undefined) expect(result.capacityUsedWh.get(key)).toBe(wh);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with limits no trade can reach, gives the auction without limits', () => {
    fc.assert(
      fc.property(
        generated.chain(([period, pricing]) =>
          capacityArbitrary(period.bids.length, PERIOD).map((capacity) => ({ period, pricing, capacity })),
        ),
        ({ period, pricing, capacity }) => {
          const total = period.bids.reduce((s, b) => s + b.quantityWh, 0n);
          const unreachable: GridCapacitySettings = {
            ...capacity.settings,
            defaults: new Map([...capacity.settings.defaults.keys()].map((k) => [k, total])),
            periods: new Map(),
          };
          const input: GreenFirstInput = { bids: period.bids, wallets: period.wallets, rules: { pricing } };
          const capped = clearGreenFirst({
            ...input,
            capacity: {
              limits: periodCapacity(unreachable, PERIOD, (p) => capacity.feeders[parseInt(p.slice(1), 10)]!),
            },
          });
          const free = clearGreenFirst(input);
          expect(capped.trades).toEqual(free.trades);
          expect(capped.voided).toEqual(free.voided);
          expect(capped.entries).toEqual(free.entries);
          expect(capped.capacityCuts).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
