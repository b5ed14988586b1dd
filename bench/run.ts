/**
 * `npm run bench [-- NAME…]` — measured figures, printed and written to bench/results/.
 * Names: gas, gas-rules, gas-fees, gas-capacity, gas-reputation, clearing, relayer, core, cda, api, traditional, simulation, simulation-100k
 * (default: all but simulation-100k).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { summarize } from '../src/chain/transactions.ts';
import { apiLatency } from './apiLatency.ts';
import { clearingScale } from './clearingScale.ts';
import { continuousAuction } from './continuousAuction.ts';
import { coreClearing } from './coreClearing.ts';
import { gasPerParticipantPeriod, REPUTATION_ON, RULES_ON } from './gasPerParticipantPeriod.ts';
import { relayerThroughput } from './relayerThroughput.ts';
import { SIMULATION_100K, SIMULATION_RUNS, simulationBench } from './simulation.ts';
import { traditionalVsBlockchain } from './traditionalVsBlockchain.ts';

const log = (line: string) => console.log(line);
const benches: Record<string, () => Promise<unknown>> = {
  gas: () => gasPerParticipantPeriod(200, log),
  'gas-rules': () => gasPerParticipantPeriod(200, log, RULES_ON),
  'gas-fees': () => gasPerParticipantPeriod(200, log, {}, { fees: true }),
  'gas-capacity': () => gasPerParticipantPeriod(200, log, {}, { capacity: true }),
  'gas-reputation': () => gasPerParticipantPeriod(200, log, REPUTATION_ON),
  clearing: () => clearingScale([10, 100, 1_000, 10_000], log),
  relayer: () => relayerThroughput(2_000, log),
  core: () => coreClearing([10_000, 100_000, 1_000_000], log),
  cda: () => continuousAuction(30, log),
  api: () => apiLatency([10, 100, 1_000], log),
  traditional: () => traditionalVsBlockchain([100, 1_000], 8, log),
  simulation: () => simulationBench(SIMULATION_RUNS, log),
  'simulation-100k': () => simulationBench(SIMULATION_100K, log),
};
/** Long runs that only start when named. */
const onRequest = new Set(['simulation-100k']);

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(benches).filter((n) => !onRequest.has(n));
mkdirSync('bench/results', { recursive: true });
for (const name of names) {
  const bench = benches[name];
  if (bench === undefined) {
    console.error(`bench: unknown benchmark "${name}" (known: ${Object.keys(benches).join(', ')})`);
    process.exit(2);
  }
  const started = Date.now();
  let result: unknown;
  try {
    result = await bench();
  } catch (error) {
    console.error(`bench ${name} failed: ${summarize(error)}`);
    process.exit(1);
  }
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(
    `bench/results/${name}.json`,
    `${JSON.stringify({ name, seconds, measuredAt: new Date().toISOString(), result }, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
  );
  log(`  (${name}: ${seconds.toFixed(1)} s)`);
}
