/**
 * Settlements with what they were settled against: the bid declared and the trades awarded or, in
 * the continuous market, the position its fills add up to (declared and awarded alike).
 */
import type { MarketName } from '../indexer/derive.ts';
import type { ReadModelDb } from '../indexer/schema.ts';
import { at, type ChainLocation } from './records.ts';

export interface SettlementView extends ChainLocation {
  readonly market: MarketName;
  readonly period: number;
  readonly participantId: number;
  readonly side: 'sell' | 'buy';
  readonly declaredWh: bigint;
  readonly awardedWh: bigint;
  readonly actualWh: bigint;
  readonly readingMissing: boolean;
  readonly imbalanceWh: bigint;
  /** Signed, from the participant's side as the contract reports it. */
  readonly imbalanceAmount: bigint;
  readonly reward: bigint;
  readonly penalty: bigint;
  /** What the participant paid the grid in the period with its trades as a buyer (0 without fees). */
  readonly wheelingFees: bigint;
  readonly levies: bigint;
  readonly logIndex: number;
}

interface SettlementRow {
  market: MarketName;
  period: number;
  participant_id: number;
  side: 'sell' | 'buy' | null;
  quantity_wh: string | null;
  awarded: string;
  actual_wh: string;
  reading_missing: number;
  imbalance_wh: string;
  imbalance_amount: string;
  reward: string;
  penalty: string;
  transaction_hash: string;
  block_number: number;
  log_index: number;
}

/** Settlements matching a condition on `s` (settlements), in chain order. */
export function settlementsWhere(db: ReadModelDb, condition: string, ...params: unknown[]): SettlementView[] {
  const rows = db
    .prepare(
      `SELECT s.*, b.side, b.quantity_wh FROM settlements s
       LEFT JOIN bids b ON s.market = 'periodic' AND b.period = s.period AND b.participant_id = s.participant_id
       WHERE ${condition} ORDER BY s.block_number, s.log_index`,
    )
    .all(...params) as Omit<SettlementRow, 'awarded'>[];
  return rows.map((r) => {
    const awarded = awardedWh(db, r.period, r.participant_id);
    const declared =
      r.side !== null && r.quantity_wh !== null
        ? { side: r.side, declaredWh: BigInt(r.quantity_wh) }
        : { side: continuousSide(db, r.period, r.participant_id), declaredWh: awarded };
    return settlementView(db, r, declared, awarded);
  });
}

function settlementView(
  db: ReadModelDb,
  r: Omit<SettlementRow, 'awarded'>,
  declared: { side: 'sell' | 'buy'; declaredWh: bigint },
  awarded: bigint,
): SettlementView {
  return {
    market: r.market,
    period: r.period,
    participantId: r.participant_id,
    ...declared,
    awardedWh: awarded,
    actualWh: BigInt(r.actual_wh),
    readingMissing: r.reading_missing === 1,
    imbalanceWh: BigInt(r.imbalance_wh),
    imbalanceAmount: BigInt(r.imbalance_amount),
    reward: BigInt(r.reward),
    penalty: BigInt(r.penalty),
    ...chargesPaid(db, r.period, r.participant_id),
    logIndex: r.log_index,
    ...at(r),
  };
}

/** The side of a participant's continuous-market position in a period: it sold or bought, never both. */
function continuousSide(db: ReadModelDb, period: number, participantId: number): 'sell' | 'buy' {
  const sold = db
    .prepare("SELECT 1 FROM trades WHERE stage = 'continuous' AND period = ? AND seller_id = ? LIMIT 1")
    .get(period, participantId);
  return sold === undefined ? 'buy' : 'sell';
}

/**
 * A participant's positions in the continuous market from `from` to `to`: per period, the side and the
 * sum of its fills (what the contract settles against the meter).
 */
export function continuousPositions(
  db: ReadModelDb,
  participantId: number,
  from: number,
  to: number,
): { period: number; side: 'sell' | 'buy'; filledWh: bigint }[] {
  const rows = db
    .prepare(
      `SELECT period, seller_id, quantity_wh FROM trades
       WHERE stage = 'continuous' AND (seller_id = ? OR buyer_id = ?) AND period BETWEEN ? AND ?
       ORDER BY period`,
    )
    .all(participantId, participantId, from, to) as {
    period: number;
    seller_id: number;
    quantity_wh: string;
  }[];
  const positions = new Map<number, { period: number; side: 'sell' | 'buy'; filledWh: bigint }>();
  for (const r of rows) {
    const p = positions.get(r.period) ?? {
      period: r.period,
      side: r.seller_id === participantId ? 'sell' : 'buy',
      filledWh: 0n,
    };
    positions.set(r.period, { ...p, filledWh: p.filledWh + BigInt(r.quantity_wh) });
  }
  return [...positions.values()];
}

/** The wheeling fees and levies a participant paid with its trades of a period. */
export function chargesPaid(
  db: ReadModelDb,
  period: number,
  participantId: number,
): { wheelingFees: bigint; levies: bigint } {
  const rows = db
    .prepare(
      `SELECT m.reason, m.amount FROM token_movements m JOIN participants p ON p.account = m.from_address
       WHERE p.id = ? AND m.period = ? AND m.reason IN ('wheeling-fee', 'levy')`,
    )
    .all(participantId, period) as { reason: 'wheeling-fee' | 'levy'; amount: string }[];
  const sum = (reason: string) =>
    rows.filter((r) => r.reason === reason).reduce((total, r) => total + BigInt(r.amount), 0n);
  return { wheelingFees: sum('wheeling-fee'), levies: sum('levy') };
}

/** The energy a participant was awarded in a period: the sum of its trades on either side. */
export function awardedWh(db: ReadModelDb, period: number, participantId: number): bigint {
  const rows = db
    .prepare('SELECT quantity_wh FROM trades WHERE period = ? AND (seller_id = ? OR buyer_id = ?)')
    .all(period, participantId, participantId) as { quantity_wh: string }[];
  return rows.reduce((sum, r) => sum + BigInt(r.quantity_wh), 0n);
}

export function participantSettlements(db: ReadModelDb, participantId: number): SettlementView[] {
  return settlementsWhere(db, 's.participant_id = ?', participantId);
}
