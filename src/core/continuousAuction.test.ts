import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cancelOrder,
  closeBook,
  openBook,
  placeOrder,
  ranksBefore,
  setBalance,
  type BookCharges,
  type ContinuousBook,
  type Fill,
  type OrderRequest,
} from './continuousAuction.ts';
import { MarketInputError, MarketRuleError, WattLedgerError } from './errors.ts';
import type { PeriodCapacity } from './gridCapacity.ts';
import { applyStreamEvent, orderStreamArbitrary } from './testing/continuousAuctionStreams.ts';
import { parsePricePerKwh } from './units.ts';

const p = (text: string) => parsePricePerKwh(text, 'price');
const GATE = 1_000n;
const order = (
  owner: string,
  side: OrderRequest['side'],
  quantityWh: bigint,
  price: string,
): OrderRequest => ({
  owner,
  side,
  quantityWh,
  pricePerWh: p(price),
  at: 10n,
});

/** Places orders in turn and returns the last book and all fills. */
function run(book: ContinuousBook, requests: OrderRequest[]): { book: ContinuousBook; fills: Fill[] } {
  const fills: Fill[] = [];
  for (const request of requests) {
    const result = placeOrder(book, request);
    book = result.book;
    fills.push(...result.fills);
  }
  return { book, fills };
}

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WattLedgerError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('continuous double auction: hand-computed examples', () => {
  it('fills an arriving buy against the cheapest asks first, at each resting order’s price', () => {
    const { book, fills } = run(openBook({ gateClosure: GATE }), [
      order('wind', 'sell', 100n, '0.50'),
      order('pv', 'sell', 100n, '0.45'),
      order('load', 'buy', 150n, '0.55'),
    ]);
    expect(
      fills.map((f) => [f.makerOrderId, f.takerOrderId, f.seller, f.buyer, f.quantityWh, f.pricePerWh]),
    ).toEqual([
      [2, 3, 'pv', 'load', 100n, p('0.45')],
      [1, 3, 'wind', 'load', 50n, p('0.50')],
    ]);
    expect(fills.map((f) => f.amount)).toEqual([100n * p('0.45'), 50n * p('0.50')]);
    expect(book.asks).toEqual([
      { id: 1, owner: 'wind', side: 'sell', pricePerWh: p('0.50'), remainingWh: 50n },
    ]);
    expect(book.bids).toEqual([]);
  });

  it('at equal price the older order trades first', () => {
    const { fills, book } = run(openBook({ gateClosure: GATE }), [
      order('a', 'sell', 100n, '0.50'),
      order('b', 'sell', 100n, '0.50'),
      order('load', 'buy', 150n, '0.60'),
    ]);
    expect(fills.map((f) => [f.maker, f.quantityWh])).toEqual([
      ['a', 100n],
      ['b', 50n],
    ]);
    expect(book.asks.map((o) => [o.id, o.remainingWh])).toEqual([[2, 50n]]);
  });

  it('rests the remainder of a partly filled order behind older orders at its price', () => {
    const start = run(openBook({ gateClosure: GATE }), [
      order('b1', 'buy', 50n, '0.50'),
      order('b2', 'buy', 50n, '0.48'),
      order('s', 'sell', 100n, '0.48'),
    ]);
    // s sells 50 at 0.50 to b1, 50 at 0.48 to b2: nothing rests.
    expect(start.fills.map((f) => [f.buyer, f.pricePerWh])).toEqual([
      ['b1', p('0.50')],
      ['b2', p('0.48')],
    ]);
    const book = run(start.book, [order('b3', 'buy', 10n, '0.47'), order('b4', 'buy', 10n, '0.49')]).book;
    const result = placeOrder(book, order('b5', 'buy', 300n, '0.47'));
    expect(result.fills).toEqual([]);
    expect(result.restsAfter).toBe(4); // behind b3 (id 4, same price, older)
    expect(result.book.bids.map((o) => o.id)).toEqual([5, 4, 6]);
    expect(placeOrder(result.book, order('b6', 'buy', 1n, '0.60')).restsAfter).toBe(0);
  });

  it('a sell order that crosses nothing rests; one that crosses takes the highest bid', () => {
    const book = run(openBook({ gateClosure: GATE }), [order('b', 'buy', 10n, '0.40')]).book;
    const rested = placeOrder(book, order('s', 'sell', 10n, '0.41'));
    expect(rested.fills).toEqual([]);
    expect(rested.resting?.remainingWh).toBe(10n);
    const crossed = placeOrder(book, order('s', 'sell', 4n, '0.39'));
    expect(crossed.fills.map((f) => [f.pricePerWh, f.quantityWh])).toEqual([[p('0.40'), 4n]]);
    expect(crossed.resting).toBeNull();
    expect(crossed.book.bids[0]!.remainingWh).toBe(6n);
  });

  it('cancels a resting remainder for its owner only, and only before gate closure', () => {
    const book = run(openBook({ gateClosure: GATE }), [order('s', 'sell', 10n, '0.50')]).book;
    expect(cancelOrder(book, { owner: 's', orderId: 1, at: 20n }).book.asks).toEqual([]);
    expect(code(() => cancelOrder(book, { owner: 'x', orderId: 1, at: 20n }))).toBe('ORDER_NOT_OWNER');
    expect(code(() => cancelOrder(book, { owner: 's', orderId: 2, at: 20n }))).toBe('ORDER_NOT_FOUND');
    expect(code(() => cancelOrder(book, { owner: 's', orderId: 1, at: GATE }))).toBe('ORDER_GATE_CLOSED');
  });

  it('refuses orders after gate closure, of zero or oversized amounts, and on both sides at once', () => {
    const book = run(openBook({ gateClosure: GATE }), [order('s', 'sell', 10n, '0.50')]).book;
    expect(code(() => placeOrder(book, { ...order('b', 'buy', 1n, '0.50'), at: GATE }))).toBe(
      'ORDER_GATE_CLOSED',
    );
    expect(() => placeOrder(book, order('b', 'buy', 0n, '0.50'))).toThrow(MarketInputError);
    expect(() => placeOrder(book, order('b', 'buy', 1n << 48n, '0.50'))).toThrow(/quantityWh/);
    expect(() => placeOrder(book, { ...order('b', 'buy', 1n, '0.50'), pricePerWh: 0n })).toThrow(
      /pricePerWh/,
    );
    expect(() => placeOrder(book, { ...order('b', 'buy', 1n, '0.50'), pricePerWh: 1n << 80n })).toThrow(
      /pricePerWh/,
    );
    expect(code(() => placeOrder(book, order('s', 'buy', 1n, '0.40')))).toBe('ORDER_SIDE_CONFLICT');
  });

  it('reserves a buy order’s quantity × limit and refuses what balance − margin − reservations cannot cover', () => {
    const price = p('0.50');
    const book = openBook({
      gateClosure: GATE,
      margin: 100n,
      balances: new Map([
        ['b', 100n + 30n * price],
        ['s', 99n],
      ]),
    });
    const first = placeOrder(book, order('b', 'buy', 20n, '0.50'));
    expect(first.book.reserved.get('b')).toBe(20n * price);
    expect(code(() => placeOrder(first.book, order('b', 'buy', 11n, '0.50')))).toBe(
      'ORDER_BUDGET_NOT_COVERED',
    );
    expect(placeOrder(first.book, order('b', 'buy', 10n, '0.50')).resting?.remainingWh).toBe(10n);
    expect(code(() => placeOrder(first.book, order('s', 'sell', 1n, '0.50')))).toBe(
      'ORDER_MARGIN_NOT_COVERED',
    );
    expect(() => placeOrder(first.book, order('nobody', 'sell', 1n, '0.50'))).toThrow(/no wallet/);
  });

  it('moves quantity × maker price from buyer to seller and releases the buyer’s reservation', () => {
    const price = p('0.50');
    const book = openBook({
      gateClosure: GATE,
      balances: new Map([
        ['b', 100n * price],
        ['s', 0n],
      ]),
    });
    const { book: after, fills } = run(book, [
      order('b', 'buy', 100n, '0.50'),
      order('s', 'sell', 40n, '0.45'),
    ]);
    expect(fills[0]!.pricePerWh).toBe(price);
    expect(after.balances?.get('b')).toBe(60n * price);
    expect(after.balances?.get('s')).toBe(40n * price);
    expect(after.reserved.get('b')).toBe(60n * price);
  });

  it('voids a resting bid whose owner can no longer pay, and goes on to the next bid', () => {
    const price = p('0.50');
    const balances = new Map([
      ['poor', 10n * price],
      ['rich', 10n * price],
      ['s', 0n],
    ]);
    let book = run(openBook({ gateClosure: GATE, balances }), [
      order('poor', 'buy', 10n, '0.50'),
      order('rich', 'buy', 10n, '0.49'),
    ]).book;
    book = setBalance(book, 'poor', 5n * price); // withdrew elsewhere
    const result = placeOrder(book, order('s', 'sell', 10n, '0.40'));
    expect(result.voided.map((o) => o.id)).toEqual([1]);
    expect(result.fills.map((f) => [f.buyer, f.pricePerWh])).toEqual([['rich', p('0.49')]]);
    expect(result.book.reserved.get('poor')).toBe(0n);
    expect(result.book.bids).toEqual([]);
  });

  it('with grid charges: the buyer pays each fill’s wheeling fee and levy, admission covers the most it can owe, a bid short of a fill’s charges is voided', () => {
    const price = p('0.50');
    const charges: BookCharges = {
      // Selling to "far" costs a wheeling fee of 0.10 per kWh, to anyone else 0.02; the levy is 0.03.
      pair: (_seller, buyer) => ({
        wheelingPerWh: p(buyer === 'far' ? '0.10' : '0.02'),
        levyPerWh: p('0.03'),
      }),
      buyerCapPerWh: () => p('0.13'),
    };
    const book = openBook({
      gateClosure: GATE,
      balances: new Map([
        ['near', 10n * (price + p('0.13'))],
        ['far', 10n * price + 10n * p('0.12')],
        ['s', 0n],
      ]),
      charges,
    });
    // 10 Wh at 0.50 plus at most 0.13 per Wh: "far" holds 0.01 per Wh too little to be admitted.
    expect(code(() => placeOrder(book, order('far', 'buy', 10n, '0.50')))).toBe('ORDER_BUDGET_NOT_COVERED');
    const rested = run(book, [order('near', 'buy', 10n, '0.50'), order('far', 'buy', 9n, '0.50')]).book;
    expect(rested.reserved.get('near')).toBe(10n * price);
    // The seller reaches "near" (oldest at 0.50): 10 Wh at 0.50 + 10 × (0.02 + 0.03) to the grid.
    const first = placeOrder(rested, order('s', 'sell', 10n, '0.40'));
    expect(first.fills.map((f) => [f.buyer, f.amount, f.wheelingFee, f.levy])).toEqual([
      ['near', 10n * price, 10n * p('0.02'), 10n * p('0.03')],
    ]);
    expect(first.book.balances?.get('near')).toBe(10n * p('0.08'));
    expect(first.book.balances?.get('s')).toBe(10n * price);
    // "far" then spends elsewhere: it still covers the price of 9 Wh but not the 0.13 of charges per Wh.
    const short = setBalance(first.book, 'far', 9n * price + 9n * p('0.12'));
    const second = placeOrder(short, order('s', 'sell', 9n, '0.40'));
    expect([second.fills, second.voided.map((o) => o.owner)]).toEqual([[], ['far']]);
  });

  it('with capacity limits: a fill takes the headroom left, and the order on the bound side ends', () => {
    // Feeders: wind and pv on 1 (limit 150 Wh out), load on 2 (limit 120 Wh in), shop on 1.
    const feeder = new Map([
      ['wind', 1],
      ['pv', 1],
      ['shop', 1],
      ['load', 2],
    ]);
    const limits: PeriodCapacity = {
      feederOf: (p) => feeder.get(p) ?? 0,
      transformerOf: () => 0,
      limitWh: (asset, id) => (asset === 'feeder' ? (id === 1 ? 150n : 120n) : undefined),
    };
    const book = openBook({ gateClosure: GATE, capacity: { limits, usedWh: new Map() } });
    // The load buys 100 of the wind's 300: both feeders carry it.
    const first = run(book, [order('wind', 'sell', 300n, '0.50'), order('load', 'buy', 100n, '0.55')]);
    expect(first.fills.map((f) => f.quantityWh)).toEqual([100n]);
    // 50 more: the load's feeder has 20 Wh of headroom left, so the taker (the load) is cut.
    const second = placeOrder(first.book, order('load', 'buy', 50n, '0.55'));
    expect(second.fills.map((f) => f.quantityWh)).toEqual([20n]);
    expect(second.capacityCut).toEqual([{ orderId: 3, owner: 'load', droppedWh: 30n }]);
    expect(second.resting).toBeNull();
    // The shop on the wind's own feeder loads nothing and buys freely.
    const third = placeOrder(second.book, order('shop', 'buy', 100n, '0.55'));
    expect(third.fills.map((f) => f.quantityWh)).toEqual([100n]);
    expect(third.capacityCut).toEqual([]);
    expect(third.book.capacity?.usedWh).toEqual(
      new Map([
        ['feeder:1', 120n],
        ['feeder:2', 120n],
      ]),
    );
  });

  it('with capacity limits: a resting order whose side is bound leaves the book, and its reservation with it', () => {
    const feeder = new Map([
      ['pv', 1],
      ['load', 2],
      ['home', 1],
    ]);
    const limits: PeriodCapacity = {
      feederOf: (p) => feeder.get(p) ?? 0,
      transformerOf: () => 0,
      limitWh: (asset, id) => (asset === 'feeder' && id === 2 ? 40n : undefined),
    };
    const balances = new Map([
      ['load', 10n ** 18n],
      ['home', 10n ** 18n],
      ['pv', 0n],
    ]);
    const rested = run(openBook({ gateClosure: GATE, balances, capacity: { limits, usedWh: new Map() } }), [
      order('load', 'buy', 100n, '0.55'),
      order('home', 'buy', 100n, '0.50'),
    ]).book;
    // The seller reaches the load first: 40 Wh fit its feeder, the rest of its bid leaves the book,
    // and the seller goes on to the home, on its own feeder.
    const result = placeOrder(rested, order('pv', 'sell', 100n, '0.45'));
    expect(result.fills.map((f) => [f.buyer, f.quantityWh])).toEqual([
      ['load', 40n],
      ['home', 60n],
    ]);
    expect(result.capacityCut).toEqual([{ orderId: 1, owner: 'load', droppedWh: 60n }]);
    expect(result.book.reserved.get('load')).toBe(0n);
    expect(result.book.bids.map((o) => [o.owner, o.remainingWh])).toEqual([['home', 40n]]);
  });

  it('closes at gate closure: remainders expire, reservations are released', () => {
    const balances = new Map([['b', 10n ** 18n]]);
    const book = run(openBook({ gateClosure: GATE, balances }), [order('b', 'buy', 10n, '0.50')]).book;
    expect(code(() => closeBook(book, GATE - 1n))).toBe('BOOK_STILL_OPEN');
    const closed = closeBook(book, GATE);
    expect(closed.expired.map((o) => o.id)).toEqual([1]);
    expect(closed.book.reserved.get('b')).toBe(0n);
    expect(closed.book.bids).toEqual([]);
  });
});

describe('continuous double auction: properties (seeded)', () => {
  const owners = ['o0', 'o1', 'o2', 'o3', 'o4', 'o5'];
  const streams = orderStreamArbitrary({ owners: owners.length, maxEvents: 60 });
  const runs = { seed: 2008, numRuns: 300 };
  const balances = fc.array(fc.bigInt({ min: 0n, max: 200n * 600_000_000_000_000n }), {
    minLength: owners.length,
    maxLength: owners.length,
  });

  it('never leaves the book crossed, keeps both sides in price–time order and fills at the maker’s price in book order', () => {
    fc.assert(
      fc.property(streams, balances, (events, money) => {
        let book = openBook({
          gateClosure: GATE,
          margin: 1_000n,
          balances: new Map(owners.map((o, i) => [o, money[i]!])),
        });
        const limitOf = new Map<number, bigint>();
        for (const event of events) {
          const before = book;
          const { book: next, outcome } = applyStreamEvent(book, event, owners, 10n);
          book = next;
          if (outcome?.kind === 'placed') {
            const { result } = outcome;
            limitOf.set(result.orderId, event.kind === 'place' ? event.pricePerWh : 0n);
            const side = event.kind === 'place' && event.side === 'buy' ? before.asks : before.bids;
            // Makers are reached in book order: fills and voids together are a prefix of the side.
            const reached = [
              ...new Set([...result.voided.map((o) => o.id), ...result.fills.map((f) => f.makerOrderId)]),
            ];
            expect(reached).toEqual(side.slice(0, reached.length).map((o) => o.id));
            for (const fill of result.fills) expect(fill.pricePerWh).toBe(limitOf.get(fill.makerOrderId));
          }
          const [bestBid, bestAsk] = [book.bids[0], book.asks[0]];
          if (bestBid !== undefined && bestAsk !== undefined)
            expect(bestBid.pricePerWh).toBeLessThan(bestAsk.pricePerWh);
          for (const side of [book.bids, book.asks]) {
            for (let i = 1; i < side.length; i++) expect(ranksBefore(side[i - 1]!, side[i]!)).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it('conserves energy per order and money in total, and reservations equal the open buy orders', () => {
    fc.assert(
      fc.property(streams, balances, (events, money) => {
        const initial = new Map(owners.map((o, i) => [o, money[i]!]));
        let book = openBook({ gateClosure: GATE, balances: initial });
        const placed = new Map<number, bigint>();
        const gone = new Map<number, bigint>();
        const add = (id: number, wh: bigint) => gone.set(id, (gone.get(id) ?? 0n) + wh);
        for (const event of events) {
          const { book: next, outcome } = applyStreamEvent(book, event, owners, 10n);
          book = next;
          if (outcome?.kind === 'placed' && event.kind === 'place') {
            placed.set(outcome.result.orderId, event.quantityWh);
            for (const f of outcome.result.fills) {
              add(f.makerOrderId, f.quantityWh);
              add(f.takerOrderId, f.quantityWh);
            }
            for (const o of outcome.result.voided) add(o.id, o.remainingWh);
          }
          if (outcome?.kind === 'cancelled') add(outcome.cancelled.id, outcome.cancelled.remainingWh);
          if (outcome?.kind === 'refused') expect(outcome.error).toBeInstanceOf(WattLedgerError);
        }
        for (const o of [...book.bids, ...book.asks]) add(o.id, o.remainingWh);
        for (const [id, quantity] of placed) expect(gone.get(id) ?? 0n).toBe(quantity);
        const total = (m: ReadonlyMap<string, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n);
        expect(total(book.balances!)).toBe(total(initial));
        for (const owner of owners) {
          const open = book.bids
            .filter((o) => o.owner === owner)
            .reduce((a, o) => a + o.remainingWh * o.pricePerWh, 0n);
          expect(book.reserved.get(owner) ?? 0n).toBe(open);
          expect(book.balances!.get(owner)! >= 0n).toBe(true);
        }
      }),
      runs,
    );
  });

  it('a refusal changes nothing', () => {
    fc.assert(
      fc.property(streams, balances, (events, money) => {
        let book = openBook({
          gateClosure: GATE,
          margin: 10n ** 16n,
          balances: new Map(owners.map((o, i) => [o, money[i]!])),
        });
        for (const event of events) {
          const { book: next, outcome } = applyStreamEvent(book, event, owners, 10n);
          if (outcome?.kind === 'refused') {
            expect(next).toBe(book);
            expect(
              outcome.error instanceof MarketRuleError || outcome.error instanceof MarketInputError,
            ).toBe(true);
          }
          book = next;
        }
      }),
      runs,
    );
  });
});
