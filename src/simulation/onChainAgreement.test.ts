/**
 * The strongest check of the simulation: the same scenario run on the contracts and on the pure core
 * gives the same bids, trades, awards, settlements, failures and balances, to the unit, and the
 * chain's own token total equals the sum of every balance.
 */
import { describe, expect, it } from 'vitest';
import type { PricingRule } from '../core/greenFirstAuction.ts';
import { runDay } from './dayRunner.ts';
import type { DayResult } from './dayRecord.ts';
import { offChainMarket } from './offChainMarket.ts';
import { onChainMarket } from './onChainMarket.ts';
import { loadScenario, withFeeder, type Scenario } from './scenario.ts';

const caseStudy = loadScenario('scenarios/case-study.json');

/** Everything but the chain's costs. */
const numbers = (day: DayResult) => ({
  periods: day.periods.map(({ transactions: _t, gasUsed: _g, ...rest }) => rest),
  opening: day.opening,
  closing: day.closing,
});

async function bothWays(scenario: Scenario, pricing: PricingRule = 'mid') {
  const mechanism = pricing === 'uniform' ? 'green-first-uniform' : 'green-first';
  const off = await runDay(scenario, offChainMarket(scenario, { mechanism }), 'off-chain');
  const market = await onChainMarket(scenario, { pricing });
  try {
    const on = await runDay(scenario, market, 'on-chain');
    const { platform, accounts } = market.platform;
    // The chain itself, not the runner's view of its events: balances add up to the supply.
    const balances = await Promise.all(
      scenario.participants.map((_, i) =>
        platform.read.market.read
          .participantState([i + 1])
          .then(([, balance, debt]) => [balance, debt] as const),
      ),
    );
    const grid = await platform.read.token.read.balanceOf([accounts.publicGrid.address]);
    const supply = await platform.read.token.read.totalSupply();
    return { off, on, balances, grid, supply };
  } finally {
    await market.close();
  }
}

describe('on chain = off chain', () => {
  it('agrees to the unit on 8 periods of the case study', async () => {
    const { off, on, balances, grid, supply } = await bothWays({ ...caseStudy, periods: 8 });
    expect(numbers(on)).toEqual(numbers(off));
    expect(on.periods.reduce((n, p) => n + p.trades.length, 0)).toBeGreaterThan(5);
    expect(balances.map(([b]) => b)).toEqual(off.closing.balances);
    expect(balances.reduce((s, [b]) => s + b, grid)).toBe(supply);
    expect(on.transactions).toBeGreaterThan(0);
    expect(on.gasUsed).toBeGreaterThan(0n);
  }, 60_000);

  it('agrees on a generated feeder with prosumers, budget caps and missing readings', async () => {
    const feeder = withFeeder({ ...caseStudy, seed: 5, periods: 6 }, 60);
    const { off, on, balances, grid, supply } = await bothWays(feeder);
    expect(numbers(on)).toEqual(numbers(off));
    expect(balances.map(([, debt]) => debt)).toEqual(off.closing.debts);
    expect(balances.reduce((s, [b]) => s + b, grid)).toBe(supply);
    expect(on.periods.flatMap((p) => p.participants).some((x) => x.side === 'sell')).toBe(true);
  }, 60_000);

  it('agrees with price bounds and a seller share cap: bids inside the bounds, no seller over the cap', async () => {
    const feeder = withFeeder({ ...caseStudy, seed: 5, periods: 4 }, 40);
    const bounds = { priceFloorPerWh: 620_000_000_000_000n, priceCapPerWh: 720_000_000_000_000n };
    const scenario = { ...feeder, market: { ...feeder.market, ...bounds, sellerShareCapBps: 1_000 } };
    const { off, on, balances, grid, supply } = await bothWays(scenario);
    expect(numbers(on)).toEqual(numbers(off));
    expect(balances.reduce((s, [b]) => s + b, grid)).toBe(supply);
    let capped = 0;
    for (const p of on.periods) {
      for (const x of p.participants) {
        expect(x.pricePerWh).toBeGreaterThanOrEqual(bounds.priceFloorPerWh);
        expect(x.pricePerWh).toBeLessThanOrEqual(bounds.priceCapPerWh);
      }
      const demandWh = p.participants.filter((x) => x.side === 'buy').reduce((s, x) => s + x.declaredWh, 0n);
      const capWh = (demandWh * 1_000n) / 10_000n;
      for (const x of p.participants.filter((y) => y.side === 'sell')) {
        expect(x.awardedWh).toBeLessThanOrEqual(capWh);
        if (x.awardedWh === capWh && x.declaredWh > capWh) capped += 1;
      }
    }
    // The cap bit: some seller offered more than its share and was cut to it.
    expect(capped).toBeGreaterThan(0);
    // The bounds bit: some asks were raised to the floor and some bids lowered to the cap.
    const prices = on.periods.flatMap((p) => p.participants.map((x) => x.pricePerWh));
    expect(prices).toContain(bounds.priceFloorPerWh);
    expect(prices).toContain(bounds.priceCapPerWh);
  }, 60_000);

  it('agrees under the uniform pricing rule on a generated feeder: one price per stage', async () => {
    const feeder = withFeeder({ ...caseStudy, seed: 11, periods: 5 }, 40);
    const { off, on, balances, grid, supply } = await bothWays(feeder, 'uniform');
    expect(numbers(on)).toEqual(numbers(off));
    expect(balances.reduce((s, [b]) => s + b, grid)).toBe(supply);
    const traded = on.periods.filter((p) => p.trades.length > 1);
    expect(traded.length).toBeGreaterThan(0);
    for (const p of traded)
      for (const stage of ['green', 'all'])
        expect(
          new Set(p.trades.filter((t) => t.stage === stage).map((t) => t.pricePerWh)).size,
        ).toBeLessThanOrEqual(1);
  }, 60_000);
});
