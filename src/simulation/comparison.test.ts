import { describe, expect, it } from 'vitest';
import { isqrt, mechanismFigures, optimumWelfare, percent } from './comparison.ts';
import { compareMechanisms } from './compareMechanisms.ts';
import { clearWith } from './mechanisms.ts';
import { coreBidsOf } from './coreBids.ts';
import type { RevealedBid } from './market.ts';
import { loadScenario, withFeeder } from './scenario.ts';

const bid = (
  participant: number,
  side: 'sell' | 'buy',
  quantityWh: bigint,
  pricePerWh: bigint,
  green = false,
) => ({ participant, side, quantityWh, pricePerWh, green }) satisfies RevealedBid;

describe('comparison figures', () => {
  it('takes exact integer square roots and rounds percentages half up', () => {
    expect([0n, 1n, 3n, 4n, 15n, 16n, 10n ** 40n + 1n].map(isqrt)).toEqual([
      0n,
      1n,
      1n,
      2n,
      3n,
      4n,
      10n ** 20n,
    ]);
    expect(isqrt((2n ** 80n + 5n) ** 2n)).toBe(2n ** 80n + 5n);
    expect(percent(1n, 3n)).toBe('33.3');
    expect(percent(2n, 3n)).toBe('66.7');
    expect(percent(1n, 2000n)).toBe('0.1');
    expect(percent(0n, 0n)).toBe('n/a');
  });

  it('finds the competitive optimum of a hand example', () => {
    // Asks 10 Wh at 1 and 10 Wh at 4; bids 15 Wh at 5 and 10 Wh at 3. Merit order: 10 Wh at
    // (5 − 1), then 5 Wh at (5 − 4); the bid at 3 does not cross the ask at 4.
    const bids = [
      bid(0, 'sell', 10n, 1n),
      bid(1, 'sell', 10n, 4n),
      bid(2, 'buy', 15n, 5n),
      bid(3, 'buy', 10n, 3n),
    ];
    expect(optimumWelfare({ period: 1, bids })).toBe(10n * 4n + 5n * 1n);
  });

  it('fills a continuous auction in arrival (rank) order at the resting price', () => {
    const revealed = [bid(0, 'sell', 10n, 2n), bid(1, 'buy', 6n, 9n), bid(2, 'buy', 6n, 5n)];
    const bids = coreBidsOf(7, revealed);
    const wallets = new Map(bids.map((b) => [b.participant, { balance: 1_000n, margin: 0n }] as const));
    const result = clearWith('continuous', bids, wallets);
    const arrival = [...bids].sort((a, b) => (a.rank < b.rank ? -1 : 1)).map((b) => b.participant);
    // Every fill is made at the price of the order that arrived first of its pair.
    for (const t of result.trades) {
      const maker = arrival.indexOf(t.seller) < arrival.indexOf(t.buyer) ? t.seller : t.buyer;
      expect(t.pricePerWh).toBe(bids.find((b) => b.participant === maker)!.pricePerWh);
    }
    expect(result.awardedWh[0]).toBe(10n);
    expect(result.awardedWh[1]! + result.awardedWh[2]!).toBe(10n);
    const total = [...result.wallets.values()].reduce((s, w) => s + w.balance, 0n);
    expect(total).toBe(3_000n);
    expect(result.wallets.get('0')!.balance - 1_000n).toBe(result.trades.reduce((s, t) => s + t.amount, 0n));
  });

  it('runs a generated feeder under every mechanism: welfare within the optimum, uniform price at it, tokens conserved', async () => {
    const scenario = { ...withFeeder(loadScenario('scenarios/feeder.json'), 60), periods: 12 };
    const runs = await compareMechanisms(scenario, { offChain: true });
    expect(runs.map((r) => r.mechanism)).toEqual([
      'green-first',
      'green-first-uniform',
      'uniform-price',
      'continuous',
    ]);
    for (const { mechanism, day, figures } of runs) {
      expect(
        day.closing.balances.reduce((s, b) => s + b, day.closing.grid),
        mechanism,
      ).toBe(day.closing.totalSupply);
      expect(figures.tradedWh, mechanism).toBeGreaterThan(0n);
      for (const p of figures.perPeriod) {
        expect(p.welfare, `${mechanism} period ${p.period}`).toBeLessThanOrEqual(p.optimum);
        expect(p.greenTradedWh).toBeLessThanOrEqual(p.tradedWh);
      }
      expect(figures.minPricePerWh! <= figures.meanPricePerWh!).toBe(true);
      expect(figures.meanPricePerWh! <= figures.maxPricePerWh!).toBe(true);
      expect(figures.gasPerParticipantPeriod).toBeNull();
      expect(mechanismFigures(mechanism, day)).toEqual(figures);
    }
    // Pay-as-clear matches the merit order exactly: nothing is lost to the green stage or to arrival order.
    const uniform = runs.find((r) => r.mechanism === 'uniform-price')!.figures;
    expect(uniform.welfare).toBe(uniform.optimum);
    const pricesPerPeriod = (mechanism: string) =>
      runs
        .find((r) => r.mechanism === mechanism)!
        .day.periods.map((r) => new Set(r.trades.map((t) => t.pricePerWh)).size);
    expect(Math.max(...pricesPerPeriod('uniform-price'))).toBe(1);
    // The contracts' uniform rule prices each stage once: at most a green and an all price.
    expect(Math.max(...pricesPerPeriod('green-first-uniform'))).toBeLessThanOrEqual(2);
    const continuous = runs.find((r) => r.mechanism === 'continuous')!.figures;
    expect(continuous.welfare).toBeLessThan(continuous.optimum);
  });
});
