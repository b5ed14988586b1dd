/** A participant's own records: its meter readings, sealed commitments and revealed bids. */
import type { Address, Hex } from 'viem';
import type { ReadModelDb } from '../indexer/schema.ts';
import { at, maybeAt, type ChainLocation } from './records.ts';

export interface ReadingView extends ChainLocation {
  readonly period: number;
  readonly participantId: number;
  readonly meter: Address;
  readonly importWh: bigint;
  readonly exportWh: bigint;
  readonly logIndex: number;
}

export interface BidRecordView {
  readonly period: number;
  readonly participantId: number;
  readonly commitment: Hex;
  readonly commit: ChainLocation;
  /** Null until revealed. */
  readonly reveal: ChainLocation | null;
  readonly side: 'sell' | 'buy' | null;
  readonly green: boolean | null;
  readonly quantityWh: bigint | null;
  readonly pricePerWh: bigint | null;
}

/** Readings matching a condition on the readings table, in chain order. */
export function readingsWhere(db: ReadModelDb, condition: string, ...params: unknown[]): ReadingView[] {
  const rows = db
    .prepare(`SELECT * FROM readings WHERE ${condition} ORDER BY block_number, log_index`)
    .all(...params) as {
    block_number: number;
    log_index: number;
    transaction_hash: string;
    period: number;
    participant_id: number;
    meter: string;
    import_wh: string;
    export_wh: string;
  }[];
  return rows.map((r) => ({
    period: r.period,
    participantId: r.participant_id,
    meter: r.meter as Address,
    importWh: BigInt(r.import_wh),
    exportWh: BigInt(r.export_wh),
    logIndex: r.log_index,
    ...at(r),
  }));
}

export function participantReadings(db: ReadModelDb, participantId: number): ReadingView[] {
  return readingsWhere(db, 'participant_id = ?', participantId);
}

/** Every bid the participant committed in [from, to], with its reveal when there is one. */
export function participantBids(
  db: ReadModelDb,
  participantId: number,
  from = 0,
  to = 2 ** 53,
): BidRecordView[] {
  const rows = db
    .prepare('SELECT * FROM bids WHERE participant_id = ? AND period BETWEEN ? AND ? ORDER BY period')
    .all(participantId, from, to) as {
    period: number;
    participant_id: number;
    commitment: string;
    commit_transaction_hash: string;
    commit_block_number: number;
    side: 'sell' | 'buy' | null;
    green: number | null;
    quantity_wh: string | null;
    price_per_wh: string | null;
    reveal_transaction_hash: string | null;
    reveal_block_number: number | null;
  }[];
  return rows.map((r) => ({
    period: r.period,
    participantId: r.participant_id,
    commitment: r.commitment as Hex,
    commit: { transactionHash: r.commit_transaction_hash as Hex, blockNumber: r.commit_block_number },
    reveal: maybeAt(r.reveal_transaction_hash, r.reveal_block_number),
    side: r.side,
    green: r.green === null ? null : r.green === 1,
    quantityWh: r.quantity_wh === null ? null : BigInt(r.quantity_wh),
    pricePerWh: r.price_per_wh === null ? null : BigInt(r.price_per_wh),
  }));
}
