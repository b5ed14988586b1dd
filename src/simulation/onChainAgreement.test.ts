/**
 * The strongest check of the simulation: the same scenario run on the contracts and on the pure core
 * gives the same bids, trades, awards, settlements, failures and balances, to the unit, and the
 * chain's own token total equals the sum of every balance.
 */
import { describe, expect, it } from 'vitest';
import type { PricingRule } from '../core/greenFirstAuction.ts';
import { START_PPM } from '../core/reputation.ts';
import { runDay } from './dayRunner.ts';
import type { DayResult } from './dayRecord.ts';
import { offChainMarket } from './offChainMarket.ts';
import { onChainMarket } from './onChainMarket.ts';
import { openContinuousMarket } from '../chain/continuousMarket.ts';
import { loadScenario, withFeeder, type Scenario } from './scenario.ts';

const caseStudy = loadScenario('scenarios/case-study.json');

/** Everything but the chain's costs. */
const numbers = (day: DayResult) => ({
  periods: day.periods.map(({ transactions: _t, gasUsed: _g, ...rest }) => rest),
  opening: day.opening,
  closing: day.closing,
});

async function bothWays(
  scenario: Scenario,
  pricing: PricingRule | 'continuous' = 'mid',
  reputationWeightPpm = 0n,
) {
  const continuous = pricing === 'continuous';
  const mechanism = continuous ? 'continuous' : pricing === 'uniform' ? 'green-first-uniform' : 'green-first';
  const offMarket = offChainMarket(scenario, { mechanism, reputationWeightPpm });
  const off = await runDay(scenario, offMarket, 'off-chain');
  const market = await onChainMarket(
    scenario,
    continuous ? { continuous } : { pricing, reputationWeightPpm },
  );
  try {
    const on = await runDay(scenario, market, 'on-chain');
    const { platform, accounts } = market.platform;
    const cda =
      platform.deployment.continuousMarket === undefined
        ? undefined
        : openContinuousMarket(platform.connection, platform.deployment.continuousMarket);
    // The chain itself, not the runner's view of its events: balances add up to the supply.
    const balances = await Promise.all(
      scenario.participants.map(async (_, i) => {
        const [, balance, debt] = await platform.read.market.read.participantState([i + 1]);
        return [balance, cda === undefined ? debt : await cda.read.read.debtOf([i + 1])] as const;
      }),
    );
    const grid = await platform.read.token.read.balanceOf([accounts.publicGrid.address]);
    const supply = await platform.read.token.read.totalSupply();
    const reputations = await Promise.all(
      scenario.participants.map(async (_, i) => {
        const [scorePpm, scoredPeriods, missedReadings, lastPeriod] =
          await platform.read.market.read.reputationOf([i + 1]);
        const onChain = {
          scorePpm,
          scoredPeriods: Number(scoredPeriods),
          missedReadings: Number(missedReadings),
          lastPeriod,
        };
        return { on: onChain, off: offMarket.reputationOf(i) };
      }),
    );
    return { off, on, balances, grid, supply, reputations };
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

  it('agrees with reputation on: carried scores, margins, equal-price order and every score', async () => {
    const feeder = withFeeder({ ...caseStudy, seed: 5, periods: 6 }, 60);
    const { off, on, balances, grid, supply, reputations } = await bothWays(feeder, 'mid', 300_000n);
    expect(numbers(on)).toEqual(numbers(off));
    expect(balances.reduce((s, [b]) => s + b, grid)).toBe(supply);
    expect(reputations.map((r) => r.on)).toEqual(reputations.map((r) => r.off));
    // The run really scores: bids carried scores, some moved off the start value, readings went missing.
    const carried = on.periods.flatMap((p) => p.bids).filter((b) => b.reputationPpm !== undefined);
    expect(carried.length).toBeGreaterThan(0);
    expect(
      reputations.filter((r) => r.off.scoredPeriods > 0 && r.off.scorePpm !== START_PPM).length,
    ).toBeGreaterThan(5);
    expect(reputations.some((r) => r.off.missedReadings > 0)).toBe(true);
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

  it('agrees on the continuous market on a generated feeder: fills, positions settled, debts', async () => {
    const feeder = withFeeder({ ...caseStudy, seed: 5, periods: 6 }, 60);
    const { off, on, balances, grid, supply } = await bothWays(feeder, 'continuous');
    expect(numbers(on)).toEqual(numbers(off));
    expect(balances.map(([b]) => b)).toEqual(off.closing.balances);
    expect(balances.map(([, debt]) => debt)).toEqual(off.closing.debts);
    expect(balances.reduce((s, [b]) => s + b, grid)).toBe(supply);
    const trades = on.periods.flatMap((p) => p.trades);
    expect(trades.length).toBeGreaterThan(10);
    expect(trades.every((t) => t.stage === 'continuous')).toBe(true);
    // Only positions are settled: a participant whose order never filled has no settlement.
    const participants = on.periods.flatMap((p) => p.participants);
    expect(participants.some((x) => x.awardedWh === 0n)).toBe(true);
    for (const x of participants) if (x.awardedWh === 0n) expect(x.imbalanceWh).toBe(0n);
    expect(on.gasUsed).toBeGreaterThan(0n);
  }, 120_000);
});
