import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GridFloatInsufficientError, settleWithGrid, type LedgerState } from './ledger.ts';

const state = (entries: [string, bigint][]): LedgerState => ({
  balances: new Map(entries),
  debts: new Map(),
});
const total = (s: LedgerState) => [...s.balances.values()].reduce((a, b) => a + b, 0n);

describe('settleWithGrid', () => {
  it('pays the participant from the grid float', () => {
    const outcome = settleWithGrid(
      state([
        ['grid', 100n],
        ['p', 5n],
      ]),
      'p',
      'grid',
      30n,
      'imbalance',
    );
    expect(outcome.state.balances.get('grid')).toBe(70n);
    expect(outcome.state.balances.get('p')).toBe(35n);
    expect(outcome.movements).toEqual([{ from: 'grid', to: 'p', amount: 30n, reason: 'imbalance' }]);
  });

  it('turns what a participant cannot pay into debt', () => {
    const outcome = settleWithGrid(
      state([
        ['grid', 0n],
        ['p', 10n],
      ]),
      'p',
      'grid',
      -25n,
      'incentive',
    );
    expect(outcome.state.balances.get('p')).toBe(0n);
    expect(outcome.state.balances.get('grid')).toBe(10n);
    expect(outcome.state.debts.get('p')).toBe(15n);
    expect(outcome.debtIncurred).toBe(15n);
  });

  it('refuses to overdraw the grid float', () => {
    expect(() => settleWithGrid(state([['grid', 1n]]), 'p', 'grid', 2n, 'imbalance')).toThrow(
      GridFloatInsufficientError,
    );
  });

  it('conserves the token total for any sequence of settlements', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 4 }), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n })),
          { maxLength: 40 },
        ),
        (steps) => {
          let s = state([
            ['grid', 10n ** 22n],
            ['p0', 10n ** 19n],
            ['p1', 0n],
            ['p2', 5n],
            ['p3', 10n ** 21n],
            ['p4', 1n],
          ]);
          const before = total(s);
          for (const [who, amount] of steps)
            s = settleWithGrid(s, `p${who}`, 'grid', amount, 'imbalance').state;
          expect(total(s)).toBe(before);
          for (const balance of s.balances.values()) expect(balance >= 0n).toBe(true);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
