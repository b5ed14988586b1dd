/**
 * The gateway's durable memory, in SQLite: the register snapshot of each meter at each period
 * boundary, and the queue of signed readings with their fate. A reading is queued in the same
 * transaction as the snapshot it comes from, so a crash never leaves one without the other.
 */
import Database from 'better-sqlite3';
import type { Hex } from 'viem';
import type { MeterAddress } from '../dlt645/address.ts';
import type { EnergyRegisters } from '../transport/meterClient.ts';

export type ReadingStatus = 'pending' | 'submitted' | 'refused';

export interface QueuedReading {
  readonly meterNumber: MeterAddress;
  readonly participantId: number;
  readonly period: bigint;
  readonly importWh: bigint;
  readonly exportWh: bigint;
  readonly signature: Hex;
  readonly status: ReadingStatus;
  readonly transactionHash: Hex | null;
  readonly error: string | null;
}

export interface MeterFailure {
  readonly meterNumber: MeterAddress;
  readonly period: bigint;
  readonly reason: string;
}

interface ReadingRow {
  meter_number: string;
  participant_id: number;
  period: number;
  import_wh: string;
  export_wh: string;
  signature: string;
  status: ReadingStatus;
  tx_hash: string | null;
  error: string | null;
}

const fromRow = (row: ReadingRow): QueuedReading => ({
  meterNumber: row.meter_number,
  participantId: row.participant_id,
  period: BigInt(row.period),
  importWh: BigInt(row.import_wh),
  exportWh: BigInt(row.export_wh),
  signature: row.signature as Hex,
  status: row.status,
  transactionHash: row.tx_hash as Hex | null,
  error: row.error,
});

export function openReadingStore(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS snapshots (
      meter_number TEXT NOT NULL, period INTEGER NOT NULL,
      forward_wh TEXT NOT NULL, reverse_wh TEXT NOT NULL, read_at INTEGER NOT NULL,
      PRIMARY KEY (meter_number, period));
    CREATE TABLE IF NOT EXISTS readings (
      meter_number TEXT NOT NULL, participant_id INTEGER NOT NULL, period INTEGER NOT NULL,
      import_wh TEXT NOT NULL, export_wh TEXT NOT NULL, signature TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'refused')),
      tx_hash TEXT, error TEXT, queued_at INTEGER NOT NULL,
      PRIMARY KEY (meter_number, period));
    CREATE TABLE IF NOT EXISTS failures (
      meter_number TEXT NOT NULL, period INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL);
  `);
  const statements = {
    snapshot: db.prepare(
      'SELECT forward_wh, reverse_wh FROM snapshots WHERE meter_number = ? AND period = ?',
    ),
    saveSnapshot: db.prepare('INSERT OR IGNORE INTO snapshots VALUES (?, ?, ?, ?, ?)'),
    enqueue: db.prepare(
      "INSERT OR IGNORE INTO readings (meter_number, participant_id, period, import_wh, export_wh, signature, status, queued_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
    ),
    latestSnapshot: db.prepare(
      'SELECT forward_wh, reverse_wh, period FROM snapshots WHERE meter_number = ? ORDER BY period DESC LIMIT 1',
    ),
    pending: db.prepare("SELECT * FROM readings WHERE status = 'pending' ORDER BY period, meter_number"),
    all: db.prepare('SELECT * FROM readings ORDER BY period, meter_number'),
    mark: db.prepare(
      'UPDATE readings SET status = ?, tx_hash = ?, error = ? WHERE meter_number = ? AND period = ?',
    ),
    fail: db.prepare('INSERT INTO failures VALUES (?, ?, ?, ?)'),
    failures: db.prepare('SELECT meter_number, period, reason FROM failures ORDER BY at, rowid'),
  };
  return {
    snapshot(meterNumber: MeterAddress, period: bigint): EnergyRegisters | undefined {
      const row = statements.snapshot.get(meterNumber, Number(period)) as
        { forward_wh: string; reverse_wh: string } | undefined;
      return row === undefined
        ? undefined
        : { forwardWh: BigInt(row.forward_wh), reverseWh: BigInt(row.reverse_wh) };
    },
    /** The last boundary snapshot of a meter (what a restarted simulation resumes its registers from). */
    latestSnapshot(meterNumber: MeterAddress): (EnergyRegisters & { period: bigint }) | undefined {
      const row = statements.latestSnapshot.get(meterNumber) as
        { forward_wh: string; reverse_wh: string; period: number } | undefined;
      return row === undefined
        ? undefined
        : {
            forwardWh: BigInt(row.forward_wh),
            reverseWh: BigInt(row.reverse_wh),
            period: BigInt(row.period),
          };
    },
    /** Saves a boundary snapshot and, when there is one, the reading it completes: both or neither. */
    recordBoundary: db.transaction(
      (
        meterNumber: MeterAddress,
        period: bigint,
        registers: EnergyRegisters,
        reading: Omit<QueuedReading, 'status' | 'transactionHash' | 'error' | 'meterNumber'> | undefined,
      ) => {
        statements.saveSnapshot.run(
          meterNumber,
          Number(period),
          registers.forwardWh.toString(),
          registers.reverseWh.toString(),
          Date.now(),
        );
        if (reading !== undefined) {
          statements.enqueue.run(
            meterNumber,
            reading.participantId,
            Number(reading.period),
            reading.importWh.toString(),
            reading.exportWh.toString(),
            reading.signature,
            Date.now(),
          );
        }
      },
    ),
    pending: (): QueuedReading[] => (statements.pending.all() as ReadingRow[]).map(fromRow),
    all: (): QueuedReading[] => (statements.all.all() as ReadingRow[]).map(fromRow),
    markSubmitted(meterNumber: MeterAddress, period: bigint, transactionHash: Hex | null) {
      statements.mark.run('submitted', transactionHash, null, meterNumber, Number(period));
    },
    markRefused(meterNumber: MeterAddress, period: bigint, error: string) {
      statements.mark.run('refused', null, error, meterNumber, Number(period));
    },
    /** For tests of crash recovery: puts a reading back in the queue as if its outcome was never stored. */
    markPending(meterNumber: MeterAddress, period: bigint) {
      statements.mark.run('pending', null, null, meterNumber, Number(period));
    },
    recordFailure(meterNumber: MeterAddress, period: bigint, reason: string) {
      statements.fail.run(meterNumber, Number(period), reason, Date.now());
    },
    failures: (): MeterFailure[] =>
      (statements.failures.all() as { meter_number: string; period: number; reason: string }[]).map((r) => ({
        meterNumber: r.meter_number,
        period: BigInt(r.period),
        reason: r.reason,
      })),
    close: () => db.close(),
  };
}

export type ReadingStore = ReturnType<typeof openReadingStore>;
