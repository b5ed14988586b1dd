import { describe, expect, it } from 'vitest';
import { allocativeEfficiency, smithsAlpha } from './metrics.ts';
import { competitiveEquilibrium, symmetricMarket } from './supplyDemand.ts';
import { toBookPrice } from './trader.ts';

const E15 = 10n ** 15n;

describe('comparison metrics', () => {
  it('finds the competitive equilibrium of a symmetric schedule with the uniform-price auction', () => {
    const market = symmetricMarket(10, 500n * 10n ** 12n, 40n * 10n ** 12n);
    expect(market.values[0]).toBe(700n * 10n ** 12n);
    expect(market.costs[0]).toBe(300n * 10n ** 12n);
    const eq = competitiveEquilibrium(market);
    expect(eq.pricePerWh).toBe(500n * 10n ** 12n);
    // (0.40 + 0.32 + 0.24 + 0.16 + 0.08 + 0) per kWh × 1 kWh each.
    expect(eq.maxSurplus).toBe(1_200n * 10n ** 12n * 1_000n);
  });

  it('efficiency is realised over maximum surplus', () => {
    const trade = (value: bigint, cost: bigint) => ({
      pricePerWh: E15 / 2n,
      buyerValue: value,
      sellerCost: cost,
      quantityWh: 1_000n,
    });
    expect(allocativeEfficiency([trade((7n * E15) / 10n, (3n * E15) / 10n)], 800n * E15)).toBe(0.5);
  });

  it('Smith’s α is 100 · RMS deviation / P₀', () => {
    expect(smithsAlpha([90n, 110n], 100n)).toBeCloseTo(10, 12);
    expect(smithsAlpha([100n], 100n)).toBe(0);
    expect(smithsAlpha([], 100n)).toBeNull();
  });

  it('a quote reaches the book as whole base units per Wh, never beyond the trader’s limit', () => {
    expect(toBookPrice('buy', 0.5000000000000009, 600n * 10n ** 12n)).toBe(500n * 10n ** 12n);
    expect(toBookPrice('buy', 0.61, 600n * 10n ** 12n)).toBe(600n * 10n ** 12n);
    expect(toBookPrice('sell', 0.29, 300n * 10n ** 12n)).toBe(300n * 10n ** 12n);
    expect(toBookPrice('sell', 0.3100000000000001, 300n * 10n ** 12n)).toBe(310n * 10n ** 12n + 1n);
  });
});
