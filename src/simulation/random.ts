/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) so that a scenario and a
 * seed always give the same day. Floats live here and in the profiles, never in an amount paid.
 */
import { sfc32 } from '../random/sfc32.ts';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Integer in [min, max]. */
  integer(min: number, max: number): number;
}

/** A generator for `seed`, optionally split into an independent stream per `stream` label. */
export function seededRandom(seed: number, stream = ''): Random {
  let mix = seed >>> 0;
  for (let i = 0; i < stream.length; i++) mix = Math.imul(mix ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  const next = sfc32(mix);
  for (let i = 0; i < 12; i++) next();
  let spare: number | undefined;
  return {
    next,
    normal() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}
