/**
 * Continuous double auction (CDA): the order book of one delivery period, matching as orders arrive.
 *
 * - A limit order (owner, side, quantity in Wh, limit price in base units per Wh) gets the next order
 *   id (1, 2, … by arrival). It first trades against the opposite side's resting orders while they
 *   cross (ask ≤ bid), best price first and, at equal price, oldest first (price–time priority).
 * - Every fill is made at the **resting (maker) order's price**: the standard CDA rule, under which an
 *   order that arrives crossing the book gets the better price the book already offered.
 * - Whatever is left rests in the book; its owner may cancel that remainder.
 * - At gate closure the book closes: nothing is placed or cancelled any more, and `closeBook` lists
 *   the remainders that never traded (their reservations are released).
 *
 * With wallets, the core applies the same money rules as `contracts/ContinuousMarket.sol`:
 * - a seller holds at least the margin when placing;
 * - a buy order reserves remaining × limit price; a new one is accepted only while
 *   balance − margin − what the owner's open buy orders reserve ≥ quantity × limit price;
 * - a fill moves quantity × price from buyer to seller and releases quantity × the buyer's limit;
 * - a resting buy order whose owner can no longer pay a fill (its balance − margin fell below the
 *   fill's amount through money moved outside this book, see `setBalance`) is **voided** when a
 *   seller reaches it: removed with its reservation, and matching goes on with the next bid.
 * With grid charges (`BookCharges`, the wheeling fee and levy of gridFees.ts), each fill's buyer also
 * pays quantity × (wheeling + levy) of its pair to the grid; a buy order is accepted only while
 * spendable ≥ quantity × (limit + the most its fills can owe per Wh); reservations stay at the
 * limit price, so a resting buy is voided when its owner cannot pay a fill's amount with its charges.
 * With capacity limits (`capacity`, see gridCapacity.ts): each fill reserves its load on the feeders
 * and transformers it crosses; a fill a limit cuts carries what is left of the headroom, and the order
 * on the side whose limit bound ends there (`capacityCut`): a maker's rest leaves the book, a taker's
 * rest does not rest — the periodic auction's rule, applied fill by fill.
 * A participant has orders on one side of a period's book at a time, so it never trades with itself,
 * and once it has traded in a period it stays on that side: its **position** (Σ of its fills, sold or
 * bought) is what is settled against its meter after delivery (`settleContinuousPositions`).
 */
import { MarketInputError, MarketRuleError } from './errors.ts';
import type { Side } from './bid.ts';
import { settlePosition, type SettlementOutcome, type SettlementParameters } from './settlement.ts';
import { reserveCapacity, type PeriodCapacity } from './gridCapacity.ts';
import type { TradeCharges } from './gridFees.ts';
import { averagePriceOf } from './trade.ts';
import { minBig } from './units.ts';

/** Largest quantity of one order, as the contract stores it (48 bits). */
export const MAX_ORDER_WH = (1n << 48n) - 1n;
/** Largest limit price, base units per Wh, as the contract stores it (80 bits). */
export const MAX_ORDER_PRICE = (1n << 80n) - 1n;

export interface RestingOrder {
  readonly id: number;
  readonly owner: string;
  readonly side: Side;
  /** The limit price, which is also the price of every fill it makes as a maker. */
  readonly pricePerWh: bigint;
  readonly remainingWh: bigint;
}

export interface Fill {
  readonly makerOrderId: number;
  readonly takerOrderId: number;
  readonly maker: string;
  readonly taker: string;
  readonly seller: string;
  readonly buyer: string;
  readonly quantityWh: bigint;
  /** The maker's limit price. */
  readonly pricePerWh: bigint;
  /** quantityWh × pricePerWh, moved from buyer to seller. */
  readonly amount: bigint;
  /** With grid charges: quantityWh × the pair's wheeling fee and levy, paid by the buyer to the grid. */
  readonly wheelingFee?: bigint;
  readonly levy?: bigint;
}

/** The grid's charges on fills (see gridFees.ts): per pair, and the most a buyer's fills can owe per Wh. */
export interface BookCharges {
  readonly pair: (seller: string, buyer: string) => TradeCharges;
  readonly buyerCapPerWh: (owner: string) => bigint;
}

export interface ContinuousBook {
  /** Unix seconds from which nothing is accepted. */
  readonly gateClosure: bigint;
  readonly margin: bigint;
  /** The id the next order gets. */
  readonly nextOrderId: number;
  /** Resting sell orders, best (lowest price, then oldest) first. */
  readonly asks: readonly RestingOrder[];
  /** Resting buy orders, best (highest price, then oldest) first. */
  readonly bids: readonly RestingOrder[];
  /** Balances by owner, when money is checked; undefined: no money rules. */
  readonly balances: ReadonlyMap<string, bigint> | undefined;
  /** What each owner's open buy orders reserve: Σ remaining × limit price. */
  readonly reserved: ReadonlyMap<string, bigint>;
  /** What each owner's fills in this period add up to (owners that traded). */
  readonly positions: ReadonlyMap<string, ContinuousPosition>;
  /** The grid's charges on fills; undefined: none. */
  readonly charges?: BookCharges;
  /** The period's capacity limits and what the book's fills reserved of them; undefined: none. */
  readonly capacity?: BookCapacity;
}

export interface BookCapacity {
  readonly limits: PeriodCapacity;
  readonly usedWh: ReadonlyMap<string, bigint>;
}

/** A participant's fills in a period: the side it traded on and the Wh it sold or bought. */
export interface ContinuousPosition {
  readonly side: Side;
  readonly filledWh: bigint;
}

export interface OrderRequest {
  readonly owner: string;
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** When it arrives, unix seconds. */
  readonly at: bigint;
}

export interface PlaceResult {
  readonly book: ContinuousBook;
  readonly orderId: number;
  readonly fills: readonly Fill[];
  /** Resting buy orders removed because their owner could no longer pay (see the module comment). */
  readonly voided: readonly RestingOrder[];
  /** Orders a capacity limit ended, in order: their id, owner and the Wh that left the book. */
  readonly capacityCut: readonly { orderId: number; owner: string; droppedWh: bigint }[];
  /** The remainder left in the book, or null when the order filled completely. */
  readonly resting: RestingOrder | null;
  /**
   * The id of the order the remainder rests right behind on its side (0: at the head), which is the
   * insertion hint the contract verifies; 0 when nothing rests.
   */
  readonly restsAfter: number;
}

export interface OpenBookOptions {
  readonly gateClosure: bigint;
  readonly margin?: bigint;
  readonly balances?: ReadonlyMap<string, bigint>;
  /** Continue numbering after earlier orders (the contract's order count). */
  readonly nextOrderId?: number;
  /** Positions from earlier fills of the period (the contract's positions). */
  readonly positions?: ReadonlyMap<string, ContinuousPosition>;
  readonly charges?: BookCharges;
  readonly capacity?: BookCapacity;
}

export function openBook(options: OpenBookOptions): ContinuousBook {
  const margin = options.margin ?? 0n;
  if (margin < 0n) throw new MarketInputError('margin', 'must not be negative');
  return {
    gateClosure: options.gateClosure,
    margin,
    nextOrderId: options.nextOrderId ?? 1,
    asks: [],
    bids: [],
    balances: options.balances === undefined ? undefined : new Map(options.balances),
    reserved: new Map(),
    positions: new Map(options.positions ?? []),
    ...(options.charges === undefined ? {} : { charges: options.charges }),
    ...(options.capacity === undefined
      ? {}
      : { capacity: { limits: options.capacity.limits, usedWh: new Map(options.capacity.usedWh) } }),
  };
}

/** True when `a` goes before `b` on their (common) side: better price, then older. */
export function ranksBefore(a: RestingOrder, b: RestingOrder): boolean {
  if (a.pricePerWh !== b.pricePerWh)
    return a.side === 'buy' ? a.pricePerWh > b.pricePerWh : a.pricePerWh < b.pricePerWh;
  return a.id < b.id;
}

const crosses = (taker: Side, limit: bigint, maker: RestingOrder): boolean =>
  taker === 'buy' ? maker.pricePerWh <= limit : maker.pricePerWh >= limit;

function checkOpen(book: ContinuousBook, at: bigint, action: string): void {
  if (at >= book.gateClosure) {
    throw new MarketRuleError(
      'ORDER_GATE_CLOSED',
      `cannot ${action}: the book closed at gate closure ${book.gateClosure} (now ${at})`,
      { gateClosure: book.gateClosure, at },
    );
  }
}

function validateRequest(request: OrderRequest): void {
  if (request.side !== 'sell' && request.side !== 'buy') {
    throw new MarketInputError('side', `must be "sell" or "buy", got ${JSON.stringify(request.side)}`);
  }
  if (request.quantityWh <= 0n || request.quantityWh > MAX_ORDER_WH) {
    throw new MarketInputError(
      'quantityWh',
      `must be between 1 and ${MAX_ORDER_WH} Wh, got ${request.quantityWh}`,
      {
        code: 'ORDER_QUANTITY_OUT_OF_RANGE',
      },
    );
  }
  if (request.pricePerWh <= 0n || request.pricePerWh > MAX_ORDER_PRICE) {
    throw new MarketInputError(
      'pricePerWh',
      `must be between 1 and ${MAX_ORDER_PRICE} base units per Wh, got ${request.pricePerWh}`,
      { code: 'ORDER_PRICE_OUT_OF_RANGE' },
    );
  }
}

/** The owner's balance, refusing owners without a wallet when money is checked. */
function balanceOf(balances: ReadonlyMap<string, bigint>, owner: string): bigint {
  const balance = balances.get(owner);
  if (balance === undefined) throw new MarketInputError('owner', `"${owner}" has no wallet in this book`);
  return balance;
}

function checkMoney(book: ContinuousBook, request: OrderRequest): void {
  if (book.balances === undefined) return;
  const balance = balanceOf(book.balances, request.owner);
  if (request.side === 'sell') {
    if (balance < book.margin) {
      throw new MarketRuleError(
        'ORDER_MARGIN_NOT_COVERED',
        `${request.owner} holds ${balance}, less than the margin ${book.margin} a seller must hold; deposit first`,
        { owner: request.owner, balance, margin: book.margin },
      );
    }
    return;
  }
  const committed = book.margin + (book.reserved.get(request.owner) ?? 0n);
  const spendable = balance > committed ? balance - committed : 0n;
  const cost = request.quantityWh * (request.pricePerWh + (book.charges?.buyerCapPerWh(request.owner) ?? 0n));
  if (cost > spendable) {
    throw new MarketRuleError(
      'ORDER_BUDGET_NOT_COVERED',
      `${request.owner} can commit ${spendable} (balance − margin − open buy orders) but the order needs ${cost} with the most its fills can owe the grid; deposit, cancel an order or bid less`,
      { owner: request.owner, spendable, cost },
    );
  }
}

function checkOneSide(book: ContinuousBook, request: OrderRequest): void {
  const otherSide = request.side === 'buy' ? 'sell' : 'buy';
  const other = request.side === 'buy' ? book.asks : book.bids;
  if (other.some((o) => o.owner === request.owner)) {
    throw new MarketRuleError(
      'ORDER_SIDE_CONFLICT',
      `${request.owner} has open ${otherSide} orders in this period; cancel them before trading on the other side`,
      { owner: request.owner, side: request.side },
    );
  }
  if (book.positions.get(request.owner)?.side === otherSide) {
    throw new MarketRuleError(
      'ORDER_SIDE_CONFLICT',
      `${request.owner} has already traded on the ${otherSide} side in this period; a participant trades on one side of a period`,
      { owner: request.owner, side: request.side },
    );
  }
}

function addToPosition(
  positions: Map<string, ContinuousPosition>,
  owner: string,
  side: Side,
  quantityWh: bigint,
): void {
  positions.set(owner, { side, filledWh: (positions.get(owner)?.filledWh ?? 0n) + quantityWh });
}

const adjust = (map: Map<string, bigint>, owner: string, delta: bigint): void => {
  map.set(owner, (map.get(owner) ?? 0n) + delta);
};

/**
 * Places a limit order: matches it against the book, then rests the remainder. Refuses (nothing
 * changes) an order after gate closure, a zero or oversized quantity or price, an owner with open
 * orders on the other side, and, with wallets, a seller below the margin or a buyer who cannot
 * cover quantity × limit price.
 */
export function placeOrder(book: ContinuousBook, request: OrderRequest): PlaceResult {
  checkOpen(book, request.at, 'place an order');
  validateRequest(request);
  checkOneSide(book, request);
  checkMoney(book, request);

  const orderId = book.nextOrderId;
  const buy = request.side === 'buy';
  const opposite = [...(buy ? book.asks : book.bids)];
  const balances = book.balances === undefined ? undefined : new Map(book.balances);
  const reserved = new Map(book.reserved);
  const positions = new Map(book.positions);
  const fills: Fill[] = [];
  const voided: RestingOrder[] = [];
  const capacityCut: { orderId: number; owner: string; droppedWh: bigint }[] = [];
  const usedWh = book.capacity === undefined ? undefined : new Map(book.capacity.usedWh);
  let remaining = request.quantityWh;
  while (remaining > 0n && opposite.length > 0 && crosses(request.side, request.pricePerWh, opposite[0]!)) {
    const maker = opposite[0]!;
    let quantityWh = minBig(remaining, maker.remainingWh);
    const buyer = buy ? request.owner : maker.owner;
    const seller = buy ? maker.owner : request.owner;
    const charges = book.charges?.pair(seller, buyer);
    const perWhCharges = (charges?.wheelingPerWh ?? 0n) + (charges?.levyPerWh ?? 0n);
    if (
      !buy &&
      balances !== undefined &&
      balanceOf(balances, buyer) < book.margin + quantityWh * (maker.pricePerWh + perWhCharges)
    ) {
      opposite.shift();
      voided.push(maker);
      adjust(reserved, maker.owner, -maker.remainingWh * maker.pricePerWh);
      continue;
    }
    // 'maker' or 'taker': a capacity limit ends that side's order after this fill.
    let cut: 'maker' | 'taker' | undefined;
    if (book.capacity !== undefined && usedWh !== undefined) {
      const reservation = reserveCapacity(book.capacity.limits, usedWh, seller, buyer, quantityWh);
      if (reservation.cut !== undefined) {
        cut = (reservation.cut.voids === 'seller') === buy ? 'maker' : 'taker';
        quantityWh = reservation.grantedWh;
      }
    }
    if (quantityWh > 0n) {
      const amount = quantityWh * maker.pricePerWh;
      const wheelingFee = quantityWh * (charges?.wheelingPerWh ?? 0n);
      const levy = quantityWh * (charges?.levyPerWh ?? 0n);
      if (balances !== undefined) {
        adjust(balances, buyer, -amount - wheelingFee - levy);
        adjust(balances, seller, amount);
      }
      // A buyer's reservation is at its limit; a maker buyer's limit is the fill price.
      if (!buy) adjust(reserved, buyer, -amount);
      addToPosition(positions, seller, 'sell', quantityWh);
      addToPosition(positions, buyer, 'buy', quantityWh);
      fills.push({
        makerOrderId: maker.id,
        takerOrderId: orderId,
        maker: maker.owner,
        taker: request.owner,
        seller,
        buyer,
        quantityWh,
        pricePerWh: maker.pricePerWh,
        amount,
        ...(charges === undefined ? {} : { wheelingFee, levy }),
      });
      remaining -= quantityWh;
    }
    if (cut === 'maker' || quantityWh === maker.remainingWh) {
      opposite.shift();
      const left = maker.remainingWh - quantityWh;
      // A maker buyer cut by capacity: the reservation of what it may no longer buy goes with it.
      if (maker.side === 'buy') adjust(reserved, maker.owner, -left * maker.pricePerWh);
      if (cut === 'maker') capacityCut.push({ orderId: maker.id, owner: maker.owner, droppedWh: left });
    } else if (quantityWh > 0n) {
      opposite[0] = { ...maker, remainingWh: maker.remainingWh - quantityWh };
    }
    if (cut === 'taker') {
      // The taker's rest does not rest: it may not flow over the limit that bound.
      capacityCut.push({ orderId, owner: request.owner, droppedWh: remaining });
      remaining = 0n;
    }
  }

  let resting: RestingOrder | null = null;
  let restsAfter = 0;
  const own = [...(buy ? book.bids : book.asks)];
  if (remaining > 0n) {
    resting = {
      id: orderId,
      owner: request.owner,
      side: request.side,
      pricePerWh: request.pricePerWh,
      remainingWh: remaining,
    };
    let at = 0;
    while (at < own.length && ranksBefore(own[at]!, resting)) at++;
    restsAfter = at === 0 ? 0 : own[at - 1]!.id;
    own.splice(at, 0, resting);
    if (buy) adjust(reserved, request.owner, remaining * request.pricePerWh);
  }
  return {
    book: {
      ...book,
      nextOrderId: orderId + 1,
      asks: buy ? opposite : own,
      bids: buy ? own : opposite,
      balances,
      reserved,
      positions,
      ...(book.capacity === undefined || usedWh === undefined
        ? {}
        : { capacity: { limits: book.capacity.limits, usedWh } }),
    },
    orderId,
    fills,
    voided,
    capacityCut,
    resting,
    restsAfter,
  };
}

export interface CancelRequest {
  readonly owner: string;
  readonly orderId: number;
  readonly at: bigint;
}

/** Removes the remainder of a resting order; only its owner may, and only before gate closure. */
export function cancelOrder(
  book: ContinuousBook,
  request: CancelRequest,
): { book: ContinuousBook; cancelled: RestingOrder } {
  checkOpen(book, request.at, 'cancel an order');
  const order = findOrder(book, request.orderId);
  if (order === undefined) {
    throw new MarketRuleError(
      'ORDER_NOT_FOUND',
      `order ${request.orderId} is not resting in this book (filled, cancelled or never placed)`,
      { orderId: request.orderId },
    );
  }
  if (order.owner !== request.owner) {
    throw new MarketRuleError(
      'ORDER_NOT_OWNER',
      `order ${request.orderId} belongs to ${order.owner}, not ${request.owner}; only its owner may cancel it`,
      { orderId: request.orderId, owner: order.owner, requestedBy: request.owner },
    );
  }
  return { book: withoutOrder(book, order), cancelled: order };
}

export function findOrder(book: ContinuousBook, orderId: number): RestingOrder | undefined {
  return book.asks.find((o) => o.id === orderId) ?? book.bids.find((o) => o.id === orderId);
}

function withoutOrder(book: ContinuousBook, order: RestingOrder): ContinuousBook {
  const reserved = new Map(book.reserved);
  if (order.side === 'buy') adjust(reserved, order.owner, -order.remainingWh * order.pricePerWh);
  return {
    ...book,
    asks: book.asks.filter((o) => o.id !== order.id),
    bids: book.bids.filter((o) => o.id !== order.id),
    reserved,
  };
}

/**
 * Money moved outside this book (a deposit, a withdrawal, a settlement of another market): the
 * owner's balance is now `balance`. Resting orders stay; one its owner can no longer pay is voided
 * when a seller reaches it.
 */
export function setBalance(book: ContinuousBook, owner: string, balance: bigint): ContinuousBook {
  if (book.balances === undefined) throw new MarketInputError('balances', 'this book checks no money');
  if (balance < 0n) throw new MarketInputError('balance', 'must not be negative');
  const balances = new Map(book.balances);
  balances.set(owner, balance);
  return { ...book, balances };
}

/**
 * Closes the book at gate closure: every remainder expires and its reservation is released. Refused
 * before gate closure (`BOOK_STILL_OPEN`).
 */
export function closeBook(
  book: ContinuousBook,
  at: bigint,
): { book: ContinuousBook; expired: readonly RestingOrder[] } {
  if (at < book.gateClosure) {
    throw new MarketRuleError(
      'BOOK_STILL_OPEN',
      `the book stays open until gate closure ${book.gateClosure} (now ${at})`,
      { gateClosure: book.gateClosure, at },
    );
  }
  const expired = [...book.bids, ...book.asks].sort((a, b) => a.id - b.id);
  const reserved = new Map(book.reserved);
  for (const order of book.bids) adjust(reserved, order.owner, -order.remainingWh * order.pricePerWh);
  return { book: { ...book, asks: [], bids: [], reserved }, expired };
}

export interface ContinuousSettlement {
  readonly owner: string;
  readonly position: ContinuousPosition;
  readonly outcome: SettlementOutcome;
}

/**
 * Settles each position of a period's book against its owner's meter reading (energy in the
 * position's direction; null: none arrived in time) by the periodic market's rules, with the filled
 * quantity as both the declared and the awarded quantity: a CDA participant commits to what it
 * traded, not to what it quoted. The average price is that of the period's fills.
 */
export function settleContinuousPositions(
  positions: ReadonlyMap<string, ContinuousPosition>,
  fills: readonly Pick<Fill, 'amount' | 'quantityWh'>[],
  readings: ReadonlyMap<string, bigint | null>,
  parameters: SettlementParameters,
): ContinuousSettlement[] {
  const price = averagePriceOf(fills);
  if (price === null) {
    if (positions.size > 0) throw new MarketInputError('fills', 'positions without fills');
    return [];
  }
  return [...positions].map(([owner, position]) => {
    const actualWh = readings.get(owner) ?? null;
    const outcome = settlePosition(
      { side: position.side, declaredWh: position.filledWh, awardedWh: position.filledWh, actualWh },
      price,
      parameters,
    );
    return { owner, position, outcome };
  });
}
