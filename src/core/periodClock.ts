/**
 * The trading period clock, the same arithmetic as contracts/libraries/PeriodClock.sol.
 * Delivery period d (d ≥ 1) runs from genesis + (d−1)·P to genesis + d·P. Its bids are committed in
 * the first `commitSeconds` of the period before it, revealed in the next `revealSeconds`, and cleared
 * after that; its meter readings are accepted from its end until `readingSeconds` later.
 */
export interface PeriodSchedule {
  readonly genesis: bigint;
  readonly periodSeconds: number;
  readonly commitSeconds: number;
  readonly revealSeconds: number;
  readonly readingSeconds: number;
}

export interface PeriodWindows {
  readonly commitOpens: bigint;
  readonly commitCloses: bigint;
  readonly revealCloses: bigint;
  readonly deliveryStarts: bigint;
  readonly deliveryEnds: bigint;
  readonly readingDeadline: bigint;
}

export type PeriodPhase =
  'upcoming' | 'commit' | 'reveal' | 'clearing' | 'delivery' | 'reading' | 'settlement';

export function periodWindows(schedule: PeriodSchedule, period: bigint): PeriodWindows {
  const P = BigInt(schedule.periodSeconds);
  const deliveryStarts = schedule.genesis + (period - 1n) * P;
  const commitOpens = deliveryStarts - P;
  const commitCloses = commitOpens + BigInt(schedule.commitSeconds);
  const revealCloses = commitCloses + BigInt(schedule.revealSeconds);
  const deliveryEnds = deliveryStarts + P;
  return {
    commitOpens,
    commitCloses,
    revealCloses,
    deliveryStarts,
    deliveryEnds,
    readingDeadline: deliveryEnds + BigInt(schedule.readingSeconds),
  };
}

/**
 * The first edge of any period's windows after `timestamp` (a commit window opening or closing, a
 * reveal window closing, a delivery ending, a reading deadline): the moments at which the platform
 * has something new to do.
 */
export function nextWindowEdge(schedule: PeriodSchedule, timestamp: bigint): bigint {
  const current = periodAt(schedule, timestamp);
  // Every window of period p lies within [p's commit opening, p's reading deadline], which spans
  // less than three periods, so the periods from current - 2 to current + 2 hold the next edge.
  let next: bigint | undefined;
  for (let period = current - 2n; period <= current + 2n; period += 1n) {
    if (period < 1n) continue;
    const w = periodWindows(schedule, period);
    for (const edge of [w.commitOpens, w.commitCloses, w.revealCloses, w.deliveryEnds, w.readingDeadline]) {
      if (edge > timestamp && (next === undefined || edge < next)) next = edge;
    }
  }
  return next!;
}

/** The delivery period under way at `timestamp` (0 before genesis). */
export function periodAt(schedule: PeriodSchedule, timestamp: bigint): bigint {
  if (timestamp < schedule.genesis) return 0n;
  return (timestamp - schedule.genesis) / BigInt(schedule.periodSeconds) + 1n;
}

/** Where `period` stands at `timestamp`. */
export function phaseAt(schedule: PeriodSchedule, period: bigint, timestamp: bigint): PeriodPhase {
  const w = periodWindows(schedule, period);
  if (timestamp < w.commitOpens) return 'upcoming';
  if (timestamp < w.commitCloses) return 'commit';
  if (timestamp < w.revealCloses) return 'reveal';
  if (timestamp < w.deliveryStarts) return 'clearing';
  if (timestamp < w.deliveryEnds) return 'delivery';
  if (timestamp < w.readingDeadline) return 'reading';
  return 'settlement';
}
