/**
 * Grid security: feeder and transformer capacity limits per period, as
 * `contracts/GridConnections.sol` (`reserveCapacity`) applies them while the market clears.
 *
 * Decided rules (docs/decisions.md, "Grid security: feeder and transformer capacity"):
 * - each participant hangs on a feeder (its grid connection; 0: not recorded), each feeder on a
 *   transformer (0: none recorded); the operator limits what a feeder or a transformer may carry per
 *   period, in Wh: a default per asset and per-period overrides; no limit set: unlimited;
 * - a trade between parties on different feeders loads the seller's feeder and the buyer's feeder,
 *   and, when their transformers differ, both transformers; a trade within one feeder loads nothing;
 *   an asset 0 loads nothing;
 * - loads count gross, in both directions: a trade cannot count on a later trade flowing back;
 * - the limits are checked in `LIMIT_KINDS` order; a trade that would pass one is cut to the smallest
 *   headroom (the first such limit binds on a tie) and the rest of the bid on the bound limit's side
 *   (the seller's for its feeder or transformer, the buyer's for its own) is void, like the budget
 *   cut, so the merit-order walk goes on with the next bid;
 * - the cut comes after the seller share cap and the buyer's budget cut.
 */
import { MarketInputError } from './errors.ts';

/** The assets a limit applies to, in the order of the contract's `Asset` enum. */
export const CAPACITY_ASSETS = ['feeder', 'transformer'] as const;
export type CapacityAsset = (typeof CAPACITY_ASSETS)[number];

/** Which limit cut a trade, in the order of the contract's `LimitKind` enum (and of checking). */
export const LIMIT_KINDS = ['sellerFeeder', 'buyerFeeder', 'sellerTransformer', 'buyerTransformer'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

const MAX_UINT32 = 2 ** 32 - 1;
const MAX_UINT64 = (1n << 64n) - 1n;

/** The capacity limits as one period sees them. */
export interface PeriodCapacity {
  /** The feeder a participant hangs on (0: not recorded). */
  feederOf(participant: string): number;
  /** The transformer a feeder hangs on (0: none recorded). */
  transformerOf(feeder: number): number;
  /** The Wh the asset may carry in the period; undefined: no limit. */
  limitWh(asset: CapacityAsset, id: number): bigint | undefined;
}

/** What a clearing is told about capacity: the period's limits and what earlier trades used. */
export interface ClearingCapacity {
  readonly limits: PeriodCapacity;
  /** Wh already reserved per asset (`assetKey`), for a clearing resumed part-way. */
  readonly usedWh?: ReadonlyMap<string, bigint>;
}

export interface CapacityCut {
  readonly seller: string;
  readonly buyer: string;
  readonly limit: LimitKind;
  readonly limitId: number;
  readonly grantedWh: bigint;
}

export const assetKey = (asset: CapacityAsset, id: number): string => `${asset}:${id}`;

/** The assets a trade loads, in `LIMIT_KINDS` order. */
export function tradeLoads(
  limits: PeriodCapacity,
  seller: string,
  buyer: string,
): { kind: LimitKind; asset: CapacityAsset; id: number }[] {
  const sellerFeeder = limits.feederOf(seller);
  const buyerFeeder = limits.feederOf(buyer);
  if (sellerFeeder === buyerFeeder) return [];
  let sellerTransformer = limits.transformerOf(sellerFeeder);
  let buyerTransformer = limits.transformerOf(buyerFeeder);
  if (sellerTransformer === buyerTransformer) sellerTransformer = buyerTransformer = 0;
  const loads = [
    { kind: 'sellerFeeder', asset: 'feeder', id: sellerFeeder },
    { kind: 'buyerFeeder', asset: 'feeder', id: buyerFeeder },
    { kind: 'sellerTransformer', asset: 'transformer', id: sellerTransformer },
    { kind: 'buyerTransformer', asset: 'transformer', id: buyerTransformer },
  ] as const;
  return loads.filter((load) => load.id !== 0);
}

/**
 * Reserves a trade's load against the period's limits, adding what is granted to `usedWh`.
 * Returns what the trade may carry and, when a limit cut it, which one and whose bid is now void.
 */
export function reserveCapacity(
  limits: PeriodCapacity,
  usedWh: Map<string, bigint>,
  seller: string,
  buyer: string,
  quantityWh: bigint,
): { grantedWh: bigint; cut?: { limit: LimitKind; limitId: number; voids: 'seller' | 'buyer' } } {
  let grantedWh = quantityWh;
  let binding: { kind: LimitKind; id: number } | undefined;
  const limited: string[] = [];
  for (const load of tradeLoads(limits, seller, buyer)) {
    const limitWh = limits.limitWh(load.asset, load.id);
    if (limitWh === undefined) continue;
    const key = assetKey(load.asset, load.id);
    limited.push(key);
    const used = usedWh.get(key) ?? 0n;
    const headroom = limitWh > used ? limitWh - used : 0n;
    if (headroom < grantedWh) {
      grantedWh = headroom;
      binding = load;
    }
  }
  if (grantedWh > 0n) for (const key of limited) usedWh.set(key, (usedWh.get(key) ?? 0n) + grantedWh);
  if (binding === undefined) return { grantedWh };
  const voids = binding.kind.startsWith('seller') ? 'seller' : 'buyer';
  return { grantedWh, cut: { limit: binding.kind, limitId: binding.id, voids } };
}

/** The operator's capacity settings, as the contract keeps them. */
export interface GridCapacitySettings {
  /** Feeder → transformer. */
  readonly transformers: ReadonlyMap<number, number>;
  /** Default limits by `assetKey`; absent: no limit. */
  readonly defaults: ReadonlyMap<string, bigint>;
  /** Per period, by `assetKey`: a limit, or null to lift the default for that period. */
  readonly periods: ReadonlyMap<bigint, ReadonlyMap<string, bigint | null>>;
}

export const NO_CAPACITY_LIMITS: GridCapacitySettings = {
  transformers: new Map(),
  defaults: new Map(),
  periods: new Map(),
};

/** Any limit or period override is set; when not, the market reserves nothing. */
export const capacityActive = (settings: GridCapacitySettings): boolean =>
  settings.defaults.size > 0 || [...settings.periods.values()].some((own) => own.size > 0);

/** The limits of one period, with participants' feeders from their grid connections. */
export function periodCapacity(
  settings: GridCapacitySettings,
  period: bigint,
  feederOf: (participant: string) => number,
): PeriodCapacity {
  const own = settings.periods.get(period);
  return {
    feederOf,
    transformerOf: (feeder) => settings.transformers.get(feeder) ?? 0,
    limitWh: (asset, id) => {
      const key = assetKey(asset, id);
      if (own?.has(key) === true) return own.get(key) ?? undefined;
      return settings.defaults.get(key);
    },
  };
}

/** Checks an asset id as the contract does (1 to 2³² − 1), naming the field. */
export function checkAssetId(field: string, id: number): void {
  if (!(id % 1 === 0 && id >= 1 && id <= MAX_UINT32))
    throw new MarketInputError(field, 'must be a whole number from 1 to 4,294,967,295');
}

/** Checks a transformer assignment (0: none) as the contract does. */
export function checkTransformerId(field: string, id: number): void {
  if (!(id % 1 === 0 && id >= 0 && id <= MAX_UINT32))
    throw new MarketInputError(field, 'must be a whole number from 0 (none) to 4,294,967,295');
}

/** Checks a capacity limit in Wh per period as the contract does (0 closes the asset to trades). */
export function checkCapacityWh(field: string, capacityWh: bigint): void {
  if (capacityWh < 0n || capacityWh > MAX_UINT64)
    throw new MarketInputError(field, 'must be a whole number of Wh from 0 to 2^64 - 1');
}
