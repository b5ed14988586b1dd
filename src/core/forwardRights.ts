/**
 * Forward rights (large-user direct purchase), as `contracts/ForwardRights.sol` keeps them: a
 * producer registers an offer of the same Wh in each period of a window at a price per Wh, the
 * operator issues it, large users buy its rights from the producer (price and the region's fee per
 * Wh, for every period of the window) and sell them on to each other at an agreed price, until the
 * commit window of the offer's first period opens. Each participant's schedule in a period — the Wh
 * sold of its offers, or the Wh it holds — is settled against its meter by the sealed-bid market's
 * rules at the schedule's own average price. Every check runs in the contract's order, so both
 * refuse with the same reason; amounts are the contract's to the unit.
 */
import type { UnitKind } from './maintenance.ts';
import { settlePosition, type SettlementOutcome, type SettlementParameters } from './settlement.ts';

/** One day of 15-minute periods. */
export const MAX_OFFER_PERIODS = 96n;
export const MAX_LIVE_OFFERS_PER_PARTICIPANT = 16;
export const SETTLE_WITHIN_PERIODS = 96n;
export const MAX_FORWARD_WH = (1n << 48n) - 1n;
export const MAX_FORWARD_PRICE = (1n << 80n) - 1n;
const MAX_PERIOD = (1n << 24n) - 1n;

export interface ForwardOffer {
  readonly offerId: number;
  readonly producerId: number;
  readonly firstPeriod: bigint;
  readonly lastPeriod: bigint;
  readonly whPerPeriod: bigint;
  readonly soldWhPerPeriod: bigint;
  readonly pricePerWh: bigint;
  readonly issued: boolean;
  /** The producer's region and its fee per Wh, fixed at issuance. */
  readonly region: number;
  readonly feePerWh: bigint;
}

export interface ForwardSale {
  readonly saleId: number;
  readonly offerId: number;
  readonly sellerId: number;
  readonly buyerId: number;
  readonly whPerPeriod: bigint;
  readonly pricePerWh: bigint;
  readonly open: boolean;
}

export interface ForwardBook {
  readonly offers: readonly ForwardOffer[];
  readonly sales: readonly ForwardSale[];
  /** Wh per period held, by `${offerId}:${participantId}`. */
  readonly holdings: ReadonlyMap<string, bigint>;
  /** The offers each participant is party to, in the contract's order. */
  readonly live: ReadonlyMap<number, readonly number[]>;
  readonly largeUsers: ReadonlySet<number>;
  readonly regionOf: ReadonlyMap<number, number>;
  readonly regionFeePerWh: ReadonlyMap<number, bigint>;
  readonly regionFeesCollected: ReadonlyMap<number, bigint>;
}

export const EMPTY_FORWARD_BOOK: ForwardBook = {
  offers: [],
  sales: [],
  holdings: new Map(),
  live: new Map(),
  largeUsers: new Set(),
  regionOf: new Map(),
  regionFeePerWh: new Map(),
  regionFeesCollected: new Map(),
};

/** A participant as the contract sees it when it acts. */
export interface ForwardParty {
  readonly id: number;
  readonly kind: UnitKind;
  readonly authorised: boolean;
  /** Its settlement-token balance, base units. */
  readonly balance: bigint;
}

/** What the contract knows of time and maintenance when an action arrives. */
export interface ForwardContext {
  readonly currentPeriod: bigint;
  readonly now: bigint;
  /** When the commit window of `period` opens (trading in an offer starting then closes). */
  readonly commitOpens: (period: bigint) => bigint;
  /** A maintenance plan of `unitId` overlapping the window, or 0. */
  readonly planOverlapping: (unitId: number, fromPeriod: bigint, toPeriod: bigint) => number;
}

export type ForwardRefusal =
  | 'ForwardNotRegistered'
  | 'ForwardNotAuthorised'
  | 'ForwardNotProducer'
  | 'ForwardNotLargeUser'
  | 'ForwardWindowInvalid'
  | 'ForwardTooSoon'
  | 'ForwardQuantityOutOfRange'
  | 'ForwardPriceOutOfRange'
  | 'ForwardUnitUnderMaintenance'
  | 'ForwardOfferUnknown'
  | 'ForwardOfferAlreadyIssued'
  | 'ForwardOfferNotIssued'
  | 'ForwardTradingClosed'
  | 'ForwardRightsUnavailable'
  | 'ForwardBudgetNotCovered'
  | 'ForwardTooManyOffers'
  | 'ForwardSaleUnknown'
  | 'ForwardSaleNotYours'
  | 'ForwardSaleToSelf';

/** What each refusal means, for a person. */
export const FORWARD_REFUSALS: Record<ForwardRefusal, string> = {
  ForwardNotRegistered: 'the account is not a registered participant',
  ForwardNotAuthorised: 'the participant is not authorised to trade',
  ForwardNotProducer: 'only a producer or prosumer registers forward offers',
  ForwardNotLargeUser: 'only a consumer the operator marked as a large user buys forward rights',
  ForwardWindowInvalid: `a window runs from period 1 or later to a period not before it, at most ${MAX_OFFER_PERIODS} periods`,
  ForwardTooSoon: 'an offer starts no earlier than the period after next',
  ForwardQuantityOutOfRange: 'the energy per period must be positive and at most 2^48 − 1 Wh',
  ForwardPriceOutOfRange: 'the price must be positive and at most 2^80 − 1 base units per Wh',
  ForwardUnitUnderMaintenance: "the window overlaps the unit's published maintenance",
  ForwardOfferUnknown: 'there is no such offer',
  ForwardOfferAlreadyIssued: 'the offer is already issued',
  ForwardOfferNotIssued: 'the offer is not issued yet',
  ForwardTradingClosed: "trading in the offer closed when its first period's commit window opened",
  ForwardRightsUnavailable: 'not that many rights are available (per period)',
  ForwardBudgetNotCovered: 'the balance does not cover the payment',
  ForwardTooManyOffers: `a participant is party to at most ${MAX_LIVE_OFFERS_PER_PARTICIPANT} offers that have not ended`,
  ForwardSaleUnknown: 'there is no such open sale',
  ForwardSaleNotYours: 'the sale names another participant',
  ForwardSaleToSelf: 'a holder cannot sell rights to itself',
};

/** A token movement an action makes: between participants (ids) or to the public grid. */
export interface ForwardPayment {
  readonly from: number;
  readonly to: number | 'grid';
  readonly amount: bigint;
  readonly reason: 'trade' | 'region-fee';
}

export type ForwardResult =
  | { readonly refusal: ForwardRefusal }
  | {
      readonly refusal?: undefined;
      readonly book: ForwardBook;
      readonly payments: readonly ForwardPayment[];
    };

const refuse = (refusal: ForwardRefusal): ForwardResult => ({ refusal });
const holdingKey = (offerId: number, participantId: number) => `${offerId}:${participantId}`;
export const periodsOf = (o: ForwardOffer): bigint => o.lastPeriod - o.firstPeriod + 1n;

/** Wh per period of `offerId` that `participantId` holds. */
export const holdingOf = (book: ForwardBook, offerId: number, participantId: number): bigint =>
  book.holdings.get(holdingKey(offerId, participantId)) ?? 0n;

function participantRefusal(party: ForwardParty | null): ForwardRefusal | null {
  if (party === null) return 'ForwardNotRegistered';
  if (!party.authorised) return 'ForwardNotAuthorised';
  return null;
}

const offerOf = (book: ForwardBook, offerId: number): ForwardOffer | undefined =>
  offerId >= 1 ? book.offers[offerId - 1] : undefined;

function withOffer(book: ForwardBook, offer: ForwardOffer): ForwardBook {
  const offers = [...book.offers];
  offers[offer.offerId - 1] = offer;
  return { ...book, offers };
}

/** The contract's `_join`: the participant's live list with the offer, or the refusal. */
function join(
  book: ForwardBook,
  participantId: number,
  offerId: number,
  currentPeriod: bigint,
): ForwardBook | 'ForwardTooManyOffers' {
  const live = [...(book.live.get(participantId) ?? [])];
  for (let i = live.length; i > 0; i--) {
    if (live[i - 1] === offerId) return book;
    if (book.offers[live[i - 1]! - 1]!.lastPeriod + SETTLE_WITHIN_PERIODS < currentPeriod) {
      live[i - 1] = live[live.length - 1]!;
      live.pop();
    }
  }
  if (live.length >= MAX_LIVE_OFFERS_PER_PARTICIPANT) return 'ForwardTooManyOffers';
  live.push(offerId);
  return { ...book, live: new Map(book.live).set(participantId, live) };
}

function tradableRefusal(
  book: ForwardBook,
  offerId: number,
  buyerId: number,
  context: ForwardContext,
): ForwardRefusal | null {
  const o = offerOf(book, offerId);
  if (o === undefined) return 'ForwardOfferUnknown';
  if (!o.issued) return 'ForwardOfferNotIssued';
  if (context.now >= context.commitOpens(o.firstPeriod)) return 'ForwardTradingClosed';
  if (!book.largeUsers.has(buyerId)) return 'ForwardNotLargeUser';
  return null;
}

/** A producer registers an offer. */
export function registerOffer(
  book: ForwardBook,
  producer: ForwardParty | null,
  offer: { firstPeriod: bigint; lastPeriod: bigint; whPerPeriod: bigint; pricePerWh: bigint },
  context: ForwardContext,
): ForwardResult {
  const who = participantRefusal(producer);
  if (who !== null) return refuse(who);
  if (producer!.kind === 'consumer') return refuse('ForwardNotProducer');
  const { firstPeriod, lastPeriod, whPerPeriod, pricePerWh } = offer;
  if (
    firstPeriod === 0n ||
    lastPeriod < firstPeriod ||
    lastPeriod - firstPeriod >= MAX_OFFER_PERIODS ||
    lastPeriod > MAX_PERIOD
  )
    return refuse('ForwardWindowInvalid');
  if (firstPeriod < context.currentPeriod + 2n) return refuse('ForwardTooSoon');
  if (whPerPeriod === 0n || whPerPeriod > MAX_FORWARD_WH) return refuse('ForwardQuantityOutOfRange');
  if (pricePerWh === 0n || pricePerWh > MAX_FORWARD_PRICE) return refuse('ForwardPriceOutOfRange');
  if (context.planOverlapping(producer!.id, firstPeriod, lastPeriod) !== 0)
    return refuse('ForwardUnitUnderMaintenance');
  const registered: ForwardOffer = {
    offerId: book.offers.length + 1,
    producerId: producer!.id,
    ...offer,
    soldWhPerPeriod: 0n,
    issued: false,
    region: 0,
    feePerWh: 0n,
  };
  return { book: { ...book, offers: [...book.offers, registered] }, payments: [] };
}

/** The operator issues an offer; the producer's region fee is fixed now. */
export function issueOffer(book: ForwardBook, offerId: number, context: ForwardContext): ForwardResult {
  const o = offerOf(book, offerId);
  if (o === undefined) return refuse('ForwardOfferUnknown');
  if (o.issued) return refuse('ForwardOfferAlreadyIssued');
  if (context.now >= context.commitOpens(o.firstPeriod)) return refuse('ForwardTradingClosed');
  if (context.planOverlapping(o.producerId, o.firstPeriod, o.lastPeriod) !== 0)
    return refuse('ForwardUnitUnderMaintenance');
  const joined = join(book, o.producerId, offerId, context.currentPeriod);
  if (typeof joined === 'string') return refuse(joined);
  const region = book.regionOf.get(o.producerId) ?? 0;
  const issued = { ...o, issued: true, region, feePerWh: book.regionFeePerWh.get(region) ?? 0n };
  return { book: withOffer(joined, issued), payments: [] };
}

/** A large user buys rights from the offer's producer. */
export function buyRights(
  book: ForwardBook,
  buyer: ForwardParty | null,
  offerId: number,
  whPerPeriod: bigint,
  context: ForwardContext,
): ForwardResult {
  const who = participantRefusal(buyer);
  if (who !== null) return refuse(who);
  const tradable = tradableRefusal(book, offerId, buyer!.id, context);
  if (tradable !== null) return refuse(tradable);
  const o = offerOf(book, offerId)!;
  if (whPerPeriod === 0n || whPerPeriod > o.whPerPeriod - o.soldWhPerPeriod)
    return refuse('ForwardRightsUnavailable');
  const energy = whPerPeriod * periodsOf(o);
  const amount = energy * o.pricePerWh;
  const fee = energy * o.feePerWh;
  if (buyer!.balance < amount + fee) return refuse('ForwardBudgetNotCovered');
  const joined = join(book, buyer!.id, offerId, context.currentPeriod);
  if (typeof joined === 'string') return refuse(joined);
  const key = holdingKey(offerId, buyer!.id);
  const next: ForwardBook = {
    ...withOffer(joined, { ...o, soldWhPerPeriod: o.soldWhPerPeriod + whPerPeriod }),
    holdings: new Map(joined.holdings).set(key, (joined.holdings.get(key) ?? 0n) + whPerPeriod),
    regionFeesCollected:
      fee > 0n
        ? new Map(joined.regionFeesCollected).set(
            o.region,
            (joined.regionFeesCollected.get(o.region) ?? 0n) + fee,
          )
        : joined.regionFeesCollected,
  };
  const payments: ForwardPayment[] = [{ from: buyer!.id, to: o.producerId, amount, reason: 'trade' }];
  if (fee > 0n) payments.push({ from: buyer!.id, to: 'grid', amount: fee, reason: 'region-fee' });
  return { book: next, payments };
}

/** A holder offers rights to a named large user at a price. */
export function offerSale(
  book: ForwardBook,
  seller: ForwardParty | null,
  sale: { offerId: number; buyerId: number; whPerPeriod: bigint; pricePerWh: bigint },
  context: ForwardContext,
): ForwardResult {
  const who = participantRefusal(seller);
  if (who !== null) return refuse(who);
  const tradable = tradableRefusal(book, sale.offerId, sale.buyerId, context);
  if (tradable !== null) return refuse(tradable);
  if (sale.buyerId === seller!.id) return refuse('ForwardSaleToSelf');
  const held = holdingOf(book, sale.offerId, seller!.id);
  if (sale.whPerPeriod === 0n || sale.whPerPeriod > held) return refuse('ForwardRightsUnavailable');
  if (sale.pricePerWh === 0n || sale.pricePerWh > MAX_FORWARD_PRICE) return refuse('ForwardPriceOutOfRange');
  const offered: ForwardSale = { saleId: book.sales.length + 1, sellerId: seller!.id, ...sale, open: true };
  return { book: { ...book, sales: [...book.sales, offered] }, payments: [] };
}

const openSale = (book: ForwardBook, saleId: number): ForwardSale | undefined => {
  const s = saleId >= 1 ? book.sales[saleId - 1] : undefined;
  return s?.open === true ? s : undefined;
};

function closeSale(book: ForwardBook, s: ForwardSale): ForwardBook {
  const sales = [...book.sales];
  sales[s.saleId - 1] = { ...s, open: false };
  return { ...book, sales };
}

/** The named buyer accepts a sale and pays the seller. */
export function acceptSale(
  book: ForwardBook,
  buyer: ForwardParty | null,
  saleId: number,
  context: ForwardContext,
): ForwardResult {
  const s = openSale(book, saleId);
  if (s === undefined) return refuse('ForwardSaleUnknown');
  const who = participantRefusal(buyer);
  if (who !== null) return refuse(who);
  if (buyer!.id !== s.buyerId) return refuse('ForwardSaleNotYours');
  const tradable = tradableRefusal(book, s.offerId, buyer!.id, context);
  if (tradable !== null) return refuse(tradable);
  const held = holdingOf(book, s.offerId, s.sellerId);
  if (s.whPerPeriod > held) return refuse('ForwardRightsUnavailable');
  const amount = s.whPerPeriod * periodsOf(offerOf(book, s.offerId)!) * s.pricePerWh;
  if (buyer!.balance < amount) return refuse('ForwardBudgetNotCovered');
  const joined = join(book, buyer!.id, s.offerId, context.currentPeriod);
  if (typeof joined === 'string') return refuse(joined);
  const to = holdingKey(s.offerId, buyer!.id);
  const holdings = new Map(joined.holdings);
  const from = holdingKey(s.offerId, s.sellerId);
  if (held === s.whPerPeriod) holdings.delete(from);
  else holdings.set(from, held - s.whPerPeriod);
  holdings.set(to, (holdings.get(to) ?? 0n) + s.whPerPeriod);
  return {
    book: { ...closeSale(joined, s), holdings },
    payments: [{ from: buyer!.id, to: s.sellerId, amount, reason: 'trade' }],
  };
}

/** The seller withdraws a sale not yet accepted. */
export function cancelSale(book: ForwardBook, seller: ForwardParty | null, saleId: number): ForwardResult {
  const s = openSale(book, saleId);
  if (s === undefined) return refuse('ForwardSaleUnknown');
  const who = participantRefusal(seller);
  if (who !== null) return refuse(who);
  if (seller!.id !== s.sellerId) return refuse('ForwardSaleNotYours');
  return { book: closeSale(book, s), payments: [] };
}

export interface ForwardSchedule {
  /** Export (the producer of the rights) or import (a holder). */
  readonly sell: boolean;
  readonly scheduledWh: bigint;
  /** Σ Wh × price: with scheduledWh, the schedule's average price. */
  readonly value: bigint;
}

/** A participant's forward schedule in a period: Σ Wh sold of its offers covering it, or Σ Wh held. */
export function forwardSchedule(book: ForwardBook, participantId: number, period: bigint): ForwardSchedule {
  let sell = false;
  let scheduledWh = 0n;
  let value = 0n;
  for (const offerId of book.live.get(participantId) ?? []) {
    const o = book.offers[offerId - 1]!;
    if (period < o.firstPeriod || period > o.lastPeriod) continue;
    let wh: bigint;
    if (o.producerId === participantId) {
      sell = true;
      wh = o.soldWhPerPeriod;
    } else {
      wh = holdingOf(book, offerId, participantId);
    }
    scheduledWh += wh;
    value += wh * o.pricePerWh;
  }
  return { sell, scheduledWh, value };
}

/**
 * Settles a forward schedule against the energy its meter read in the schedule's direction (null:
 * no reading in time), by the sealed-bid market's rules at the schedule's average price.
 */
export function settleForwardDelivery(
  schedule: ForwardSchedule,
  actualWh: bigint | null,
  parameters: SettlementParameters,
): SettlementOutcome {
  return settlePosition(
    {
      side: schedule.sell ? 'sell' : 'buy',
      declaredWh: schedule.scheduledWh,
      awardedWh: schedule.scheduledWh,
      actualWh,
    },
    { value: schedule.value, quantityWh: schedule.scheduledWh },
    parameters,
  );
}
