/** Periods: summaries for lists and days, and one period's full record. */
import type { Hex } from 'viem';
import { periodAt, periodWindows } from '../../core/periodClock.ts';
import type { PeriodStage } from '../indexer/derive.ts';
import type { ReadModelDb } from '../indexer/schema.ts';
import { periodOrders, type OrderView } from './orders.ts';
import { at, priceFraction, storedSchedule, type ChainLocation, type PriceFraction } from './records.ts';
import { settlementsWhere, type SettlementView } from './settlements.ts';

export interface PeriodSummary {
  readonly period: number;
  readonly deliveryStarts: bigint;
  readonly stage: PeriodStage;
  readonly settled: boolean;
  readonly commitments: number;
  readonly revealed: number;
  readonly tradeCount: number;
  readonly tradedWh: bigint;
  readonly tradedValue: bigint;
  /** tradedValue / tradedWh in base units per Wh; null with no trade. */
  readonly averagePrice: PriceFraction | null;
}

export interface RevealedBidView extends ChainLocation {
  readonly participantId: number;
  readonly side: 'sell' | 'buy';
  readonly green: boolean;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  readonly logIndex: number;
}

export interface TradeView extends ChainLocation {
  readonly period: number;
  readonly sellerId: number;
  readonly buyerId: number;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** The sealed-bid market's clearing stage, or 'continuous' for a fill of the continuous market. */
  readonly stage: TradeStage;
  /** The continuous market's resting (maker) and arriving (taker) orders; null for sealed bids. */
  readonly makerOrderId: number | null;
  readonly takerOrderId: number | null;
  /** What the buyer paid the grid with the trade (0 without fees). */
  readonly wheelingFee: bigint;
  readonly levy: bigint;
  readonly logIndex: number;
}

export type TradeStage = 'green' | 'all' | 'continuous';

export interface TransactionSummary extends ChainLocation {
  readonly gasUsed: bigint;
  readonly status: string;
}

export interface PeriodDetail extends PeriodSummary {
  /** Revealed bids in reveal order; the API hides them until the reveal window closes. */
  readonly bids: readonly RevealedBidView[];
  readonly trades: readonly TradeView[];
  /** The continuous market's orders of the period, by arrival (none for sealed bids). */
  readonly orders: readonly OrderView[];
  readonly settlements: readonly SettlementView[];
  readonly clearingTransactions: readonly TransactionSummary[];
  readonly settlementTransactions: readonly TransactionSummary[];
}

interface PeriodRow {
  period: number;
  stage: PeriodStage;
  settled: number;
  trade_count: number;
  traded_wh: string;
  traded_value: string;
  cleared_block_number: number | null;
}

interface TradeRow {
  block_number: number;
  log_index: number;
  transaction_hash: string;
  period: number;
  seller_id: number;
  buyer_id: number;
  quantity_wh: string;
  price_per_wh: string;
  stage: TradeStage;
  maker_order_id: number | null;
  taker_order_id: number | null;
  /** `reason=amount` of its charges, comma-separated (null without). */
  charges: string | null;
}

const chargeOf = (charges: string | null, reason: string): bigint =>
  (charges ?? '')
    .split(',')
    .filter((c) => c.startsWith(`${reason}=`))
    .reduce((sum, c) => sum + BigInt(c.slice(reason.length + 1)), 0n);

const tradeFromRow = (r: TradeRow): TradeView => ({
  period: r.period,
  sellerId: r.seller_id,
  buyerId: r.buyer_id,
  quantityWh: BigInt(r.quantity_wh),
  pricePerWh: BigInt(r.price_per_wh),
  stage: r.stage,
  makerOrderId: r.maker_order_id,
  takerOrderId: r.taker_order_id,
  wheelingFee: chargeOf(r.charges, 'wheeling-fee'),
  levy: chargeOf(r.charges, 'levy'),
  logIndex: r.log_index,
  ...at(r),
});

/**
 * A trade's wheeling fee and levy are the token movements logged right after its TradeMatched, in its
 * block (the market pays them after emitting the match; a trade without charges has none there). Each
 * movement is two logs, the ERC-20 Transfer and then TokensMoved: the charges' TokensMoved are 2 and 4
 * logs after the match.
 */
const CHARGES = `(SELECT group_concat(m.reason || '=' || m.amount) FROM token_movements m
  WHERE m.block_number = trades.block_number AND m.log_index IN (trades.log_index + 2, trades.log_index + 4)
  AND m.reason IN ('wheeling-fee', 'levy')) AS charges`;

export function tradesWhere(db: ReadModelDb, condition: string, ...params: unknown[]): TradeView[] {
  return (
    db
      .prepare(`SELECT *, ${CHARGES} FROM trades WHERE ${condition} ORDER BY block_number, log_index`)
      .all(...params) as TradeRow[]
  ).map(tradeFromRow);
}

/** Summaries of every period from `first` to `to` inclusive, empty ones too (at most `limit`). */
export function periodSummaries(db: ReadModelDb, first: number, to: number, limit = 200): PeriodSummary[] {
  const schedule = storedSchedule(db);
  // Delivery periods count from 1; the contract has no period 0.
  const from = Math.max(1, first);
  const last = Math.min(to, from + limit - 1);
  if (last < from) return [];
  const rows = new Map(
    (db.prepare('SELECT * FROM periods WHERE period BETWEEN ? AND ?').all(from, last) as PeriodRow[]).map(
      (r) => [r.period, r],
    ),
  );
  const counts = new Map(
    (
      db
        .prepare(
          'SELECT period, COUNT(*) AS commitments, COUNT(side) AS revealed FROM bids WHERE period BETWEEN ? AND ? GROUP BY period',
        )
        .all(from, last) as { period: number; commitments: number; revealed: number }[]
    ).map((r) => [r.period, r]),
  );
  const trades = new Map<number, { count: number; wh: bigint; value: bigint }>();
  for (const t of tradesWhere(db, 'period BETWEEN ? AND ?', from, last)) {
    const sum = trades.get(t.period) ?? { count: 0, wh: 0n, value: 0n };
    trades.set(t.period, {
      count: sum.count + 1,
      wh: sum.wh + t.quantityWh,
      value: sum.value + t.quantityWh * t.pricePerWh,
    });
  }
  const summaries: PeriodSummary[] = [];
  for (let period = from; period <= last; period++) {
    const row = rows.get(period);
    const count = counts.get(period);
    const traded = trades.get(period) ?? { count: 0, wh: 0n, value: 0n };
    // Once cleared, the contract's own totals are the authority.
    const cleared = row?.cleared_block_number != null;
    const tradedWh = cleared ? BigInt(row.traded_wh) : traded.wh;
    const tradedValue = cleared ? BigInt(row.traded_value) : traded.value;
    summaries.push({
      period,
      deliveryStarts: periodWindows(schedule, BigInt(period)).deliveryStarts,
      stage: row?.stage ?? 'bidding',
      settled: row?.settled === 1,
      commitments: count?.commitments ?? 0,
      revealed: count?.revealed ?? 0,
      tradeCount: cleared ? row.trade_count : traded.count,
      tradedWh,
      tradedValue,
      averagePrice: priceFraction(tradedValue, tradedWh),
    });
  }
  return summaries;
}

/** The first and last period whose delivery starts within [t0, t1) (unix seconds of the chain). */
export function periodRangeWithin(db: ReadModelDb, t0: bigint, t1: bigint): { first: number; last: number } {
  const schedule = storedSchedule(db);
  let first = t0 <= schedule.genesis ? 1n : periodAt(schedule, t0);
  if (periodWindows(schedule, first).deliveryStarts < t0) first += 1n;
  // The period under way one second before t1 is the last one starting before t1.
  const last = periodAt(schedule, t1 - 1n);
  return { first: Number(first), last: Number(last) };
}

/** Summaries of the periods whose delivery starts within [t0, t1), e.g. one chain day. */
export function periodsStartingWithin(db: ReadModelDb, t0: bigint, t1: bigint): PeriodSummary[] {
  const { first, last } = periodRangeWithin(db, t0, t1);
  const summaries: PeriodSummary[] = [];
  for (let from = first; from <= last; from += 200) summaries.push(...periodSummaries(db, from, last));
  return summaries;
}

export function periodDetail(db: ReadModelDb, period: number): PeriodDetail {
  const summary = periodSummaries(db, period, period)[0]!;
  const bids = (
    db
      .prepare(
        'SELECT * FROM bids WHERE period = ? AND side IS NOT NULL ORDER BY reveal_block_number, reveal_log_index',
      )
      .all(period) as {
      participant_id: number;
      side: 'sell' | 'buy';
      green: number;
      quantity_wh: string;
      price_per_wh: string;
      reveal_transaction_hash: string;
      reveal_block_number: number;
      reveal_log_index: number;
    }[]
  ).map((r) => ({
    participantId: r.participant_id,
    side: r.side,
    green: r.green === 1,
    quantityWh: BigInt(r.quantity_wh),
    pricePerWh: BigInt(r.price_per_wh),
    logIndex: r.reveal_log_index,
    transactionHash: r.reveal_transaction_hash as Hex,
    blockNumber: r.reveal_block_number,
  }));
  const transactions = (functionName: string) =>
    (
      db
        .prepare(
          'SELECT hash, block_number, gas_used, status FROM transactions WHERE period = ? AND function_name = ? ORDER BY block_number, transaction_index',
        )
        .all(period, functionName) as {
        hash: string;
        block_number: number;
        gas_used: string;
        status: string;
      }[]
    ).map((r) => ({
      transactionHash: r.hash as Hex,
      blockNumber: r.block_number,
      gasUsed: BigInt(r.gas_used),
      status: r.status,
    }));
  return {
    ...summary,
    bids,
    trades: tradesWhere(db, 'period = ?', period),
    orders: periodOrders(db, period),
    settlements: settlementsWhere(db, 's.period = ?', period),
    clearingTransactions: transactions('clear'),
    settlementTransactions: transactions('settle'),
  };
}

export interface CurvePoint {
  /** Cumulative quantity up to and including this bid. */
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
}

/**
 * A period's stepwise supply and demand curves from its revealed bids: sellers by ask ascending,
 * buyers by bid descending (ties in reveal order; the curve's shape does not depend on them).
 */
export function periodCurves(bids: readonly RevealedBidView[]): {
  supply: CurvePoint[];
  demand: CurvePoint[];
} {
  const curve = (side: 'sell' | 'buy') => {
    const sorted = bids
      .filter((b) => b.side === side)
      .sort((x, y) => {
        if (x.pricePerWh === y.pricePerWh) return 0;
        const ascending = x.pricePerWh < y.pricePerWh ? -1 : 1;
        return side === 'sell' ? ascending : -ascending;
      });
    let cumulative = 0n;
    return sorted.map((b) => ({ quantityWh: (cumulative += b.quantityWh), pricePerWh: b.pricePerWh }));
  };
  return { supply: curve('sell'), demand: curve('buy') };
}

export interface DaySummary {
  readonly periods: readonly PeriodSummary[];
  readonly tradedWh: bigint;
  readonly tradedValue: bigint;
  /** Volume-weighted over the day's trades; null with none. */
  readonly averagePrice: PriceFraction | null;
}

/** The periods whose delivery starts within [t0, t1) and their totals: one chain day. */
export function daySummary(db: ReadModelDb, t0: bigint, t1: bigint): DaySummary {
  const periods = periodsStartingWithin(db, t0, t1);
  const tradedWh = periods.reduce((sum, p) => sum + p.tradedWh, 0n);
  const tradedValue = periods.reduce((sum, p) => sum + p.tradedValue, 0n);
  return { periods, tradedWh, tradedValue, averagePrice: priceFraction(tradedValue, tradedWh) };
}
