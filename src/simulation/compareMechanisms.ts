/**
 * The same scenario day under each clearing mechanism. The contracts' mechanisms (green-first
 * mid-price, green-first uniform price, and the continuous double auction with its settlement of
 * positions) run where the caller asks (on chain by default); the uniform price without a green
 * stage runs on the pure core only, so its gas is not measured.
 */
import { mechanismFigures, type MechanismFigures } from './comparison.ts';
import type { DayResult } from './dayRecord.ts';
import { runDay } from './dayRunner.ts';
import { MECHANISMS, type Mechanism } from './mechanisms.ts';
import { offChainMarket } from './offChainMarket.ts';
import type { Scenario } from './scenario.ts';
import { simulateDay, type SimulateOptions } from './simulate.ts';

export interface MechanismRun {
  readonly mechanism: Mechanism;
  readonly day: DayResult;
  readonly figures: MechanismFigures;
}

export async function compareMechanisms(
  scenario: Scenario,
  options: SimulateOptions & { onMechanism?: (mechanism: Mechanism) => void } = {},
): Promise<MechanismRun[]> {
  const runs: MechanismRun[] = [];
  for (const mechanism of MECHANISMS) {
    options.onMechanism?.(mechanism);
    const day =
      mechanism === 'uniform-price'
        ? await runDay(scenario, offChainMarket(scenario, { mechanism }), 'off-chain', options)
        : await simulateDay(scenario, {
            ...options,
            pricing: mechanism === 'green-first-uniform' ? 'uniform' : 'mid',
            continuous: mechanism === 'continuous',
          });
    runs.push({ mechanism, day, figures: mechanismFigures(mechanism, day) });
  }
  return runs;
}
