import { describe, expect, it } from 'vitest';
import { aggressivenessFor, curve, targetPrice } from './adaptiveAggressiveness.ts';

const bounds = { min: 0.2, max: 0.8 };

describe('AA target prices (Vytelingum, Cliff and Jennings 2008)', () => {
  it('aggressiveness 0 quotes the equilibrium estimate for intra-marginal traders', () => {
    expect(targetPrice('buy', 0.7, 0.5, 0, -2, bounds)).toBeCloseTo(0.5, 12);
    expect(targetPrice('sell', 0.3, 0.5, 0, -2, bounds)).toBeCloseTo(0.5, 12);
  });

  it('aggressiveness 1 trades at the limit, −1 keeps the largest margin', () => {
    expect(targetPrice('buy', 0.7, 0.5, 1, -2, bounds)).toBeCloseTo(0.7, 12);
    expect(targetPrice('buy', 0.7, 0.5, -1, -2, bounds)).toBeCloseTo(0, 12);
    expect(targetPrice('sell', 0.3, 0.5, 1, -2, bounds)).toBeCloseTo(0.3, 12);
    expect(targetPrice('sell', 0.3, 0.5, -1, -2, bounds)).toBeCloseTo(0.8, 12);
  });

  it('an extra-marginal trader never quotes beyond its limit', () => {
    for (const r of [0, 0.5, 1]) {
      expect(targetPrice('buy', 0.4, 0.5, r, -2, bounds)).toBe(0.4);
      expect(targetPrice('sell', 0.6, 0.5, r, -2, bounds)).toBe(0.6);
    }
    expect(targetPrice('buy', 0.4, 0.5, -0.5, -2, bounds)).toBeLessThan(0.4);
    expect(targetPrice('sell', 0.6, 0.5, -0.5, -2, bounds)).toBeGreaterThan(0.6);
  });

  it('θ shapes the curve: f(0) = 0, f(1) = 1, linear at θ = 0, concave below 0, convex above', () => {
    for (const theta of [-8, -2, 0, 2]) {
      expect(curve(0, theta)).toBeCloseTo(0, 12);
      expect(curve(1, theta)).toBeCloseTo(1, 12);
    }
    expect(curve(0.5, 0)).toBe(0.5);
    expect(curve(0.5, -2)).toBeGreaterThan(0.5);
    expect(curve(0.5, 2)).toBeLessThan(0.5);
  });

  it('finds the aggressiveness whose target is a given price', () => {
    for (const [side, limit] of [
      ['buy', 0.7],
      ['sell', 0.3],
    ] as const) {
      for (const r of [-0.8, -0.2, 0.3, 0.9]) {
        const price = targetPrice(side, limit, 0.5, r, -3, bounds);
        expect(aggressivenessFor(side, price, limit, 0.5, -3, bounds)).toBeCloseTo(r, 6);
      }
    }
  });
});
