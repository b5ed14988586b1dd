/**
 * A traditional, centralised trading platform: the same market as the chain's — green-first
 * clearing, settlement and debts by the pure core, with the contracts' bookkeeping from
 * simulation/offChainMarket.ts — but the operator's SQLite database is the ledger. A bid is
 * accepted in one database transaction; gate closure admits, clears and records trades; readings
 * and settlement are rows; balances and statements are read from the operator's tables.
 *
 * What it cannot give a participant is evidence: a statement is whatever the tables say when it is
 * asked for (docs/decisions.md, "Traditional versus blockchain").
 */
import type { MovementReason } from '../core/ledger.ts';
import { MarketInputError, WattLedgerError } from '../core/errors.ts';
import type { BidIntent } from '../simulation/market.ts';
import { accountOf } from '../simulation/marketBook.ts';
import { offChainMarket, type OffChainMarket } from '../simulation/offChainMarket.ts';
import type { Scenario } from '../simulation/scenario.ts';
import { ledgerBytes, openAccounts, openLedgerDb, sqliteBook, type LedgerDb } from './ledgerDb.ts';

/** A bid the operator's rules refuse although it is well formed (a second bid in the period...). */
export class CentralLedgerError extends WattLedgerError {
  override readonly name = 'CentralLedgerError';
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

export interface CentralStatementLine {
  /** Row id in the operator's journal: its order, and nothing more. */
  readonly id: number;
  readonly period: number;
  readonly reason: MovementReason | 'deposit';
  /** Positive is received, negative is paid. */
  readonly amount: bigint;
  readonly counterparty: string;
}

export interface CentralStatement {
  readonly lines: readonly CentralStatementLine[];
  /** The balance in the operator's accounts table. */
  readonly balance: bigint;
}

export interface CentralMarket extends OffChainMarket {
  readonly db: LedgerDb;
  statement(participant: number): CentralStatement;
  /** Bytes the ledger takes on disk. */
  storageBytes(): number;
}

/** Opens a fresh ledger at `path` with the scenario's participants and their deposits. */
export function openCentralMarket(scenario: Scenario, path: string): CentralMarket {
  const db = openLedgerDb(path);
  const existing = db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number };
  if (existing.n > 0) {
    db.close();
    throw new CentralLedgerError(
      'LEDGER_NOT_EMPTY',
      `${path} already holds a ledger; open a fresh file for a new market`,
      { path },
    );
  }
  openAccounts(
    db,
    scenario.participants.map((p) => p.deposit),
    scenario.gridFloat,
  );
  const n = scenario.participants.length;
  const hasBid = db.prepare('SELECT 1 FROM bids WHERE period = ? AND participant = ?');
  const movementsOf = db.prepare(
    'SELECT * FROM movements WHERE from_account = ? OR to_account = ? ORDER BY id',
  );
  const balanceOf = db.prepare('SELECT balance FROM accounts WHERE account = ?');

  /** Checks a bid at the boundary; a refused bid writes nothing. */
  const checkBid = (period: number, bid: BidIntent): void => {
    if (!Number.isSafeInteger(period) || period < 1) {
      throw new MarketInputError('period', `must be a whole number from 1, got ${period}`);
    }
    if (!Number.isSafeInteger(bid.participant) || bid.participant < 0 || bid.participant >= n) {
      throw new MarketInputError('participant', `no participant ${bid.participant} (0 to ${n - 1})`);
    }
    if (bid.side !== 'sell' && bid.side !== 'buy') {
      throw new MarketInputError('side', `must be "sell" or "buy", got ${JSON.stringify(bid.side)}`);
    }
    if (bid.quantityWh <= 0n) throw new MarketInputError('quantityWh', 'must be greater than zero');
    if (bid.pricePerWh <= 0n) throw new MarketInputError('pricePerWh', 'must be greater than zero');
    if (hasBid.get(period, bid.participant) !== undefined) {
      throw new CentralLedgerError(
        'BID_ALREADY_PLACED',
        `participant ${bid.participant} already has a bid in period ${period} (one bid per participant and period)`,
        { period, participant: bid.participant },
      );
    }
  };

  const market = offChainMarket(scenario, { book: sqliteBook(db), checkBid });
  return {
    ...market,
    db,
    statement(participant) {
      const who = accountOf(participant);
      const rows = movementsOf.all(who, who) as {
        id: number;
        period: number;
        from_account: string;
        to_account: string;
        amount: string;
        reason: CentralStatementLine['reason'];
      }[];
      const lines = rows.map((r) => {
        const incoming = r.to_account === who;
        return {
          id: r.id,
          period: r.period,
          reason: r.reason,
          amount: incoming ? BigInt(r.amount) : -BigInt(r.amount),
          counterparty: incoming ? r.from_account : r.to_account,
        };
      });
      const row = balanceOf.get(who) as { balance: string };
      return { lines, balance: BigInt(row.balance) };
    },
    storageBytes: () => ledgerBytes(db),
    async close() {
      db.close();
    },
  };
}
