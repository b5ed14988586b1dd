// Times on the page are the chain's clock (unix seconds), shown in UTC like the API's days.

export function formatChainTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The wall clock (milliseconds), for what the services did rather than what the chain says. */
export function formatWallTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function formatTimeOfDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(11, 16);
}

/** `YYYY-MM-DD` of a chain time, in UTC as `/api/days/:date` counts days. */
export function chainDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(rest).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}
