/**
 * Wall time, transactions and gas of simulated days on the embedded chain: the case study, generated
 * feeders of 100 and 1,000 participants for a day, and 100,000 participants for one period.
 */
import { join } from 'node:path';
import { loadScenario, withFeeder, type Scenario } from '../src/simulation/scenario.ts';
import type { DayResult } from '../src/simulation/dayRecord.ts';
import { simulateDay } from '../src/simulation/simulate.ts';
import { summarizeDay, type DaySummary } from '../src/simulation/output/summary.ts';
import { format, table } from './fixtures.ts';

export interface SimulationRun {
  readonly label: string;
  readonly participants?: number;
  readonly periods?: number;
}

export const SIMULATION_RUNS: readonly SimulationRun[] = [
  { label: 'case study, 96 periods' },
  { label: '100 participants, 96 periods', participants: 100 },
  { label: '1,000 participants, 96 periods', participants: 1_000 },
];

export const SIMULATION_100K: readonly SimulationRun[] = [
  { label: '100,000 participants, 1 period', participants: 100_000, periods: 1 },
];

function scenarioFor(run: SimulationRun): Scenario {
  if (run.participants === undefined) return loadScenario(join('scenarios', 'case-study.json'));
  const feeder = withFeeder(loadScenario(join('scenarios', 'feeder.json')), run.participants);
  return run.periods === undefined
    ? feeder
    : { ...feeder, periods: run.periods, charts: { supplyDemandPeriods: [] } };
}

/** The same trades in every period and the same closing balances and debts. */
function sameOutcome(a: DayResult, b: DayResult): boolean {
  const trades = (day: DayResult) =>
    JSON.stringify(
      day.periods.map((p) => p.trades),
      (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
    );
  const closing = (day: DayResult) =>
    JSON.stringify(day.closing, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return trades(a) === trades(b) && closing(a) === closing(b);
}

export async function simulationBench(runs: readonly SimulationRun[], log: (line: string) => void) {
  log('\nSimulated days on the embedded chain (set-up = chain start, deployment, enrolment)');
  const results: (DaySummary & {
    label: string;
    offChainSeconds: number;
    stepMs: DayResult['stepMs'];
    sameAsCore: boolean;
  })[] = [];
  for (const run of runs) {
    const scenario = scenarioFor(run);
    const off = await simulateDay(scenario, { offChain: true });
    const started = performance.now();
    const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
    const day = await simulateDay(scenario, {
      onProgress: (p) =>
        p.step % 24 === 0 &&
        log(`  ${run.label}: step ${p.step}/${p.steps}, ${(p.elapsedMs / 1000).toFixed(0)} s`),
      // Every phase, and enrolment progress every thousand.
      onSetup: (line) =>
        (!line.startsWith('enrolled') || line.endsWith('000')) &&
        log(`  ${run.label}, ${elapsed()}: ${line}`),
    });
    results.push({
      label: run.label,
      offChainSeconds: off.wallMs / 1000,
      // The chain's trades and closing balances against the core's, to the unit.
      sameAsCore: sameOutcome(day, off),
      stepMs: day.stepMs,
      ...summarizeDay(day),
    });
  }
  log(
    table(
      [
        'run',
        'bids',
        'trades',
        'transactions',
        'gas',
        'gas per bid',
        'set-up s',
        'day s',
        'tx/s',
        'bids/s',
        'core s',
        'same as core',
      ],
      results.map((r) => [
        r.label,
        format(r.bids),
        format(r.trades),
        format(r.transactions),
        format(BigInt(r.gasUsed)),
        format(BigInt(r.gasPerParticipantPeriod)),
        r.setupSeconds.toFixed(1),
        r.wallSeconds.toFixed(1),
        r.transactionsPerSecond.toFixed(1),
        format(r.bidsPerSecond),
        r.offChainSeconds.toFixed(1),
        r.sameAsCore ? 'yes' : 'NO',
      ]),
    ),
  );
  // Where the day's wall time went, step by step (each step includes awaiting its signatures).
  const steps = ['commit', 'readings', 'reveal', 'clear', 'settle', 'ledger'] as const;
  log(
    table(
      ['run', ...steps.map((x) => `${x} s`), 'other s'],
      results.map((r) => {
        const stepped = steps.reduce((sum, x) => sum + r.stepMs[x], 0);
        return [
          r.label,
          ...steps.map((x) => (r.stepMs[x] / 1000).toFixed(1)),
          (r.wallSeconds - stepped / 1000).toFixed(1),
        ];
      }),
    ),
  );
  return results;
}
