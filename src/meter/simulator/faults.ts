/**
 * Faults a simulated meter can be told to commit on its replies, so the gateway's failure paths are
 * tested: drop (no reply), delay (reply late), corrupt (a flipped data byte: the checksum fails).
 * Either scripted (the next replies, in order) or random with a seeded generator.
 */
export type Fault =
  { readonly kind: 'drop' } | { readonly kind: 'delay'; readonly ms: number } | { readonly kind: 'corrupt' };

export interface FaultRates {
  readonly drop?: number;
  readonly corrupt?: number;
  readonly delay?: number;
  readonly delayMs?: number;
  readonly seed?: number;
}

/** mulberry32: a small, fast, repeatable generator. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FaultPlan {
  /** Queues faults for the next replies. */
  script(...faults: Fault[]): void;
  /** The fault for the next reply, if any. */
  next(): Fault | undefined;
  /** Replies dropped, delayed and corrupted so far. */
  readonly counts: Record<Fault['kind'], number>;
}

export function createFaultPlan(rates: FaultRates = {}): FaultPlan {
  const random = seededRandom(rates.seed ?? 645);
  const scripted: Fault[] = [];
  const counts = { drop: 0, delay: 0, corrupt: 0 };
  const pick = (): Fault | undefined => {
    if (scripted.length > 0) return scripted.shift();
    const r = random();
    if (r < (rates.drop ?? 0)) return { kind: 'drop' };
    if (r < (rates.drop ?? 0) + (rates.corrupt ?? 0)) return { kind: 'corrupt' };
    if (r < (rates.drop ?? 0) + (rates.corrupt ?? 0) + (rates.delay ?? 0))
      return { kind: 'delay', ms: rates.delayMs ?? 2_000 };
    return undefined;
  };
  return {
    counts,
    script: (...faults) => scripted.push(...faults),
    next() {
      const fault = pick();
      if (fault !== undefined) counts[fault.kind] += 1;
      return fault;
    },
  };
}

/** Flips bits of one data byte so the checksum no longer matches. */
export function corrupt(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const index = copy.length > 12 ? copy.length - 3 : Math.max(0, copy.length - 2);
  copy[index] = copy[index]! ^ 0x5a;
  return copy;
}
