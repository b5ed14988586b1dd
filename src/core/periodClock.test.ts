import { describe, expect, it } from 'vitest';
import { nextWindowEdge, periodWindows, type PeriodSchedule } from './periodClock.ts';

const schedule: PeriodSchedule = {
  genesis: 1_800_000_000n,
  periodSeconds: 900,
  commitSeconds: 180,
  revealSeconds: 120,
  readingSeconds: 600,
};

describe('the next window edge', () => {
  it('steps through one period in order: commit opens, commit closes, reveal closes, ...', () => {
    const w = periodWindows(schedule, 5n);
    expect(nextWindowEdge(schedule, w.commitOpens - 1n)).toBe(w.commitOpens);
    expect(nextWindowEdge(schedule, w.commitOpens)).toBe(w.commitCloses);
    expect(nextWindowEdge(schedule, w.commitCloses)).toBe(w.revealCloses);
  });

  it('is the earliest edge of every period after the time, before genesis and after', () => {
    const edges = Array.from({ length: 40 }, (_, i) => {
      const w = periodWindows(schedule, BigInt(i + 1));
      return [w.commitOpens, w.commitCloses, w.revealCloses, w.deliveryEnds, w.readingDeadline];
    })
      .flat()
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let t = schedule.genesis - 5_000n; t < schedule.genesis + 30n * 900n; t += 37n) {
      expect(nextWindowEdge(schedule, t)).toBe(edges.find((edge) => edge > t));
    }
  });
});
