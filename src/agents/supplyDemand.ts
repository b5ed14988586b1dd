/**
 * A market's supply and demand schedule: each buyer's value and each seller's cost for one unit,
 * and its competitive equilibrium (price P₀ and the largest surplus any allocation can reach),
 * computed by the market core's uniform-price auction on the traders' true limits.
 */
import type { Bid } from '../core/bid.ts';
import { clearUniformPrice } from '../core/uniformPriceAuction.ts';

export interface SupplyDemand {
  /** Buyers' values, base units per Wh. */
  readonly values: readonly bigint[];
  /** Sellers' costs, base units per Wh. */
  readonly costs: readonly bigint[];
  /** The one unit each trader trades, Wh. */
  readonly unitWh: bigint;
}

export interface Equilibrium {
  /** P₀, base units per Wh. */
  readonly pricePerWh: bigint;
  /** Σ (value − cost) × unit over the efficient trades, base units. */
  readonly maxSurplus: bigint;
  readonly quantityWh: bigint;
}

export function competitiveEquilibrium(market: SupplyDemand): Equilibrium {
  const unit = (side: Bid['side'], pricePerWh: bigint, rank: number): Bid => ({
    participant: `${side === 'buy' ? 'buyer' : 'seller'} ${rank}`,
    side,
    green: false,
    quantityWh: market.unitWh,
    pricePerWh,
    rank: BigInt(rank),
  });
  const bids: Bid[] = [
    ...market.values.map((v, i) => unit('buy', v, i)),
    ...market.costs.map((c, i) => unit('sell', c, market.values.length + i)),
  ];
  const result = clearUniformPrice({ bids });
  if (result.clearingPricePerWh === null)
    throw new Error('the schedule has no trade: no buyer values a unit above a cost');
  let maxSurplus = 0n;
  let quantityWh = 0n;
  bids.forEach((bid, i) => {
    const awarded = result.awardedWh[i]!;
    maxSurplus += (bid.side === 'buy' ? 1n : -1n) * awarded * bid.pricePerWh;
    if (bid.side === 'buy') quantityWh += awarded;
  });
  return { pricePerWh: result.clearingPricePerWh, maxSurplus, quantityWh };
}

/**
 * A symmetric schedule of n buyers and n sellers: values fall and costs rise in equal steps around
 * `center`, so the equilibrium price is `center` (Smith's and Gode and Sunder's classic shape).
 */
export function symmetricMarket(
  n: number,
  centerPerWh: bigint,
  stepPerWh: bigint,
  unitWh = 1_000n,
): SupplyDemand {
  const half = (BigInt(n) * stepPerWh) / 2n;
  const values = Array.from({ length: n }, (_, i) => centerPerWh + half - BigInt(i) * stepPerWh);
  const costs = Array.from({ length: n }, (_, i) => centerPerWh - half + BigInt(i) * stepPerWh);
  return { values, costs, unitWh };
}
