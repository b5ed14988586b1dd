/**
 * A period's price floor and cap (market-power safeguards): the contract refuses a revealed bid
 * outside them, and the platform refuses it before sealing. Base units per Wh; a cap of 0 means none.
 */
import type { Side } from './bid.ts';

export interface PriceBounds {
  readonly floorPerWh: bigint;
  readonly capPerWh: bigint;
}

export const NO_PRICE_BOUNDS: PriceBounds = { floorPerWh: 0n, capPerWh: 0n };

/** The contract's refusal of a price outside the bounds, or undefined when it is inside. */
export function priceBoundRefusal(
  pricePerWh: bigint,
  bounds: PriceBounds,
): 'BidPriceBelowFloor' | 'BidPriceAboveCap' | undefined {
  if (pricePerWh < bounds.floorPerWh) return 'BidPriceBelowFloor';
  if (bounds.capPerWh !== 0n && pricePerWh > bounds.capPerWh) return 'BidPriceAboveCap';
  return undefined;
}

/**
 * The price a bidder who knows the published bounds offers instead of `pricePerWh`: a seller asking
 * less than the floor asks the floor, a buyer bidding more than the cap bids the cap. A seller whose
 * ask is above the cap, or a buyer whose bid is below the floor, cannot trade at a price it accepts
 * and does not bid (undefined).
 */
export function priceWithinBounds(side: Side, pricePerWh: bigint, bounds: PriceBounds): bigint | undefined {
  const capped = bounds.capPerWh !== 0n;
  if (side === 'sell') {
    if (capped && pricePerWh > bounds.capPerWh) return undefined;
    return pricePerWh < bounds.floorPerWh ? bounds.floorPerWh : pricePerWh;
  }
  if (pricePerWh < bounds.floorPerWh) return undefined;
  return capped && pricePerWh > bounds.capPerWh ? bounds.capPerWh : pricePerWh;
}
