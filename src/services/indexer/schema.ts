/**
 * The read model's SQLite schema. The chain is the source of truth: every table here can be dropped
 * and filled again from the contracts' events, so a schema change simply starts the model afresh.
 * Amounts are uint256 and exceed SQLite's int64: they are stored as decimal TEXT.
 */
import Database from 'better-sqlite3';

export type ReadModelDb = Database.Database;

/** Bump on any change to the tables below: an older file is then dropped and indexed again. */
export const SCHEMA_VERSION = 2;

export const READ_MODEL_TABLES = [
  'meta',
  'logs',
  'blocks',
  'transactions',
  'participants',
  'bids',
  'trades',
  'orders',
  'readings',
  'settlements',
  'token_movements',
  'debts',
  'periods',
  'keeper_state',
] as const;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS logs (
    block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, transaction_hash TEXT NOT NULL,
    contract TEXT NOT NULL, event TEXT NOT NULL, topics TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index));
  CREATE INDEX IF NOT EXISTS logs_by_transaction ON logs (transaction_hash);
  CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY, hash TEXT NOT NULL, timestamp INTEGER NOT NULL,
    transaction_count INTEGER NOT NULL, gas_used TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS transactions (
    hash TEXT PRIMARY KEY, block_number INTEGER NOT NULL, transaction_index INTEGER NOT NULL,
    from_address TEXT NOT NULL, to_address TEXT, function_name TEXT, period INTEGER,
    gas_used TEXT NOT NULL, status TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS transactions_by_block ON transactions (block_number, transaction_index);
  CREATE INDEX IF NOT EXISTS transactions_by_period ON transactions (period, function_name);
  CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY, account TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
    green_supply INTEGER NOT NULL, green_preference INTEGER NOT NULL, authorised INTEGER NOT NULL,
    meter_address TEXT, meter_number TEXT,
    transaction_hash TEXT NOT NULL, block_number INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS bids (
    period INTEGER NOT NULL, participant_id INTEGER NOT NULL, commitment TEXT NOT NULL,
    commit_transaction_hash TEXT NOT NULL, commit_block_number INTEGER NOT NULL,
    side TEXT, green INTEGER, quantity_wh TEXT, price_per_wh TEXT,
    reveal_transaction_hash TEXT, reveal_block_number INTEGER, reveal_log_index INTEGER,
    PRIMARY KEY (period, participant_id));
  CREATE INDEX IF NOT EXISTS bids_by_participant ON bids (participant_id, period);
  CREATE TABLE IF NOT EXISTS trades (
    block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, transaction_hash TEXT NOT NULL,
    period INTEGER NOT NULL, seller_id INTEGER NOT NULL, buyer_id INTEGER NOT NULL,
    quantity_wh TEXT NOT NULL, price_per_wh TEXT NOT NULL, stage TEXT NOT NULL,
    maker_order_id INTEGER, taker_order_id INTEGER,
    PRIMARY KEY (block_number, log_index));
  CREATE INDEX IF NOT EXISTS trades_by_period ON trades (period);
  CREATE TABLE IF NOT EXISTS orders (
    period INTEGER NOT NULL, order_id INTEGER NOT NULL, participant_id INTEGER NOT NULL,
    side TEXT NOT NULL, quantity_wh TEXT NOT NULL, price_per_wh TEXT NOT NULL,
    resting_wh TEXT NOT NULL, remaining_wh TEXT NOT NULL, status TEXT NOT NULL,
    transaction_hash TEXT NOT NULL, block_number INTEGER NOT NULL, log_index INTEGER NOT NULL,
    closed_transaction_hash TEXT, closed_block_number INTEGER, closed_log_index INTEGER,
    PRIMARY KEY (period, order_id));
  CREATE INDEX IF NOT EXISTS orders_by_participant ON orders (participant_id, period);
  CREATE TABLE IF NOT EXISTS readings (
    block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, transaction_hash TEXT NOT NULL,
    period INTEGER NOT NULL, participant_id INTEGER NOT NULL, meter TEXT NOT NULL,
    import_wh TEXT NOT NULL, export_wh TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index));
  CREATE INDEX IF NOT EXISTS readings_by_participant ON readings (participant_id, period);
  -- A meter signs one reading per period; both markets may record that same reading: kept once.
  CREATE UNIQUE INDEX IF NOT EXISTS readings_once ON readings (meter, period);
  CREATE TABLE IF NOT EXISTS settlements (
    period INTEGER NOT NULL, participant_id INTEGER NOT NULL,
    actual_wh TEXT NOT NULL, reading_missing INTEGER NOT NULL, imbalance_wh TEXT NOT NULL,
    imbalance_amount TEXT NOT NULL, reward TEXT NOT NULL, penalty TEXT NOT NULL,
    transaction_hash TEXT NOT NULL, block_number INTEGER NOT NULL, log_index INTEGER NOT NULL,
    market TEXT NOT NULL,
    PRIMARY KEY (period, participant_id, market));
  CREATE INDEX IF NOT EXISTS settlements_by_participant ON settlements (participant_id, period);
  CREATE TABLE IF NOT EXISTS token_movements (
    block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, transaction_hash TEXT NOT NULL,
    from_address TEXT NOT NULL, to_address TEXT NOT NULL, reason TEXT NOT NULL, amount TEXT NOT NULL,
    period INTEGER NOT NULL, fiat_reference TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index));
  CREATE INDEX IF NOT EXISTS token_movements_from ON token_movements (from_address);
  CREATE INDEX IF NOT EXISTS token_movements_to ON token_movements (to_address);
  CREATE TABLE IF NOT EXISTS debts (
    block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, transaction_hash TEXT NOT NULL,
    market TEXT NOT NULL, participant_id INTEGER NOT NULL, kind TEXT NOT NULL, amount TEXT NOT NULL,
    outstanding TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index));
  CREATE INDEX IF NOT EXISTS debts_by_participant ON debts (participant_id, market);
  CREATE TABLE IF NOT EXISTS periods (
    period INTEGER PRIMARY KEY, stage TEXT NOT NULL,
    trade_count INTEGER NOT NULL DEFAULT 0, traded_wh TEXT NOT NULL DEFAULT '0',
    traded_value TEXT NOT NULL DEFAULT '0',
    cleared_transaction_hash TEXT, cleared_block_number INTEGER,
    settled INTEGER NOT NULL DEFAULT 0,
    settled_transaction_hash TEXT, settled_block_number INTEGER);
  CREATE TABLE IF NOT EXISTS keeper_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * Opens (or creates) the read model at `path` (a file, or ':memory:' for tests) in WAL mode. A file
 * written by another schema version is emptied: the indexer fills it again from the chain.
 */
export function openReadModel(path: string): ReadModelDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // The model can always be rebuilt from the chain, so a lost last transaction costs only a re-read.
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) dropReadModel(db);
  else db.exec(SCHEMA);
  return db;
}

/** Drops every table of the read model and creates them empty, at the current schema version. */
export function dropReadModel(db: ReadModelDb): void {
  db.transaction(() => {
    for (const table of READ_MODEL_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

export function readMeta(db: ReadModelDb, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: ReadModelDb, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
