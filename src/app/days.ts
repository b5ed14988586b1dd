/** Chain days (UTC) and the delivery periods that start in them. */
import type { PeriodSchedule } from '../core/periodClock.ts';
import { RequestError } from './errors.ts';

const DAY_SECONDS = 86_400n;

export function dayStart(date: string, field = 'date'): bigint {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match === null ? NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (match === null || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new RequestError('invalid', `"${date}" is not a calendar date written YYYY-MM-DD`, field);
  return BigInt(ms / 1000);
}

export const dateOf = (unixSeconds: bigint): string =>
  new Date(Number(unixSeconds) * 1000).toISOString().slice(0, 10);

/** The first and last period whose delivery starts within the day; `to` < `from` when none does. */
export function periodsOfDay(schedule: PeriodSchedule, date: string): { from: bigint; to: bigint } {
  const start = dayStart(date);
  const end = start + DAY_SECONDS;
  const P = BigInt(schedule.periodSeconds);
  const firstAtOrAfter = (t: bigint) =>
    t <= schedule.genesis ? 1n : (t - schedule.genesis + P - 1n) / P + 1n;
  return { from: firstAtOrAfter(start), to: firstAtOrAfter(end) - 1n };
}
