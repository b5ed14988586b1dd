/**
 * What the platform itself must never lose and the chain does not hold, in SQLite beside the chain
 * state: people's logins with their encrypted keystores, the sealed bids the server keeps for them
 * until the reveal window (the salt is the secret), and the keys of the meters the gateway signs for.
 * Unlike the read model, this cannot be rebuilt from the chain.
 */
import Database from 'better-sqlite3';
import type { Address, Hex } from 'viem';
import type { Side } from '../core/bid.ts';
import type { Keystore } from '../keys/keystore.ts';

export type Role = 'operator' | 'participant';

export interface UserRecord {
  readonly username: string;
  readonly role: Role;
  readonly participantId: number | null;
  readonly account: Address;
  /** Opened with the user's own password. */
  readonly keystore: Keystore;
  /** For participants the platform runs (the case study): opened with the platform's secret. */
  readonly custodyKeystore: Keystore | null;
}

export type BidStatus = 'scheduled' | 'committed' | 'revealed' | 'refused' | 'expired';

export interface StoredBid {
  readonly participantId: number;
  readonly account: Address;
  readonly period: bigint;
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  readonly salt: Hex;
  readonly commitment: Hex;
  /** The participant's EIP-712 signature of the commitment, made when it placed the bid. */
  readonly signature: Hex;
  readonly status: BidStatus;
  readonly error: string | null;
  readonly commitTx: { readonly transactionHash: Hex; readonly blockNumber: bigint } | null;
  readonly revealTx: { readonly transactionHash: Hex; readonly blockNumber: bigint } | null;
}

export interface StoredMeter {
  readonly meterNumber: string;
  readonly participantId: number;
  readonly address: Address;
  /** The meter's signing key, opened with the platform's secret (the gateway holds it). */
  readonly keystore: Keystore;
  /** How the embedded mode simulates it: a case-study role, or the participant's kind. */
  readonly simulation: string;
}

interface BidRow {
  participant_id: number;
  account: string;
  period: number;
  side: Side;
  quantity_wh: string;
  price_per_wh: string;
  salt: string;
  commitment: string;
  signature: string;
  status: BidStatus;
  error: string | null;
  commit_tx: string | null;
  commit_block: number | null;
  reveal_tx: string | null;
  reveal_block: number | null;
}

const bidFromRow = (r: BidRow): StoredBid => ({
  participantId: r.participant_id,
  account: r.account as Address,
  period: BigInt(r.period),
  side: r.side,
  quantityWh: BigInt(r.quantity_wh),
  pricePerWh: BigInt(r.price_per_wh),
  salt: r.salt as Hex,
  commitment: r.commitment as Hex,
  signature: r.signature as Hex,
  status: r.status,
  error: r.error,
  commitTx:
    r.commit_tx === null
      ? null
      : { transactionHash: r.commit_tx as Hex, blockNumber: BigInt(r.commit_block!) },
  revealTx:
    r.reveal_tx === null
      ? null
      : { transactionHash: r.reveal_tx as Hex, blockNumber: BigInt(r.reveal_block!) },
});

interface UserRow {
  username: string;
  role: Role;
  participant_id: number | null;
  account: string;
  keystore: string;
  custody_keystore: string | null;
}

const userFromRow = (r: UserRow): UserRecord => ({
  username: r.username,
  role: r.role,
  participantId: r.participant_id,
  account: r.account as Address,
  keystore: JSON.parse(r.keystore) as Keystore,
  custodyKeystore: r.custody_keystore === null ? null : (JSON.parse(r.custody_keystore) as Keystore),
});

export function openPlatformStore(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      username TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('operator', 'participant')),
      participant_id INTEGER UNIQUE, account TEXT NOT NULL UNIQUE,
      keystore TEXT NOT NULL, custody_keystore TEXT, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS sealed_bids (
      participant_id INTEGER NOT NULL, account TEXT NOT NULL, period INTEGER NOT NULL,
      side TEXT NOT NULL CHECK (side IN ('sell', 'buy')),
      quantity_wh TEXT NOT NULL, price_per_wh TEXT NOT NULL,
      salt TEXT NOT NULL, commitment TEXT NOT NULL, signature TEXT NOT NULL,
      status TEXT NOT NULL, error TEXT,
      commit_tx TEXT, commit_block INTEGER, reveal_tx TEXT, reveal_block INTEGER,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (participant_id, period));
    CREATE INDEX IF NOT EXISTS sealed_bids_by_status ON sealed_bids (status, period);
    CREATE TABLE IF NOT EXISTS meters (
      meter_number TEXT PRIMARY KEY, participant_id INTEGER NOT NULL UNIQUE, address TEXT NOT NULL UNIQUE,
      keystore TEXT NOT NULL, simulation TEXT NOT NULL, created_at INTEGER NOT NULL);
  `);
  const s = {
    user: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
    userOfParticipant: db.prepare<[number], UserRow>('SELECT * FROM users WHERE participant_id = ?'),
    users: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY created_at, username'),
    addUser: db.prepare(
      'INSERT INTO users (username, role, participant_id, account, keystore, custody_keystore, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    setKeystore: db.prepare('UPDATE users SET keystore = ? WHERE username = ?'),
    bid: db.prepare<[number, number], BidRow>(
      'SELECT * FROM sealed_bids WHERE participant_id = ? AND period = ?',
    ),
    bidsOf: db.prepare<[number, number, number], BidRow>(
      'SELECT * FROM sealed_bids WHERE participant_id = ? AND period BETWEEN ? AND ? ORDER BY period DESC',
    ),
    bidsWithStatus: db.prepare<[string, number], BidRow>(
      'SELECT * FROM sealed_bids WHERE status = ? AND period <= ? ORDER BY period, participant_id',
    ),
    addBid: db.prepare(
      `INSERT INTO sealed_bids (participant_id, account, period, side, quantity_wh, price_per_wh, salt, commitment,
        signature, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?)`,
    ),
    committed: db.prepare(
      "UPDATE sealed_bids SET status = 'committed', commit_tx = ?, commit_block = ?, error = NULL WHERE participant_id = ? AND period = ?",
    ),
    revealed: db.prepare(
      "UPDATE sealed_bids SET status = 'revealed', reveal_tx = ?, reveal_block = ?, error = NULL WHERE participant_id = ? AND period = ?",
    ),
    failed: db.prepare(
      'UPDATE sealed_bids SET status = ?, error = ? WHERE participant_id = ? AND period = ?',
    ),
    meters: db.prepare<[], StoredMeterRow>('SELECT * FROM meters ORDER BY participant_id'),
    addMeter: db.prepare('INSERT INTO meters VALUES (?, ?, ?, ?, ?, ?)'),
  };
  const meterFromRow = (r: StoredMeterRow): StoredMeter => ({
    meterNumber: r.meter_number,
    participantId: r.participant_id,
    address: r.address as Address,
    keystore: JSON.parse(r.keystore) as Keystore,
    simulation: r.simulation,
  });
  return {
    user: (username: string) => {
      const row = s.user.get(username);
      return row === undefined ? undefined : userFromRow(row);
    },
    userOfParticipant: (participantId: number) => {
      const row = s.userOfParticipant.get(participantId);
      return row === undefined ? undefined : userFromRow(row);
    },
    users: () => s.users.all().map(userFromRow),
    addUser(user: UserRecord): void {
      s.addUser.run(
        user.username,
        user.role,
        user.participantId,
        user.account,
        JSON.stringify(user.keystore),
        user.custodyKeystore === null ? null : JSON.stringify(user.custodyKeystore),
        Date.now(),
      );
    },
    setKeystore: (username: string, keystore: Keystore) =>
      s.setKeystore.run(JSON.stringify(keystore), username),
    bid(participantId: number, period: bigint): StoredBid | undefined {
      const row = s.bid.get(participantId, Number(period));
      return row === undefined ? undefined : bidFromRow(row);
    },
    bidsOf: (participantId: number, from: bigint, to: bigint) =>
      s.bidsOf.all(participantId, Number(from), Number(to)).map(bidFromRow),
    /** Bids in `status` for periods up to `maxPeriod`. */
    bidsWithStatus: (status: BidStatus, maxPeriod: bigint) =>
      s.bidsWithStatus.all(status, Number(maxPeriod)).map(bidFromRow),
    addBid(bid: Omit<StoredBid, 'status' | 'error' | 'commitTx' | 'revealTx'>): void {
      s.addBid.run(
        bid.participantId,
        bid.account,
        Number(bid.period),
        bid.side,
        bid.quantityWh.toString(),
        bid.pricePerWh.toString(),
        bid.salt,
        bid.commitment,
        bid.signature,
        Date.now(),
      );
    },
    markCommitted: (participantId: number, period: bigint, hash: Hex, block: bigint) =>
      s.committed.run(hash, Number(block), participantId, Number(period)),
    markRevealed: (participantId: number, period: bigint, hash: Hex, block: bigint) =>
      s.revealed.run(hash, Number(block), participantId, Number(period)),
    markFailed: (participantId: number, period: bigint, status: 'refused' | 'expired', error: string) =>
      s.failed.run(status, error, participantId, Number(period)),
    meters: () => s.meters.all().map(meterFromRow),
    addMeter(meter: StoredMeter): void {
      s.addMeter.run(
        meter.meterNumber,
        meter.participantId,
        meter.address,
        JSON.stringify(meter.keystore),
        meter.simulation,
        Date.now(),
      );
    },
    transaction: <T>(work: () => T): T => db.transaction(work)(),
    close: () => db.close(),
  };
}

interface StoredMeterRow {
  meter_number: string;
  participant_id: number;
  address: string;
  keystore: string;
  simulation: string;
}

export type PlatformStore = ReturnType<typeof openPlatformStore>;
