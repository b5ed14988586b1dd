/** What every read-model record shares: where on the chain it comes from, and the stored schedule. */
import type { Hex } from 'viem';
import type { PeriodSchedule } from '../../core/periodClock.ts';
import { WattLedgerError } from '../../core/errors.ts';
import { readMeta, type ReadModelDb } from '../indexer/schema.ts';

export interface ChainLocation {
  readonly transactionHash: Hex;
  readonly blockNumber: number;
}

export class ReadModelNotReadyError extends WattLedgerError {
  override readonly name = 'ReadModelNotReadyError';
  constructor(what: string) {
    super('READ_MODEL_NOT_READY', `the read model has no ${what} yet: run the indexer's syncOnce() first`, {
      details: { what },
    });
  }
}

/** The market's period clock, as the indexer read it from the contract once. */
export function storedSchedule(db: ReadModelDb): PeriodSchedule {
  const text = readMeta(db, 'schedule');
  if (text === undefined) throw new ReadModelNotReadyError('schedule');
  const s = JSON.parse(text) as Omit<PeriodSchedule, 'genesis'> & { genesis: string };
  return { ...s, genesis: BigInt(s.genesis) };
}

export const at = (row: { transaction_hash: string; block_number: number }): ChainLocation => ({
  transactionHash: row.transaction_hash as Hex,
  blockNumber: row.block_number,
});

/** Optional location columns (a bid not revealed yet has no reveal). */
export const maybeAt = (hash: string | null, blockNumber: number | null): ChainLocation | null =>
  hash === null || blockNumber === null ? null : { transactionHash: hash as Hex, blockNumber };

/** A volume-weighted average price as an exact fraction; null when nothing traded. */
export interface PriceFraction {
  readonly value: bigint;
  readonly quantityWh: bigint;
}

export const priceFraction = (value: bigint, quantityWh: bigint): PriceFraction | null =>
  quantityWh === 0n ? null : { value, quantityWh };

/**
 * A trade's payment (TokensMoved, reason trade) and its TradeMatched event come from one call of the
 * market contract, the move first: the payment is this many logs before the match.
 */
export const PAYMENT_LOGS_BEFORE_MATCH = 1;
