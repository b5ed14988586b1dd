/**
 * ZI-C, zero intelligence constrained (Gode and Sunder 1993): quotes uniformly at random between the
 * market's bound and its own limit, so it never trades at a loss, and learns nothing. Its efficiency
 * shows how much of a CDA's efficiency comes from the market rules alone.
 */
import type { Trader, TraderSpec } from './trader.ts';

export function zeroIntelligenceTrader({ side, limit, bounds }: TraderSpec): Trader {
  return {
    side,
    limit,
    active: true,
    quote: (_view, random) =>
      side === 'buy' ? random.uniform(bounds.min, limit) : random.uniform(limit, bounds.max),
    observe: () => {},
  };
}
