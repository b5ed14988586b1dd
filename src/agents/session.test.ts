import { describe, expect, it } from 'vitest';
import { runSession, summarizeSessions, type SessionOptions } from './session.ts';
import { symmetricMarket } from './supplyDemand.ts';

const market = symmetricMarket(10, 500n * 10n ** 12n, 40n * 10n ** 12n);
const base: Omit<SessionOptions, 'strategy' | 'seed'> = {
  market,
  bounds: { min: 0.2, max: 0.8 },
  days: 6,
  stepsPerDay: 400,
};
const sessions = (strategy: SessionOptions['strategy'], count: number) =>
  Array.from({ length: count }, (_, i) => runSession({ ...base, strategy, seed: 2008 + i }));

describe('trading sessions on the core order book', () => {
  it('is repeatable: the same seed gives the same trades, another seed others', () => {
    for (const strategy of ['zic', 'zip', 'aa'] as const) {
      const a = runSession({ ...base, strategy, seed: 7 });
      expect(runSession({ ...base, strategy, seed: 7 })).toEqual(a);
      expect(runSession({ ...base, strategy, seed: 8 })).not.toEqual(a);
    }
  });

  it('no trader trades at a loss, whatever its strategy', () => {
    for (const strategy of ['zic', 'zip', 'aa'] as const) {
      for (const day of runSession({ ...base, strategy, seed: 3 }).days) {
        for (const t of day.trades) {
          expect(t.pricePerWh).toBeLessThanOrEqual(t.buyerValue);
          expect(t.pricePerWh).toBeGreaterThanOrEqual(t.sellerCost);
        }
      }
    }
  });

  it('ZI-C traders reach high allocative efficiency on a symmetric market (Gode and Sunder 1993)', () => {
    // Published: about 97–99 % with their rules; a loose bound for this book and day length.
    expect(summarizeSessions(sessions('zic', 12)).efficiency).toBeGreaterThan(0.85);
  });

  it('AA traders converge: Smith’s α falls from the first day to the last', () => {
    const aa = sessions('aa', 12);
    const first = summarizeSessions(aa, 0).alpha;
    const last = summarizeSessions(aa, base.days - 1).alpha;
    expect(last).toBeLessThan(first * 0.7);
    expect(summarizeSessions(aa).efficiency).toBeGreaterThan(0.8);
  });
});
