/**
 * Price strategies: what a participant asks or bids per Wh in a period. Prices are integers (base
 * units per Wh); a random strategy draws whole steps of 10^-4 currency units per kWh.
 */
import type { Random } from './random.ts';
import type { StrategySpec } from './scenario.ts';
import { hourOf } from './profiles.ts';

/** 10^-4 currency units per kWh, in base units per Wh: the step of a drawn price. */
const PRICE_STEP = 100_000_000_000n;

/**
 * The price for period index `t`, given the last known average price of the market.
 * `random` is drawn exactly once per call, so that every runner sees the same sequence.
 */
export function strategyPrice(
  strategy: StrategySpec,
  t: number,
  lastAveragePricePerWh: bigint,
  random: Random,
): bigint {
  const draw = random.next();
  let price: bigint;
  switch (strategy.type) {
    case 'fixed':
      price = strategy.pricePerWh;
      break;
    case 'time-of-use': {
      const h = hourOf(t);
      price = h >= 8 && h < 22 ? strategy.dayPricePerWh : strategy.nightPricePerWh;
      break;
    }
    case 'markup':
      price = lastAveragePricePerWh + strategy.markupPerWh;
      break;
    case 'random': {
      const steps = (strategy.maxPerWh - strategy.minPerWh) / PRICE_STEP;
      price = strategy.minPerWh + BigInt(Math.floor(draw * Number(steps + 1n))) * PRICE_STEP;
      break;
    }
  }
  return price > 0n ? price : 1n;
}
