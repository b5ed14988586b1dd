/** One simulation run: a scenario on the chosen market, then its output folder. */
import type { PricingRule } from '../core/greenFirstAuction.ts';
import type { DayResult } from './dayRecord.ts';
import { runDay, type DayProgress } from './dayRunner.ts';
import { offChainMarket } from './offChainMarket.ts';
import { onChainMarket } from './onChainMarket.ts';
import type { Scenario } from './scenario.ts';

export interface SimulateOptions {
  readonly offChain?: boolean;
  /**
   * Readings as meters read them (10 Wh registers, outages at boundaries): on chain through virtual
   * meters and the reading gateway, off chain by the same model without the wire.
   */
  readonly meters?: boolean;
  /** The gateway's SQLite queue of an on-chain `meters` run (default: a temporary folder). */
  readonly meterStorePath?: string;
  readonly onProgress?: (progress: DayProgress) => void;
  readonly onSetup?: (line: string) => void;
  /** How the contracts (or, off chain, the core) price a period's trades; default mid-price. */
  readonly pricing?: PricingRule;
  /** Trade on the continuous market (an order book per period) instead of sealed bids. */
  readonly continuous?: boolean;
}

export async function simulateDay(given: Scenario, options: SimulateOptions = {}): Promise<DayResult> {
  const scenario =
    options.pricing === undefined
      ? given
      : { ...given, market: { ...given.market, pricing: options.pricing } };
  if (options.offChain)
    return await runDay(
      scenario,
      offChainMarket(scenario, options.continuous ? { mechanism: 'continuous' } : {}),
      'off-chain',
      options,
    );
  const started = Date.now();
  const market = await onChainMarket(scenario, {
    continuous: options.continuous,
    onSetup: options.onSetup,
    meters: options.meters,
    meterStorePath: options.meterStorePath,
  });
  try {
    return await runDay(scenario, market, 'on-chain', { ...options, setupMs: Date.now() - started });
  } finally {
    await market.close();
  }
}
