/**
 * ZIP, zero intelligence plus (Cliff 1997): a profit margin μ on the limit price (a seller quotes
 * limit·(1 + μ), μ ≥ 0; a buyer limit·(1 + μ), −1 ≤ μ ≤ 0), adjusted after every shout by the
 * Widrow–Hoff rule with momentum toward a target a little beyond the last shout's price: raised when
 * its price would have traded, lowered when shouts like its own fail or trades happen at prices it
 * would not match.
 */
import type { MarketEvent, Trader, TraderSpec } from './trader.ts';

/** Cliff's ranges, with the absolute perturbation scaled to prices of about 0.5 per kWh. */
const RELATIVE = 0.05;
const ABSOLUTE = 0.005;

export function zipTrader({ side, limit, random }: TraderSpec): Trader {
  const sell = side === 'sell';
  let margin = (sell ? 1 : -1) * random.uniform(0.05, 0.35);
  const learningRate = random.uniform(0.1, 0.5);
  const momentum = random.uniform(0, 0.1);
  let step = 0;
  const price = () => limit * (1 + margin);

  /** Moves the price toward a target above (`up`) or below the shout's price q. */
  const adjust = (q: number, up: boolean) => {
    const target = up
      ? random.uniform(1, 1 + RELATIVE) * q + random.uniform(0, ABSOLUTE)
      : random.uniform(1 - RELATIVE, 1) * q - random.uniform(0, ABSOLUTE);
    step = momentum * step + (1 - momentum) * learningRate * (target - price());
    const next = (price() + step) / limit - 1;
    margin = sell ? Math.max(0, next) : Math.min(0, Math.max(-1, next));
  };

  const trader: Trader = {
    side,
    limit,
    active: true,
    quote: () => price(),
    observe(event: MarketEvent) {
      const p = price();
      const q = event.price;
      if (sell) {
        if (event.traded && p <= q) adjust(q, true);
        else if (event.traded && event.side === 'buy' && p >= q && trader.active) adjust(q, false);
        else if (!event.traded && event.side === 'sell' && p >= q && trader.active) adjust(q, false);
      } else {
        if (event.traded && p >= q) adjust(q, false);
        else if (event.traded && event.side === 'sell' && p <= q && trader.active) adjust(q, true);
        else if (!event.traded && event.side === 'buy' && p <= q && trader.active) adjust(q, true);
      }
    },
  };
  return trader;
}
