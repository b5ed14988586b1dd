/**
 * A seeded generator for trading simulations (sfc32, seeded through splitmix32): the same seed gives
 * the same session on every machine, which is what makes the strategies' figures reproducible.
 */
import { sfc32 } from '../random/sfc32.ts';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
}

export function seededRandom(seed: number): Random {
  const next = sfc32(seed);
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    below: (n) => Math.floor(next() * n),
  };
}
