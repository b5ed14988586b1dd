/**
 * The same scenario day under each clearing mechanism. The contracts' two pricing rules (green-first
 * mid-price and green-first uniform price) run where the caller asks (on chain by default); the
 * others run on the pure core, so their gas is not measured here.
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
      mechanism === 'green-first' || mechanism === 'green-first-uniform'
        ? await simulateDay(scenario, {
            ...options,
            pricing: mechanism === 'green-first' ? 'mid' : 'uniform',
          })
        : await runDay(scenario, offChainMarket(scenario, { mechanism }), 'off-chain', options);
    runs.push({ mechanism, day, figures: mechanismFigures(mechanism, day) });
  }
  return runs;
}
