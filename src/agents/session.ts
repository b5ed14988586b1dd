/**
 * A seeded trading session on the market core's continuous order book: each trader holds one unit
 * with a private value or cost from a supply/demand schedule; a session is a number of trading days
 * (the book opens afresh each day, traders keep what they learned); each step one trader with its
 * unit still unsold is picked at random, its resting quote is withdrawn and it quotes again, and
 * every trader observes the shout and any trade. Per day: allocative efficiency and Smith's α.
 */
import {
  cancelOrder,
  findOrder,
  openBook,
  placeOrder,
  type ContinuousBook,
} from '../core/continuousAuction.ts';
import { adaptiveAggressivenessTrader } from './adaptiveAggressiveness.ts';
import { allocativeEfficiency, smithsAlpha, type SessionTrade } from './metrics.ts';
import { seededRandom, type Random } from './random.ts';
import { competitiveEquilibrium, type SupplyDemand } from './supplyDemand.ts';
import {
  fromBookPrice,
  toBookPrice,
  type MarketView,
  type PriceBounds,
  type Strategy,
  type Trader,
  type TraderSpec,
} from './trader.ts';
import { zeroIntelligenceTrader } from './zeroIntelligence.ts';
import { zipTrader } from './zip.ts';

const STRATEGIES: Record<Strategy, (spec: TraderSpec) => Trader> = {
  zic: zeroIntelligenceTrader,
  zip: zipTrader,
  aa: adaptiveAggressivenessTrader,
};

export interface SessionOptions {
  readonly strategy: Strategy;
  readonly market: SupplyDemand;
  /** Lowest and highest quote allowed, currency per kWh. */
  readonly bounds: PriceBounds;
  readonly seed: number;
  readonly days: number;
  readonly stepsPerDay: number;
}

export interface DayResult {
  readonly trades: readonly SessionTrade[];
  readonly efficiency: number;
  /** Smith's α in percent, null on a day without trades. */
  readonly alpha: number | null;
}

export interface SessionResult {
  readonly equilibriumPerWh: bigint;
  readonly days: readonly DayResult[];
}

interface Seat {
  readonly trader: Trader;
  readonly owner: string;
  readonly limitPerWh: bigint;
  orderId: number | null;
}

/** The book never closes during a simulated day. */
const OPEN = 1n;

export function runSession(options: SessionOptions): SessionResult {
  const random = seededRandom(options.seed);
  const equilibrium = competitiveEquilibrium(options.market);
  const make = STRATEGIES[options.strategy];
  const seat = (side: 'buy' | 'sell', limitPerWh: bigint, i: number): Seat => ({
    trader: make({ side, limit: fromBookPrice(limitPerWh), bounds: options.bounds, random }),
    owner: `${side === 'buy' ? 'buyer' : 'seller'} ${i}`,
    limitPerWh,
    orderId: null,
  });
  const seats = [
    ...options.market.values.map((v, i) => seat('buy', v, i)),
    ...options.market.costs.map((c, i) => seat('sell', c, i)),
  ];
  const days: DayResult[] = [];
  for (let day = 0; day < options.days; day++) {
    days.push(tradingDay(seats, options, random, equilibrium));
  }
  return { equilibriumPerWh: equilibrium.pricePerWh, days };
}

function tradingDay(
  seats: Seat[],
  options: SessionOptions,
  random: Random,
  equilibrium: ReturnType<typeof competitiveEquilibrium>,
): DayResult {
  const { unitWh } = options.market;
  let book: ContinuousBook = openBook({ gateClosure: OPEN + 1n });
  for (const s of seats) {
    s.trader.active = true;
    s.orderId = null;
  }
  const byOwner = new Map(seats.map((s) => [s.owner, s]));
  const trades: SessionTrade[] = [];
  const view = (): MarketView => ({
    bestBid: book.bids[0] === undefined ? null : fromBookPrice(book.bids[0].pricePerWh),
    bestAsk: book.asks[0] === undefined ? null : fromBookPrice(book.asks[0].pricePerWh),
  });
  for (let step = 0; step < options.stepsPerDay; step++) {
    const active = seats.filter((s) => s.trader.active);
    if (!active.some((s) => s.trader.side === 'buy') || !active.some((s) => s.trader.side === 'sell')) break;
    const s = active[random.below(active.length)]!;
    if (s.orderId !== null && findOrder(book, s.orderId) !== undefined) {
      book = cancelOrder(book, { owner: s.owner, orderId: s.orderId, at: OPEN }).book;
    }
    s.orderId = null;
    const quote = s.trader.quote(view(), random);
    if (quote === null) continue;
    const pricePerWh = toBookPrice(s.trader.side, quote, s.limitPerWh);
    const result = placeOrder(book, {
      owner: s.owner,
      side: s.trader.side,
      quantityWh: unitWh,
      pricePerWh,
      at: OPEN,
    });
    book = result.book;
    s.orderId = result.resting === null ? null : result.orderId;
    for (const fill of result.fills) {
      const buyer = byOwner.get(fill.buyer)!;
      const seller = byOwner.get(fill.seller)!;
      buyer.trader.active = false;
      seller.trader.active = false;
      trades.push({
        pricePerWh: fill.pricePerWh,
        buyerValue: buyer.limitPerWh,
        sellerCost: seller.limitPerWh,
        quantityWh: fill.quantityWh,
      });
    }
    const traded = result.fills[0];
    const event = {
      side: s.trader.side,
      price: fromBookPrice(traded === undefined ? pricePerWh : traded.pricePerWh),
      traded: traded !== undefined,
    };
    const after = view();
    for (const other of seats) other.trader.observe(event, after);
  }
  return {
    trades,
    efficiency: allocativeEfficiency(trades, equilibrium.maxSurplus),
    alpha: smithsAlpha(
      trades.map((t) => t.pricePerWh),
      equilibrium.pricePerWh,
    ),
  };
}

/** Mean efficiency and α of a day index (or all days) over many sessions. */
export function summarizeSessions(
  sessions: readonly SessionResult[],
  day?: number,
): { efficiency: number; alpha: number; sessions: number } {
  const days = sessions.flatMap((s) => (day === undefined ? s.days : [s.days[day]!]));
  const alphas = days.flatMap((d) => (d.alpha === null ? [] : [d.alpha]));
  return {
    efficiency: days.reduce((sum, d) => sum + d.efficiency, 0) / days.length,
    alpha: alphas.reduce((sum, a) => sum + a, 0) / alphas.length,
    sessions: sessions.length,
  };
}
