/** The clearing planner cuts the core's entry log into transactions; pure, no chain. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clearGreenFirst, type MatchingStage } from '../core/greenFirstAuction.ts';
import { periodArbitrary } from '../core/testing/bidArbitraries.ts';
import { planClearingTransactions, type ClearingStep } from './clearing.ts';

const size = (steps: readonly ClearingStep[]) =>
  steps.reduce((n, s) => n + s.sellers.length + s.buyers.length, 0);

describe('planClearingTransactions', () => {
  it('hands each stage’s entries over once and in order; under a uniform price a stage’s priced entries share its first step', () => {
    fc.assert(
      fc.property(periodArbitrary(), fc.integer({ min: 1, max: 12 }), ({ bids, wallets }, max) => {
        const result = clearGreenFirst({ bids, wallets, rules: { pricing: 'uniform' } });
        const ids = bids.map((_, i) => 100 + i);
        const plan = planClearingTransactions(result.entries, ids, 'green', max, result.stagePrices);
        const steps = plan.flat();
        // The green stage's steps come first: at least one, until its entries are all handed over.
        const greenCount = result.entries.filter((e) => e.stage === 'green').length;
        let split = 0;
        let handed = 0;
        do handed += size([steps[split++]!]);
        while (handed < greenCount);
        const stages: [MatchingStage, ClearingStep[]][] = [
          ['green', steps.slice(0, split)],
          ['all', steps.slice(split)],
        ];
        for (const [stage, stageSteps] of stages) {
          expect(stageSteps.length).toBeGreaterThan(0);
          for (const queue of ['seller', 'buyer'] as const) {
            const expected = result.entries
              .filter((e) => e.stage === stage && e.queue === queue)
              .map((e) => ids[e.bid]);
            expect(stageSteps.flatMap((s) => (queue === 'seller' ? s.sellers : s.buyers))).toEqual(expected);
          }
          const priced = result.stagePrices.find((p) => p.stage === stage);
          if (priced !== undefined)
            expect(size([stageSteps[0]!])).toBeGreaterThanOrEqual(priced.entriesThrough);
        }
        const largestPriced = Math.max(0, ...result.stagePrices.map((p) => p.entriesThrough));
        for (const tx of plan) expect(size(tx)).toBeLessThanOrEqual(Math.max(max, largestPriced));
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
