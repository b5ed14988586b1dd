// The extension lets the Node-side unit test (test/browser/uiLogic.test.ts) import this file as well.
import type { Phase, Windows } from '../api/types.ts';

// The period clock of the market core (`phaseAt`), recomputed in the page so that the countdown moves
// between the server's `clock` events: the phase a chain time falls in and when that phase ends.

const boundaries: readonly [keyof Windows, Phase][] = [
  ['commitOpens', 'upcoming'],
  ['commitCloses', 'commit'],
  ['revealCloses', 'reveal'],
  ['deliveryStarts', 'clearing'],
  ['deliveryEnds', 'delivery'],
  ['readingDeadline', 'reading'],
];

export interface PhaseAt {
  phase: Phase;
  /** Chain time at which the phase ends; null for `settlement`, which does not end. */
  endsAt: number | null;
}

export function phaseAt(windows: Windows, chainTime: number): PhaseAt {
  for (const [key, phase] of boundaries) if (chainTime < windows[key]) return { phase, endsAt: windows[key] };
  return { phase: 'settlement', endsAt: null };
}

/**
 * The chain time now, extrapolated from the last `chainTime` the server gave and the wall-clock time
 * it arrived: the chain runs `speed` chain seconds per wall second.
 */
export function chainNow(chainTime: number, speed: number, receivedAtMs: number, nowMs: number): number {
  return chainTime + ((nowMs - receivedAtMs) / 1000) * speed;
}

/** Wall-clock seconds until a chain time: chain seconds remaining / speed. */
export function wallSecondsUntil(chainTarget: number, chainTimeNow: number, speed: number): number {
  return speed > 0 ? Math.max(0, (chainTarget - chainTimeNow) / speed) : Infinity;
}
