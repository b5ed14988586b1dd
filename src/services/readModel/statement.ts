/** A wallet statement: every token movement of an account, signed from its side, in chain order. */
import { getAddress, type Address, type Hex } from 'viem';
import type { TokenReason } from '../../chain/periodRecords.ts';
import type { ReadModelDb } from '../indexer/schema.ts';
import { at, PAYMENT_LOGS_BEFORE_MATCH, type ChainLocation } from './records.ts';

export interface StatementLineView extends ChainLocation {
  readonly reason: TokenReason;
  /** Positive is received, negative is paid. */
  readonly amount: bigint;
  /** The other side: zero address for deposits and withdrawals. */
  readonly counterparty: Address;
  /** The delivery period it belongs to; 0 for deposits and withdrawals. */
  readonly period: number;
  readonly logIndex: number;
  /** The block's timestamp, unix seconds of the chain. */
  readonly time: number;
  /** For a trade's payment: its TradeMatched event, which names the trade (GET /api/trades/.../flow). */
  readonly trade: { readonly transactionHash: Hex; readonly logIndex: number } | null;
}

export interface Statement {
  readonly lines: readonly StatementLineView[];
  /** The sum of the lines: the account's token balance as of the indexed block. */
  readonly balance: bigint;
}

export function participantStatement(db: ReadModelDb, account: Address): Statement {
  const address = getAddress(account);
  const rows = db
    .prepare(
      `SELECT m.*, b.timestamp, t.log_index AS trade_log_index FROM token_movements m
       JOIN blocks b ON b.number = m.block_number
       LEFT JOIN trades t ON m.reason = 'trade' AND t.block_number = m.block_number AND t.log_index = m.log_index + ?
       WHERE m.from_address = ? OR m.to_address = ? ORDER BY m.block_number, m.log_index`,
    )
    .all(PAYMENT_LOGS_BEFORE_MATCH, address, address) as {
    block_number: number;
    log_index: number;
    transaction_hash: string;
    from_address: string;
    to_address: string;
    reason: TokenReason;
    amount: string;
    period: number;
    timestamp: number;
    trade_log_index: number | null;
  }[];
  const lines = rows.map((r) => {
    const incoming = r.to_address === address;
    const amount = BigInt(r.amount);
    return {
      reason: r.reason,
      // A movement from the account to itself nets to nothing.
      amount: incoming && r.from_address === address ? 0n : incoming ? amount : -amount,
      counterparty: (incoming ? r.from_address : r.to_address) as Address,
      period: r.period,
      logIndex: r.log_index,
      time: r.timestamp,
      trade:
        r.trade_log_index === null
          ? null
          : { transactionHash: r.transaction_hash as Hex, logIndex: r.trade_log_index },
      ...at(r),
    };
  });
  return { lines, balance: lines.reduce((sum, l) => sum + l.amount, 0n) };
}
