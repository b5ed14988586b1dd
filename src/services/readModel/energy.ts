/**
 * A participant's energy per period: what it bid (or its continuous-market position), what it was
 * awarded, what its meter measured.
 */
import type { ReadModelDb } from '../indexer/schema.ts';
import { awardedWh, continuousPositions } from './settlements.ts';

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

/**
 * One point per period from `from` to `to` inclusive in which the participant revealed a bid or, in
 * the continuous market, had fills (its position is then both declared and awarded).
 */
export function energySeries(
  db: ReadModelDb,
  participantId: number,
  from: number,
  to: number,
): EnergyPoint[] {
  const bids = (
    db
      .prepare(
        `SELECT period, side, quantity_wh FROM bids
         WHERE participant_id = ? AND side IS NOT NULL AND period BETWEEN ? AND ?`,
      )
      .all(participantId, from, to) as { period: number; side: 'sell' | 'buy'; quantity_wh: string }[]
  ).map((b) => ({ period: b.period, side: b.side, declaredWh: BigInt(b.quantity_wh) }));
  const withBid = new Set(bids.map((b) => b.period));
  const positions = continuousPositions(db, participantId, from, to)
    .filter((p) => !withBid.has(p.period))
    .map((p) => ({ period: p.period, side: p.side, declaredWh: p.filledWh }));
  const settlement = db.prepare(
    'SELECT actual_wh, reading_missing FROM settlements WHERE period = ? AND participant_id = ? ORDER BY block_number LIMIT 1',
  );
  const reading = db.prepare(
    'SELECT import_wh, export_wh FROM readings WHERE period = ? AND participant_id = ?',
  );
  return [...bids, ...positions]
    .sort((a, b) => a.period - b.period)
    .map((point) => {
      const s = settlement.get(point.period, participantId) as
        { actual_wh: string; reading_missing: number } | undefined;
      const r = reading.get(point.period, participantId) as
        { import_wh: string; export_wh: string } | undefined;
      let actualWh: bigint | null = null;
      if (s !== undefined) actualWh = BigInt(s.actual_wh);
      else if (r !== undefined) {
        const outward = BigInt(point.side === 'sell' ? r.export_wh : r.import_wh);
        const inward = BigInt(point.side === 'sell' ? r.import_wh : r.export_wh);
        actualWh = outward > inward ? outward - inward : 0n;
      }
      return {
        ...point,
        awardedWh: awardedWh(db, point.period, participantId),
        actualWh,
        readingMissing: s?.reading_missing === 1,
      };
    });
}
