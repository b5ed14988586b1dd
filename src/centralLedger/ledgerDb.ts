/**
 * The centralised ledger's SQLite database: the operator's tables are the ledger of record. Every
 * balance change is a row in `movements` with the reason the token would give it, and `accounts`
 * holds the running balances and debts. Amounts exceed SQLite's int64: they are decimal TEXT.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Movement } from '../core/ledger.ts';
import type { Side } from '../core/bid.ts';
import type { SimTrade } from '../simulation/market.ts';
import type { BidIntent, RevealedBid } from '../simulation/market.ts';
import { accountOf, GRID_ACCOUNT, type MarketBook } from '../simulation/marketBook.ts';

export type LedgerDb = Database.Database;

/** The counterparty of deposits: money entering the market from outside, as the token mints it. */
export const OUTSIDE_ACCOUNT = 'outside';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS accounts (
    account TEXT PRIMARY KEY, participant INTEGER, balance TEXT NOT NULL, debt TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS movements (
    id INTEGER PRIMARY KEY, period INTEGER NOT NULL, from_account TEXT NOT NULL,
    to_account TEXT NOT NULL, amount TEXT NOT NULL, reason TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS movements_from ON movements (from_account, id);
  CREATE INDEX IF NOT EXISTS movements_to ON movements (to_account, id);
  CREATE TABLE IF NOT EXISTS bids (
    period INTEGER NOT NULL, participant INTEGER NOT NULL, side TEXT NOT NULL,
    quantity_wh TEXT NOT NULL, price_per_wh TEXT NOT NULL, green INTEGER,
    admitted INTEGER NOT NULL DEFAULT 0, awarded_wh TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (period, participant));
  CREATE TABLE IF NOT EXISTS trades (
    period INTEGER NOT NULL, seq INTEGER NOT NULL, seller INTEGER NOT NULL, buyer INTEGER NOT NULL,
    quantity_wh TEXT NOT NULL, price_per_wh TEXT NOT NULL, stage TEXT NOT NULL,
    PRIMARY KEY (period, seq));
  CREATE TABLE IF NOT EXISTS clearings (
    period INTEGER PRIMARY KEY, traded_value TEXT, traded_wh TEXT);
  CREATE TABLE IF NOT EXISTS readings (
    period INTEGER NOT NULL, participant INTEGER NOT NULL, actual_wh TEXT NOT NULL,
    PRIMARY KEY (period, participant));
  CREATE TABLE IF NOT EXISTS settlements (
    period INTEGER NOT NULL, participant INTEGER NOT NULL, actual_wh TEXT NOT NULL,
    reading_missing INTEGER NOT NULL, imbalance_wh TEXT NOT NULL, imbalance_amount TEXT NOT NULL,
    reward TEXT NOT NULL, penalty TEXT NOT NULL, PRIMARY KEY (period, participant));
`;

/**
 * Opens the ledger at `path` in WAL mode with full sync: a bid or a settlement the operator has
 * confirmed survives a power cut, as a mined transaction does.
 */
export function openLedgerDb(path: string): LedgerDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  return db;
}

/** The database's size on disk once the write-ahead log is folded into it. */
export function ledgerBytes(db: LedgerDb): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(db.name).size;
}

interface BidRow {
  participant: number;
  side: Side;
  quantity_wh: string;
  price_per_wh: string;
  green: number | null;
}

/** The market book over the ledger's tables (see simulation/marketBook.ts). */
export function sqliteBook(db: LedgerDb): MarketBook {
  const balanceRow = db.prepare('SELECT balance, debt FROM accounts WHERE account = ?');
  const allBalances = db.prepare(
    'SELECT participant, balance FROM accounts WHERE participant IS NOT NULL ORDER BY participant',
  );
  const setBalance = db.prepare('UPDATE accounts SET balance = ? WHERE account = ?');
  const setDebt = db.prepare('UPDATE accounts SET debt = ? WHERE account = ?');
  const addMovement = db.prepare(
    'INSERT INTO movements (period, from_account, to_account, amount, reason) VALUES (?, ?, ?, ?, ?)',
  );
  const addBid = db.prepare(
    'INSERT INTO bids (period, participant, side, quantity_wh, price_per_wh) VALUES (?, ?, ?, ?, ?)',
  );
  const bidsOf = db.prepare('SELECT * FROM bids WHERE period = ? ORDER BY rowid');
  const admit = db.prepare('UPDATE bids SET admitted = 1, green = ? WHERE period = ? AND participant = ?');
  const admittedOf = db.prepare('SELECT * FROM bids WHERE period = ? AND admitted = 1 ORDER BY rowid');
  const award = db.prepare('UPDATE bids SET awarded_wh = ? WHERE period = ? AND participant = ?');
  const awardOf = db.prepare('SELECT awarded_wh FROM bids WHERE period = ? AND participant = ?');
  const addTrade = db.prepare(
    'INSERT INTO trades (period, seq, seller, buyer, quantity_wh, price_per_wh, stage) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const addClearing = db.prepare('INSERT INTO clearings (period, traded_value, traded_wh) VALUES (?, ?, ?)');
  const clearingOf = db.prepare('SELECT traded_value, traded_wh FROM clearings WHERE period = ?');
  const addReading = db.prepare('INSERT INTO readings (period, participant, actual_wh) VALUES (?, ?, ?)');
  const readingsOf = db.prepare('SELECT participant, actual_wh FROM readings WHERE period = ?');
  const addSettlement = db.prepare(
    `INSERT INTO settlements (period, participant, actual_wh, reading_missing, imbalance_wh,
       imbalance_amount, reward, penalty) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const account = (who: string) => balanceRow.get(who) as { balance: string; debt: string } | undefined;
  const balanceOf = (who: string) => BigInt(account(who)?.balance ?? '0');
  const asIntent = (r: BidRow): BidIntent => ({
    participant: r.participant,
    side: r.side,
    quantityWh: BigInt(r.quantity_wh),
    pricePerWh: BigInt(r.price_per_wh),
  });
  return {
    transaction: (work) => db.transaction(work)(),
    balanceOf,
    debtOf: (who) => BigInt(account(who)?.debt ?? '0'),
    balances: () =>
      (allBalances.all() as { participant: number; balance: string }[]).map((r) => BigInt(r.balance)),
    move(period, movements: readonly Movement[]) {
      for (const m of movements) {
        setBalance.run(String(balanceOf(m.from) - m.amount), m.from);
        setBalance.run(String(balanceOf(m.to) + m.amount), m.to);
        addMovement.run(period, m.from, m.to, String(m.amount), m.reason);
      }
    },
    setDebt: (who, debt) => void setDebt.run(String(debt), who),
    placeBid(period, bid) {
      addBid.run(period, bid.participant, bid.side, String(bid.quantityWh), String(bid.pricePerWh));
    },
    placedBids: (period) => (bidsOf.all(period) as BidRow[]).map(asIntent),
    recordRevealed(period, bids: readonly RevealedBid[]) {
      for (const b of bids) admit.run(b.green ? 1 : 0, period, b.participant);
    },
    revealed: (period) =>
      (admittedOf.all(period) as BidRow[]).map((r) => ({ ...asIntent(r), green: r.green === 1 })),
    recordClearing(period, trades, awardedWh, averagePrice) {
      trades.forEach((t, seq) =>
        addTrade.run(
          period,
          seq,
          t.seller,
          t.buyer,
          String(t.quantityWh),
          String(t.pricePerWh),
          t.stage satisfies SimTrade['stage'],
        ),
      );
      for (const [participant, wh] of awardedWh) award.run(String(wh), period, participant);
      addClearing.run(
        period,
        averagePrice === null ? null : String(averagePrice.value),
        averagePrice === null ? null : String(averagePrice.quantityWh),
      );
    },
    awardedWh: (period, participant) =>
      BigInt((awardOf.get(period, participant) as { awarded_wh: string } | undefined)?.awarded_wh ?? '0'),
    averagePrice(period) {
      const row = clearingOf.get(period) as { traded_value: string | null; traded_wh: string } | undefined;
      if (row === undefined) return undefined;
      return row.traded_value === null
        ? null
        : { value: BigInt(row.traded_value), quantityWh: BigInt(row.traded_wh) };
    },
    recordReadings(period, readings) {
      for (const r of readings) addReading.run(period, r.participant, String(r.actualWh));
    },
    readings: (period) =>
      new Map(
        (readingsOf.all(period) as { participant: number; actual_wh: string }[]).map((r) => [
          r.participant,
          BigInt(r.actual_wh),
        ]),
      ),
    recordSettlements(period, settled) {
      for (const s of settled) {
        addSettlement.run(
          period,
          s.participant,
          String(s.actualWh),
          s.readingMissing ? 1 : 0,
          String(s.imbalanceWh),
          String(s.imbalanceAmount),
          String(s.reward),
          String(s.penalty),
        );
      }
    },
  };
}

/** Opens every participant's account and the grid's with their deposits, as movements from outside. */
export function openAccounts(db: LedgerDb, deposits: readonly bigint[], gridFloat: bigint): void {
  const open = db.prepare('INSERT INTO accounts (account, participant, balance, debt) VALUES (?, ?, ?, ?)');
  const deposit = db.prepare(
    `INSERT INTO movements (period, from_account, to_account, amount, reason) VALUES (0, ?, ?, ?, 'deposit')`,
  );
  db.transaction(() => {
    const opening: [string, number | null, bigint][] = [
      ...deposits.map((d, i) => [accountOf(i), i, d] as [string, number, bigint]),
      [GRID_ACCOUNT, null, gridFloat],
    ];
    for (const [who, participant, amount] of opening) {
      open.run(who, participant, String(amount), '0');
      if (amount > 0n) deposit.run(OUTSIDE_ACCOUNT, who, String(amount));
    }
  })();
}
