/** A participant's energy per period: what it bid, what it was awarded, what its meter measured. */
import type { ReadModelDb } from '../indexer/schema.ts';
import { awardedWh } from './settlements.ts';

export interface EnergyPoint {
  readonly period: number;
  readonly side: 'sell' | 'buy';
  /** The revealed bid's quantity. */
  readonly declaredWh: bigint;
  /** The sum of its trades. */
  readonly awardedWh: bigint;
  /**
   * Settled: the contract's actual energy. Before settlement: the reading in the bid's direction, net
   * of any flow the other way (as the contract counts it). Null with neither.
   */
  readonly actualWh: bigint | null;
  readonly readingMissing: boolean;
}

/** One point per period from `from` to `to` inclusive in which the participant revealed a bid. */
export function energySeries(
  db: ReadModelDb,
  participantId: number,
  from: number,
  to: number,
): EnergyPoint[] {
  const rows = db
    .prepare(
      `SELECT b.period, b.side, b.quantity_wh, s.actual_wh, s.reading_missing, r.import_wh, r.export_wh
       FROM bids b
       LEFT JOIN settlements s ON s.period = b.period AND s.participant_id = b.participant_id
       LEFT JOIN readings r ON r.period = b.period AND r.participant_id = b.participant_id
       WHERE b.participant_id = ? AND b.side IS NOT NULL AND b.period BETWEEN ? AND ?
       ORDER BY b.period`,
    )
    .all(participantId, from, to) as {
    period: number;
    side: 'sell' | 'buy';
    quantity_wh: string;
    actual_wh: string | null;
    reading_missing: number | null;
    import_wh: string | null;
    export_wh: string | null;
  }[];
  return rows.map((r) => {
    let actualWh: bigint | null = null;
    if (r.actual_wh !== null) actualWh = BigInt(r.actual_wh);
    else if (r.import_wh !== null && r.export_wh !== null) {
      const outward = BigInt(r.side === 'sell' ? r.export_wh : r.import_wh);
      const inward = BigInt(r.side === 'sell' ? r.import_wh : r.export_wh);
      actualWh = outward > inward ? outward - inward : 0n;
    }
    return {
      period: r.period,
      side: r.side,
      declaredWh: BigInt(r.quantity_wh),
      awardedWh: awardedWh(db, r.period, participantId),
      actualWh,
      readingMissing: r.reading_missing === 1,
    };
  });
}
