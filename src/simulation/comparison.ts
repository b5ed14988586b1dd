/**
 * The figures that compare clearing mechanisms over the same scenario day. Every figure is exact
 * (integers, or an exact ratio shown rounded); money is never derived from a rounded figure.
 *
 * - Welfare is the gains from trade measured on the declared prices: Σ over trades of
 *   (buyer's bid − seller's ask) × quantity. It does not depend on the price paid, only on who trades
 *   with whom and how much.
 * - The competitive optimum of a period is the largest welfare its revealed bids allow: sellers by
 *   ask ascending against buyers by bid descending while they cross, with no green stage (the
 *   quantities are the revealed ones, which buyers already cut to what they can pay). Efficiency is
 *   Σ welfare / Σ optimum over the day, each run against its own bids: balances, and with them later
 *   bids, drift apart between mechanisms.
 * - The price spread is the volume-weighted standard deviation of the trades' prices around their
 *   volume-weighted mean.
 * - The green share is the part of the traded energy that green sellers supplied.
 */
import { clearUniformPrice } from '../core/uniformPriceAuction.ts';
import type { DayResult, PeriodRecord } from './dayRecord.ts';
import { coreBidsOf } from './coreBids.ts';
import type { Mechanism } from './mechanisms.ts';

export interface MechanismFigures {
  readonly mechanism: Mechanism;
  readonly mode: DayResult['mode'];
  readonly trades: number;
  readonly tradedWh: bigint;
  readonly welfare: bigint;
  readonly optimum: bigint;
  /** Σ quantity × price over the day's trades (base units). */
  readonly tradedValue: bigint;
  /** Volume-weighted mean trade price, base units per Wh (floor); null when nothing traded. */
  readonly meanPricePerWh: bigint | null;
  /** Volume-weighted standard deviation of the trade prices, base units per Wh (floor of the root). */
  readonly priceSpreadPerWh: bigint | null;
  readonly minPricePerWh: bigint | null;
  readonly maxPricePerWh: bigint | null;
  readonly greenTradedWh: bigint;
  readonly imbalanceWh: bigint;
  /** Gas per participant-period with a revealed bid; null off chain. */
  readonly gasPerParticipantPeriod: bigint | null;
  /** Per period, for charts. */
  readonly perPeriod: readonly PeriodFigures[];
}

export interface PeriodFigures {
  readonly period: number;
  readonly welfare: bigint;
  readonly optimum: bigint;
  readonly tradedWh: bigint;
  readonly tradedValue: bigint;
  readonly greenTradedWh: bigint;
  readonly imbalanceWh: bigint;
}

/** Integer square root (floor). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

export function optimumWelfare(record: Pick<PeriodRecord, 'period' | 'bids'>): bigint {
  const bids = coreBidsOf(record.period, record.bids);
  const { trades } = clearUniformPrice({ bids });
  const price = new Map(bids.map((b) => [b.participant, b.pricePerWh] as const));
  return trades.reduce((sum, t) => sum + (price.get(t.buyer)! - price.get(t.seller)!) * t.quantityWh, 0n);
}

function periodFigures(record: PeriodRecord): PeriodFigures {
  const price = new Map(record.bids.map((b) => [b.participant, b.pricePerWh] as const));
  const green = new Map(record.bids.map((b) => [b.participant, b.green] as const));
  let welfare = 0n;
  let tradedWh = 0n;
  let tradedValue = 0n;
  let greenTradedWh = 0n;
  for (const t of record.trades) {
    welfare += (price.get(t.buyer)! - price.get(t.seller)!) * t.quantityWh;
    tradedWh += t.quantityWh;
    tradedValue += t.quantityWh * t.pricePerWh;
    if (green.get(t.seller) === true) greenTradedWh += t.quantityWh;
  }
  return {
    period: record.period,
    welfare,
    optimum: optimumWelfare(record),
    tradedWh,
    tradedValue,
    greenTradedWh,
    imbalanceWh: record.participants.reduce((s, p) => s + p.imbalanceWh, 0n),
  };
}

export function mechanismFigures(mechanism: Mechanism, day: DayResult): MechanismFigures {
  const perPeriod = day.periods.map(periodFigures);
  const sum = (pick: (p: PeriodFigures) => bigint) => perPeriod.reduce((s, p) => s + pick(p), 0n);
  const tradedWh = sum((p) => p.tradedWh);
  const tradedValue = sum((p) => p.tradedValue);
  const trades = day.periods.flatMap((r) => r.trades);
  let meanPricePerWh: bigint | null = null;
  let priceSpreadPerWh: bigint | null = null;
  if (tradedWh > 0n) {
    meanPricePerWh = tradedValue / tradedWh;
    // Σq·p² / Q − (Σq·p / Q)², exactly: (Q·Σq·p² − (Σq·p)²) / Q².
    const squares = trades.reduce((s, t) => s + t.quantityWh * t.pricePerWh * t.pricePerWh, 0n);
    priceSpreadPerWh = isqrt((tradedWh * squares - tradedValue * tradedValue) / (tradedWh * tradedWh));
  }
  const prices = trades.map((t) => t.pricePerWh);
  const bids = day.periods.reduce((s, r) => s + r.bids.length, 0);
  return {
    mechanism,
    mode: day.mode,
    trades: trades.length,
    tradedWh,
    welfare: sum((p) => p.welfare),
    optimum: sum((p) => p.optimum),
    tradedValue,
    meanPricePerWh,
    priceSpreadPerWh,
    minPricePerWh: prices.length ? prices.reduce((a, b) => (a < b ? a : b)) : null,
    maxPricePerWh: prices.length ? prices.reduce((a, b) => (a > b ? a : b)) : null,
    greenTradedWh: sum((p) => p.greenTradedWh),
    imbalanceWh: sum((p) => p.imbalanceWh),
    gasPerParticipantPeriod: day.mode === 'on-chain' && bids > 0 ? day.gasUsed / BigInt(bids) : null,
    perPeriod,
  };
}

/** A ratio in per cent with one decimal, rounded half up; "n/a" for 0/0. */
export function percent(numerator: bigint, denominator: bigint): string {
  if (denominator === 0n) return 'n/a';
  const tenths = (numerator * 2000n + denominator) / (2n * denominator);
  return `${tenths / 10n}.${tenths % 10n}`;
}
