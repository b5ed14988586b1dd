import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progressBar } from '../../simulation/progress.ts';
import { loadScenario, MAX_PERIODS, withFeeder, type Scenario } from '../../simulation/scenario.ts';
import { simulateDay, type SimulateOptions } from '../../simulation/simulate.ts';
import { compareMechanisms } from '../../simulation/compareMechanisms.ts';
import { MECHANISM_LABELS } from '../../simulation/mechanisms.ts';
import { writeComparison } from '../../simulation/output/comparisonOutputs.ts';
import { writeDayOutputs } from '../../simulation/output/writeOutputs.ts';
import { parseCommandArgs, printJson, UsageError, type Command } from '../command.ts';

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scenarios');

/** A bundled scenario by name ("case-study"), or a path to a scenario file. */
export function scenarioPath(name: string): string {
  const bundled = join(SCENARIOS, `${name}.json`);
  return !name.includes('/') && !name.endsWith('.json') && existsSync(bundled) ? bundled : resolve(name);
}

const whole = (
  text: string | boolean | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`--${option} must be a whole number from ${min} to ${max}, got "${String(text)}"`);
  }
  return n;
};

export const simulateCommand: Command = {
  name: 'simulate',
  summary:
    'runs a scenario day (the case study, a feeder, your own file) and writes CSV, charts and a report',
  help: `Usage: wattledger simulate [--scenario NAME|FILE] [options]

Runs a day of trading periods from a scenario: seeded profiles and forecasts, bids from each
participant's price strategy, sealed commits and reveals, green-first clearing, meter readings,
imbalance and incentive settlement. By default everything happens on a fresh embedded chain
(anvil) through the contracts; --off-chain runs the pure market core and gives the same numbers.
Writes an output folder and prints its summary JSON on stdout; progress goes to stderr.
The scenario format and the outputs are described in docs/simulation.md.

Options:
  --scenario NAME|FILE  a bundled scenario (case-study, feeder) or a scenario file
                        (default: case-study)
  --participants N      replace the scenario's participants by a generated feeder of N
                        PV, wind, storage, EV and load participants
  --periods N           run only the first N periods
  --seed N              override the scenario's seed
  --off-chain           the pure market core only, no chain
  --out DIR             the output folder (default: out/simulation-SCENARIO)
  --no-png              SVG charts only
  --meters              readings as meters read them: on chain, every participant gets a
                        DL/T 645 virtual meter on a loopback TCP bus, read by the reading
                        gateway (queue: OUT/gateway.sqlite) at each period boundary; actuals
                        are settled on the meters' 10 Wh registers. With --off-chain, the
                        same register and outage model without the wire
  --compare             run the day under each clearing mechanism (green-first mid-price,
                        green-first uniform price, uniform price without a green stage,
                        continuous double auction) and write comparison.csv,
                        comparison.json, charts and comparison.html, with each mechanism's
                        own outputs in OUT/MECHANISM/. The contracts' mechanisms (both
                        pricing rules, the continuous auction with its settlement) run on
                        chain unless --off-chain (the continuous one also with --meters);
                        uniform price without a green stage runs on the market core
  -h, --help            show this text

Output: periods, participant-periods, trades, failures and participants as CSV and JSON;
summary.json; SVG and PNG charts; report.html.
Exits 1 with one line naming the file, the field and the reason for a scenario with an error.
`,
  async run(args, output) {
    const { values } = parseCommandArgs(
      args,
      {
        scenario: { type: 'string' },
        participants: { type: 'string' },
        periods: { type: 'string' },
        seed: { type: 'string' },
        'off-chain': { type: 'boolean' },
        out: { type: 'string' },
        'no-png': { type: 'boolean' },
        meters: { type: 'boolean' },
        compare: { type: 'boolean' },
      },
      { min: 0, max: 0, names: '' },
    );
    if (values.help) {
      output.out(this.help);
      return 0;
    }
    let scenario: Scenario = loadScenario(
      scenarioPath((values.scenario as string | undefined) ?? 'case-study'),
    );
    const seed = whole(values.seed, 'seed', 0, 2 ** 32 - 1);
    if (seed !== undefined) scenario = { ...scenario, seed };
    const participants = whole(values.participants, 'participants', 1, 1_000_000);
    if (participants !== undefined) scenario = withFeeder(scenario, participants);
    const periods = whole(values.periods, 'periods', 1, MAX_PERIODS);
    if (periods !== undefined) {
      if (periods > scenario.periods) {
        throw new UsageError(`--periods ${periods} is more than the scenario's ${scenario.periods}`);
      }
      scenario = {
        ...scenario,
        periods,
        charts: {
          ...scenario.charts,
          supplyDemandPeriods: scenario.charts.supplyDemandPeriods.filter((p) => p <= periods),
        },
      };
    }
    const offChain = values['off-chain'] === true;
    const outDir = (values.out as string | undefined) ?? join('out', `simulation-${scenario.name}`);
    const meters = values.meters === true;
    const label = `${scenario.name}${offChain ? ' (off chain)' : ''}:`;
    // The gateway's queue goes with the outputs of the run it belongs to.
    if (meters && !offChain) mkdirSync(outDir, { recursive: true });
    const png = values['no-png'] !== true;
    const simulateOptions: SimulateOptions = {
      offChain,
      meters,
      meterStorePath: meters && !offChain ? join(outDir, 'gateway.sqlite') : undefined,
      onProgress: progressBar(output.err, process.stderr.isTTY === true, label),
      onSetup: (line) => output.err(`${label} ${line}\n`),
    };
    if (values.compare === true) {
      const runs = await compareMechanisms(scenario, {
        ...simulateOptions,
        onMechanism: (mechanism) => output.err(`${label} ${MECHANISM_LABELS[mechanism]}\n`),
      });
      const reports: Record<string, string> = {};
      for (const run of runs) {
        writeDayOutputs(run.day, join(outDir, run.mechanism), { png });
        reports[run.mechanism] = `${run.mechanism}/report.html`;
      }
      const rows = writeComparison(runs, outDir, { png, reports });
      printJson(output, { scenario: scenario.name, mechanisms: rows, output: outDir });
      output.err(`${label} compared ${runs.length} mechanisms; report: ${join(outDir, 'comparison.html')}\n`);
      return 0;
    }
    const day = await simulateDay(scenario, simulateOptions);
    const { summary } = writeDayOutputs(day, outDir, { png });
    printJson(output, { ...summary, output: outDir });
    output.err(
      `${label} ${summary.periods} periods, ${summary.participants} participants, ${summary.trades} trades, ${summary.transactions} transactions in ${summary.wallSeconds} s (${summary.transactionsPerSecond}/s); report: ${join(outDir, 'report.html')}\n`,
    );
    return 0;
  },
};
