/** The continuous market's orders as the indexer followed them, and what participants owe the grid. */
import type { Hex } from 'viem';
import type { MarketName, OrderStatus } from '../indexer/derive.ts';
import type { ReadModelDb } from '../indexer/schema.ts';
import { maybeAt, type ChainLocation } from './records.ts';

export interface OrderView extends ChainLocation {
  readonly period: number;
  readonly orderId: number;
  readonly participantId: number;
  readonly side: 'sell' | 'buy';
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** What rested in the book right after the order arrived and took its fills. */
  readonly restingWh: bigint;
  /** What rests now: 0 once filled, cancelled, expired or voided. */
  readonly remainingWh: bigint;
  readonly status: OrderStatus;
  /** Its OrderPlaced log. */
  readonly logIndex: number;
  /** The log that took it out of the book (its last fill, OrderCancelled, OrderExpired, OrderVoided, OrderCapacityCut). */
  readonly closed: (ChainLocation & { readonly logIndex: number }) | null;
}

interface OrderRow {
  period: number;
  order_id: number;
  participant_id: number;
  side: 'sell' | 'buy';
  quantity_wh: string;
  price_per_wh: string;
  resting_wh: string;
  remaining_wh: string;
  status: OrderStatus;
  transaction_hash: string;
  block_number: number;
  log_index: number;
  closed_transaction_hash: string | null;
  closed_block_number: number | null;
  closed_log_index: number | null;
}

const orderFromRow = (r: OrderRow): OrderView => {
  const closed = maybeAt(r.closed_transaction_hash, r.closed_block_number);
  return {
    period: r.period,
    orderId: r.order_id,
    participantId: r.participant_id,
    side: r.side,
    quantityWh: BigInt(r.quantity_wh),
    pricePerWh: BigInt(r.price_per_wh),
    restingWh: BigInt(r.resting_wh),
    remainingWh: BigInt(r.remaining_wh),
    status: r.status,
    transactionHash: r.transaction_hash as Hex,
    blockNumber: r.block_number,
    logIndex: r.log_index,
    closed: closed === null ? null : { ...closed, logIndex: r.closed_log_index! },
  };
};

/** Orders matching a condition on the orders table, by period and arrival. */
export function ordersWhere(db: ReadModelDb, condition: string, ...params: unknown[]): OrderView[] {
  return (
    db
      .prepare(`SELECT * FROM orders WHERE ${condition} ORDER BY period, order_id`)
      .all(...params) as OrderRow[]
  ).map(orderFromRow);
}

export const periodOrders = (db: ReadModelDb, period: number): OrderView[] =>
  ordersWhere(db, 'period = ?', period);

export const participantOrders = (
  db: ReadModelDb,
  participantId: number,
  from = 0,
  to = 2 ** 53,
): OrderView[] => ordersWhere(db, 'participant_id = ? AND period BETWEEN ? AND ?', participantId, from, to);

export interface DebtView {
  readonly market: MarketName;
  /** What the participant owes the public grid there now (0 once repaid). */
  readonly outstanding: bigint;
  /** Σ recorded and Σ repaid over its history. */
  readonly recorded: bigint;
  readonly repaid: bigint;
}

/** What a participant owes the grid from each market's settlements; empty when it never owed. */
export function participantDebts(db: ReadModelDb, participantId: number): DebtView[] {
  const rows = db
    .prepare('SELECT * FROM debts WHERE participant_id = ? ORDER BY block_number, log_index')
    .all(participantId) as {
    market: MarketName;
    kind: 'recorded' | 'repaid';
    amount: string;
    outstanding: string;
  }[];
  const debts = new Map<MarketName, DebtView>();
  for (const r of rows) {
    const d = debts.get(r.market) ?? { market: r.market, outstanding: 0n, recorded: 0n, repaid: 0n };
    const amount = BigInt(r.amount);
    debts.set(r.market, {
      market: r.market,
      outstanding: BigInt(r.outstanding),
      recorded: d.recorded + (r.kind === 'recorded' ? amount : 0n),
      repaid: d.repaid + (r.kind === 'repaid' ? amount : 0n),
    });
  }
  return [...debts.values()];
}
