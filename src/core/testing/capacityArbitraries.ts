/** fast-check generators of feeder and transformer limits, shared by the core's and the contracts' tests. */
import fc from 'fast-check';
import { assetKey, type GridCapacitySettings } from '../gridCapacity.ts';

export interface GeneratedCapacity {
  /** Feeder of the i-th participant (0: not recorded). */
  readonly feeders: number[];
  readonly settings: GridCapacitySettings;
}

const FEEDERS = 4;
const TRANSFORMERS = 2;

/**
 * A few feeders on two transformers (some feeders on none), limits small enough to bind against the
 * bid quantities of `periodArbitrary` (often), and overrides for `period` that replace or lift them.
 */
export function capacityArbitrary(participants: number, period: bigint): fc.Arbitrary<GeneratedCapacity> {
  const limit = fc.oneof(fc.bigInt({ min: 0n, max: 100n }), fc.bigInt({ min: 0n, max: 10_000_000n }));
  const asset = fc.oneof(
    fc.integer({ min: 1, max: FEEDERS }).map((id) => assetKey('feeder', id)),
    fc.integer({ min: 1, max: TRANSFORMERS }).map((id) => assetKey('transformer', id)),
  );
  return fc
    .record({
      feeders: fc.array(fc.integer({ min: 0, max: FEEDERS }), {
        minLength: participants,
        maxLength: participants,
      }),
      transformers: fc.array(fc.integer({ min: 0, max: TRANSFORMERS }), {
        minLength: FEEDERS,
        maxLength: FEEDERS,
      }),
      defaults: fc.array(fc.tuple(asset, limit), { maxLength: 4 }),
      overrides: fc.array(fc.tuple(asset, fc.option(limit)), { maxLength: 2 }),
    })
    .map(({ feeders, transformers, defaults, overrides }) => ({
      feeders,
      settings: {
        transformers: new Map(transformers.map((t, i) => [i + 1, t] as const)),
        defaults: new Map(defaults),
        periods: new Map([[period, new Map(overrides)]]),
      },
    }));
}
