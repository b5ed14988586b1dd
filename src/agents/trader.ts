/**
 * What a simulated trader is: a private limit price (a buyer's value, a seller's cost) for one unit,
 * a quote when the market asks it for one, and what it learns from every shout in the market.
 * Strategies reason in floating-point currency units per kWh; `toBookPrice` turns a quote into the
 * integer base units per Wh the order book takes, never beyond the trader's limit.
 */
import type { Side } from '../core/bid.ts';
import type { Random } from './random.ts';

/** Base units per Wh in one currency unit per kWh (10^18 / 10^3). */
export const BASE_UNITS_PER_WH_PER_KWH_PRICE = 1e15;

export interface MarketView {
  /** The best resting bid and ask of other traders (currency per kWh), null when a side is empty. */
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
}

/** A shout (a quote placed) and whether it traded at once, as every trader sees it. */
export interface MarketEvent {
  readonly side: Side;
  /** The trade price when it traded, the quoted price otherwise. */
  readonly price: number;
  readonly traded: boolean;
}

export interface PriceBounds {
  /** Lowest and highest price anyone may quote (currency per kWh). */
  readonly min: number;
  readonly max: number;
}

export interface Trader {
  readonly side: Side;
  /** Value (buyer) or cost (seller), currency per kWh. */
  readonly limit: number;
  /** Whether it still has a unit to trade today. */
  active: boolean;
  /** A quote (currency per kWh) or null to stay silent this time. */
  quote(view: MarketView, random: Random): number | null;
  /** Learns from a shout or trade anywhere in the market. */
  observe(event: MarketEvent, view: MarketView): void;
}

export type Strategy = 'zic' | 'zip' | 'aa';

export interface TraderSpec {
  readonly side: Side;
  readonly limit: number;
  readonly bounds: PriceBounds;
  readonly random: Random;
}

/** The integer book price of a quote: rounded toward the trader's own side, capped at its limit. */
export function toBookPrice(side: Side, quote: number, limitPerWh: bigint): bigint {
  const scaled = quote * BASE_UNITS_PER_WH_PER_KWH_PRICE;
  if (side === 'buy') {
    const price = BigInt(Math.max(1, Math.floor(scaled)));
    return price < limitPerWh ? price : limitPerWh;
  }
  const price = BigInt(Math.max(1, Math.ceil(scaled)));
  return price > limitPerWh ? price : limitPerWh;
}

export const fromBookPrice = (pricePerWh: bigint): number =>
  Number(pricePerWh) / BASE_UNITS_PER_WH_PER_KWH_PRICE;
