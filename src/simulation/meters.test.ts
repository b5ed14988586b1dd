/**
 * `--meters`: readings read from DL/T 645 virtual meters over TCP by the reading gateway agree to
 * the unit with the off-chain run under the same register model, outages included.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { continuousMarketAbi } from '../chain/generated/ContinuousMarket.ts';
import { energyMarketAbi } from '../chain/generated/EnergyMarket.ts';
import { runDay } from './dayRunner.ts';
import type { DayResult } from './dayRecord.ts';
import { meterOutages, registerReadings } from './metering.ts';
import { offChainMarket } from './offChainMarket.ts';
import { onChainMarket } from './onChainMarket.ts';
import { energyPlan } from './profiles.ts';
import { loadScenario, type Scenario } from './scenario.ts';

const caseStudy = loadScenario('scenarios/case-study.json');

const numbers = (day: DayResult) => ({
  periods: day.periods.map(({ transactions: _t, gasUsed: _g, ...rest }) => rest),
  opening: day.opening,
  closing: day.closing,
});

describe('the register model', () => {
  it('rounds each period down to 10 Wh steps and carries the remainder, so the day adds up', () => {
    const producer = caseStudy.participants.find((p) => p.kind === 'producer')!;
    const actual = [14n, 14n, 3n, 0n, 9n, 120n];
    const read = registerReadings(producer, actual);
    expect(read.map((r) => r.exportWh)).toEqual([10n, 10n, 10n, 0n, 10n, 120n]);
    expect(read.every((r) => r.importWh === 0n)).toBe(true);
    const consumer = caseStudy.participants.find((p) => p.kind === 'consumer')!;
    expect(registerReadings(consumer, [25n, -7n]).map((r) => [r.importWh, r.exportWh])).toEqual([
      [20n, 0n],
      [0n, 0n],
    ]);
  });
});

describe('simulate --meters on chain', () => {
  it('reads every meter through the gateway and agrees to the unit with the off-chain run', async () => {
    // One meter that often fails to answer, so the missing-reading rule is exercised.
    const scenario: Scenario = {
      ...caseStudy,
      periods: 5,
      participants: caseStudy.participants.map((p, i) => (i === 0 ? { ...p, meterReliability: 0.8 } : p)),
    };
    const outages = meterOutages(scenario.participants, scenario.periods, scenario.seed);
    const down = outages[0]!.slice(1, scenario.periods + 2);
    expect(down.some(Boolean) && !down.every(Boolean)).toBe(true);

    const off = await runDay(scenario, offChainMarket(scenario), 'off-chain', { meters: true });
    // The registers' resolution changes what is settled: the plain run settles other actuals.
    const plain = await runDay(scenario, offChainMarket(scenario), 'off-chain');
    const actuals = (day: DayResult) => day.periods.flatMap((p) => p.participants.map((x) => x.actualWh));
    expect(actuals(off)).not.toEqual(actuals(plain));
    const storePath = join(mkdtempSync(join(tmpdir(), 'sim-meters-')), 'gateway.sqlite');
    const market = await onChainMarket(scenario, { meters: true, meterStorePath: storePath });
    try {
      const on = await runDay(scenario, market, 'on-chain', { meters: true });
      expect(numbers(on)).toEqual(numbers(off));
      const settled = on.periods.flatMap((p) => p.participants);
      expect(settled.some((x) => x.actualWh === null)).toBe(true);
      expect(settled.every((x) => x.actualWh === null || x.actualWh % 10n === 0n)).toBe(true);
      expect(on.periods.reduce((n, p) => n + p.trades.length, 0)).toBeGreaterThan(3);

      // The gateway's queue: one submitted reading per meter and period it could read, with the
      // register deltas of the model; an unreachable meter at each boundary it was off the bus.
      const { store, buses } = market.meters!;
      const expected = scenario.participants.flatMap((p, i) => {
        const read = registerReadings(p, energyPlan(p, scenario.periods, scenario.seed, i).actualWh);
        return read.flatMap((r, t) =>
          outages[i]![t + 1] || outages[i]![t + 2]
            ? []
            : [{ participantId: i + 1, period: BigInt(t + 1), importWh: r.importWh, exportWh: r.exportWh }],
        );
      });
      const queued = store.all();
      expect(queued.every((r) => r.status === 'submitted' && r.transactionHash !== null)).toBe(true);
      const key = (r: { participantId: number; period: bigint }) => `${r.period}:${r.participantId}`;
      expect(
        queued
          .map(({ participantId, period, importWh, exportWh }) => ({
            participantId,
            period,
            importWh,
            exportWh,
          }))
          .sort((a, b) => key(a).localeCompare(key(b))),
      ).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
      expect(store.failures().map((f) => Number(f.period))).toEqual(
        down.flatMap((d, b) => (d ? [b + 1] : [])),
      );
      expect(buses[0]!.stats.requests).toBeGreaterThanOrEqual(2 * queued.length);
    } finally {
      await market.close();
    }
  }, 60_000);

  it('on the continuous market: the gateway relays the readings there, and positions settle as off chain', async () => {
    const scenario: Scenario = {
      ...caseStudy,
      periods: 4,
      participants: caseStudy.participants.map((p, i) => (i === 0 ? { ...p, meterReliability: 0.8 } : p)),
    };
    const off = await runDay(scenario, offChainMarket(scenario, { mechanism: 'continuous' }), 'off-chain', {
      meters: true,
    });
    const storePath = join(mkdtempSync(join(tmpdir(), 'sim-meters-')), 'gateway.sqlite');
    const market = await onChainMarket(scenario, {
      meters: true,
      continuous: true,
      meterStorePath: storePath,
    });
    try {
      const on = await runDay(scenario, market, 'on-chain', { meters: true });
      expect(numbers(on)).toEqual(numbers(off));
      const settled = on.periods.flatMap((p) => p.participants);
      expect(settled.length).toBeGreaterThan(3);
      expect(settled.every((x) => x.actualWh === null || x.actualWh % 10n === 0n)).toBe(true);
      expect(on.periods.flatMap((p) => p.trades).every((t) => t.stage === 'continuous')).toBe(true);
      // Every reading the gateway submitted went to the continuous market, none to the sealed-bid one.
      const submitted = market.meters!.store.all().filter((r) => r.status === 'submitted');
      expect(submitted.length).toBeGreaterThan(0);
      const { connection, deployment } = market.platform.platform;
      const recorded = async (
        address: `0x${string}`,
        abi: typeof continuousMarketAbi | typeof energyMarketAbi,
      ) =>
        (
          await connection.publicClient.getContractEvents({
            address,
            abi,
            eventName: 'ReadingRecorded',
            fromBlock: 0n,
          })
        ).length;
      expect(await recorded(deployment.continuousMarket!, continuousMarketAbi)).toBe(submitted.length);
      expect(await recorded(deployment.market, energyMarketAbi)).toBe(0);
    } finally {
      await market.close();
    }
  }, 90_000);
});
