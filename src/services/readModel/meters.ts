/** Bound meters and the last period each reported. */
import type { Address } from 'viem';
import type { ReadModelDb } from '../indexer/schema.ts';

export interface MeterView {
  readonly participantId: number;
  readonly number: string;
  readonly address: Address;
  /** The last period the meter reported a reading for; null before its first. */
  readonly lastPeriod: number | null;
}

export function listMeters(db: ReadModelDb): MeterView[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.meter_number, p.meter_address, MAX(r.period) AS last_period
       FROM participants p LEFT JOIN readings r ON r.meter = p.meter_address
       WHERE p.meter_address IS NOT NULL GROUP BY p.id ORDER BY p.id`,
    )
    .all() as { id: number; meter_number: string; meter_address: string; last_period: number | null }[];
  return rows.map((r) => ({
    participantId: r.id,
    number: r.meter_number,
    address: r.meter_address as Address,
    lastPeriod: r.last_period,
  }));
}
