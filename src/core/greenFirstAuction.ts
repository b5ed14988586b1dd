/**
 * The green-first mid-price double auction (mechanism steps 2–5), written as the same state machine
 * the contract runs, so that a clearing can be split into batches, stopped and resumed anywhere, and
 * still give the same result to the last unit.
 *
 * Each stage walks two queues in merit order: sellers by ask ascending, buyers by bid descending
 * (ties by the reputation a bid carries, higher first, then by rank; see bid.ts). A bid is "entered" when it becomes the current seller or buyer. While the best ask
 * ≤ the best bid they trade min(remaining) at the floor of the mid-price; once they no longer cross
 * (or a queue runs out) the rest of each queue is entered only to prove the order was complete.
 * The entry log is exactly the order in which the contract must be handed the bids.
 *
 * Budget cut: when the buyer's balance − margin cannot pay a trade, the trade is cut to the whole Wh
 * it can pay and the buyer leaves the market for this period (its remaining quantity is void).
 *
 * Rules (`ClearingRules`, the market's parameters):
 * - pricing 'mid': each trade at the floor of its pair's mid-price, paid at once;
 * - pricing 'uniform': each stage has one price. Its trades are recorded while the pairs cross, with
 *   the buyer's budget checked at its own bid (the price never exceeds it): a buyer's award in the
 *   stage is at most floor((balance − margin) / bid). When the crossing ends the stage's price is
 *   P = floor((L + U) / 2), L = max(ask of the last traded seller, bid of the first unmatched buyer),
 *   U = min(bid of the last traded buyer, ask of the first unmatched seller): the first unmatched
 *   seller is the current one if it has quantity left (else there is none: the queue ran out), the
 *   first unmatched buyer the current one if it has quantity left and is not void, else the next in
 *   the queue. Every trade of the stage is then paid at P, in the order made.
 * - seller share cap: no seller is awarded more than `sellerCapWh` in the period (both stages); a
 *   trade that would pass it is cut to the cap and the rest of the seller's bid is void.
 *
 * Charges (`GreenFirstInput.charges`, see gridFees.ts): each trade's buyer also pays a wheeling fee and
 * a levy per Wh to the grid. The budget cut counts them: a buyer's trade is cut to what balance −
 * margin pays at price + charges; under uniform pricing, at its bid + charges less what its earlier
 * awards of the stage will cost that way.
 *
 * Capacity (`GreenFirstInput.capacity`, see gridCapacity.ts): after those cuts, a trade reserves its
 * load on the feeders and transformers it crosses; one that would pass a limit is cut to the smallest
 * headroom and the bid on the bound limit's side is void for the rest of the period.
 */
import { compareBuyers, compareSellers, spendable, validateBids, type Bid, type Wallet } from './bid.ts';
import { averagePriceOf, type AveragePrice, type Trade } from './trade.ts';
import { MarketInputError } from './errors.ts';
import { NO_CHARGES, type TradeCharges } from './gridFees.ts';
import { reserveCapacity, type CapacityCut, type ClearingCapacity } from './gridCapacity.ts';

export type MatchingStage = 'green' | 'all';
export type ClearingStage = MatchingStage | 'done';
export type Queue = 'seller' | 'buyer';

export interface ClearingEntry {
  readonly stage: MatchingStage;
  readonly queue: Queue;
  /** Index of the bid in the input array. */
  readonly bid: number;
}

/** Where a clearing stands; exactly what the contract keeps between batches. */
export interface ClearingProgress {
  readonly stage: ClearingStage;
  readonly sellerCursor: number;
  readonly buyerCursor: number;
  readonly crossingOver: boolean;
}

/** A bid's state inside a clearing that has already started. */
export interface BidProgress {
  readonly awardedWh: bigint;
  readonly voided: boolean;
}

export type PricingRule = 'mid' | 'uniform';
/** The pricing rules in the order of the contract's `Pricing` enum. */
export const PRICING_RULES = ['mid', 'uniform'] as const satisfies readonly PricingRule[];

export interface ClearingRules {
  readonly pricing: PricingRule;
  /** Most Wh one seller may be awarded in the period; absent: no cap. */
  readonly sellerCapWh?: bigint;
}

export const MID_PRICE_RULES: ClearingRules = { pricing: 'mid' };

const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * The seller cap of a period in Wh: `bps` basis points of its revealed demand (Σ quantity of its buy
 * bids, saturating at 2⁶⁴ − 1 as the contract keeps it), rounded down; undefined when `bps` is 0.
 */
export function sellerShareCapWh(bids: readonly Bid[], bps: number): bigint | undefined {
  if (bps === 0) return undefined;
  let demandWh = 0n;
  for (const bid of bids) if (bid.side === 'buy') demandWh += bid.quantityWh;
  return ((demandWh > MAX_UINT64 ? MAX_UINT64 : demandWh) * BigInt(bps)) / 10_000n;
}

/** A stage's uniform price and the bounds it was taken from. */
export interface StagePrice {
  readonly stage: MatchingStage;
  readonly pricePerWh: bigint;
  readonly lowerPerWh: bigint;
  readonly upperPerWh: bigint;
  /**
   * How many of this run's entries of the stage, from its first, must reach the contract in one step:
   * the price is fixed when the last of them is entered and nothing is paid before.
   */
  readonly entriesThrough: number;
}

export interface GreenFirstInput {
  readonly bids: readonly Bid[];
  /** Pricing rule and seller cap; mid-price without cap when omitted. */
  readonly rules?: ClearingRules;
  /** Live wallets by participant; a buyer with no wallet has no budget limit. */
  readonly wallets?: ReadonlyMap<string, Wallet>;
  /** What a trade between two participants pays the grid per Wh; omitted: nothing (no fee configured). */
  readonly charges?: (seller: string, buyer: string) => TradeCharges;
  /** Feeder and transformer limits of the period; omitted: none configured. */
  readonly capacity?: ClearingCapacity;
  /** To resume a clearing part-way (as the contract holds it); omitted for a fresh clearing. */
  readonly resume?: { readonly progress: ClearingProgress; readonly bids: readonly BidProgress[] };
}

export interface GreenFirstResult {
  /** Trades made by this run, in the order made. */
  readonly trades: readonly Trade[];
  readonly awardedWh: readonly bigint[];
  readonly voided: readonly boolean[];
  /** Bids entered by this run, in the order the contract must receive them. */
  readonly entries: readonly ClearingEntry[];
  readonly wallets: ReadonlyMap<string, Wallet>;
  /** Average price of the trades made by this run (the whole period's, for a fresh clearing). */
  readonly averagePrice: AveragePrice | null;
  /** Uniform pricing: each stage's price, for the stages that traded in this run. */
  readonly stagePrices: readonly StagePrice[];
  /** Trades of this run cut by a capacity limit, in the order made. */
  readonly capacityCuts: readonly CapacityCut[];
  /** Wh reserved per asset (`assetKey`) after this run, counting the resumed usage. */
  readonly capacityUsedWh: ReadonlyMap<string, bigint>;
}

export const FRESH_CLEARING: ClearingProgress = {
  stage: 'green',
  sellerCursor: 0,
  buyerCursor: 0,
  crossingOver: false,
};

/** The merit-order queues of a stage, as indices into `bids`. */
export function stageQueues(
  bids: readonly Bid[],
  stage: MatchingStage,
): { sellers: number[]; buyers: number[] } {
  const pick = (side: Bid['side']) =>
    bids.flatMap((bid, index) => (bid.side === side && (stage === 'all' || bid.green) ? [index] : []));
  const sellers = pick('sell').sort((a, b) => compareSellers(bids[a]!, bids[b]!));
  const buyers = pick('buy').sort((a, b) => compareBuyers(bids[a]!, bids[b]!));
  return { sellers, buyers };
}

export function clearGreenFirst(input: GreenFirstInput): GreenFirstResult {
  const { bids } = input;
  validateBids(bids);
  const resume = input.resume;
  if (resume !== undefined && resume.bids.length !== bids.length) {
    throw new MarketInputError('resume.bids', `has ${resume.bids.length} entries for ${bids.length} bids`);
  }
  const awardedWh = bids.map((_, i) => resume?.bids[i]?.awardedWh ?? 0n);
  const voided = bids.map((_, i) => resume?.bids[i]?.voided ?? false);
  const wallets = new Map(input.wallets ?? []);
  const trades: Trade[] = [];
  const entries: ClearingEntry[] = [];
  const remaining = (i: number): bigint => (voided[i] ? 0n : bids[i]!.quantityWh - awardedWh[i]!);

  const rules = input.rules ?? MID_PRICE_RULES;
  const uniform = rules.pricing === 'uniform';
  const stagePrices: StagePrice[] = [];
  const capacityUsedWh = new Map(input.capacity?.usedWh ?? []);
  const capacityCuts: CapacityCut[] = [];

  const chargesOf = (s: number, b: number): TradeCharges =>
    input.charges?.(bids[s]!.participant, bids[b]!.participant) ?? NO_CHARGES;

  const pay = (
    stage: MatchingStage,
    s: number,
    b: number,
    quantityWh: bigint,
    pricePerWh: bigint,
    charges: TradeCharges,
  ): void => {
    const seller = bids[s]!;
    const buyer = bids[b]!;
    const amount = quantityWh * pricePerWh;
    const wheelingFee = quantityWh * charges.wheelingPerWh;
    const levy = quantityWh * charges.levyPerWh;
    for (const [participant, delta] of [
      [buyer.participant, -(amount + wheelingFee + levy)],
      [seller.participant, amount],
    ] as const) {
      const wallet = wallets.get(participant);
      if (wallet !== undefined) wallets.set(participant, { ...wallet, balance: wallet.balance + delta });
    }
    trades.push({
      seller: seller.participant,
      buyer: buyer.participant,
      quantityWh,
      pricePerWh,
      amount,
      stage,
      ...(input.charges === undefined ? {} : { wheelingFee, levy }),
    });
  };

  const runStage = (stage: MatchingStage, from: ClearingProgress): void => {
    const { sellers, buyers } = stageQueues(bids, stage);
    let sellerCursor = from.sellerCursor;
    let buyerCursor = from.buyerCursor;
    let crossingOver = from.crossingOver;
    // Uniform pricing: the trades awaiting the stage's price, what the current buyer's awards in the
    // stage will cost at most, and the bounds read when the crossing ended.
    let pending: { s: number; b: number; quantityWh: bigint; charges: TradeCharges }[] = [];
    let buyerStageCost = 0n;
    let askBound: bigint | undefined;
    let bidBound: bigint | undefined;
    let awaitNextBid = false;
    const firstEntry = entries.length;

    const fixPrice = (): void => {
      const last = pending.at(-1)!;
      const lastAsk = bids[last.s]!.pricePerWh;
      const lastBid = bids[last.b]!.pricePerWh;
      const lowerPerWh = bidBound !== undefined && bidBound > lastAsk ? bidBound : lastAsk;
      const upperPerWh = askBound !== undefined && askBound < lastBid ? askBound : lastBid;
      const pricePerWh = (lowerPerWh + upperPerWh) / 2n;
      for (const p of pending) pay(stage, p.s, p.b, p.quantityWh, pricePerWh, p.charges);
      pending = [];
      stagePrices.push({
        stage,
        pricePerWh,
        lowerPerWh,
        upperPerWh,
        entriesThrough: entries.length - firstEntry,
      });
    };
    const enter = (queue: Queue, bid: number) => {
      entries.push({ stage, queue, bid });
      if (queue !== 'buyer') return;
      buyerStageCost = 0n;
      if (awaitNextBid) {
        awaitNextBid = false;
        bidBound = bids[bid]!.pricePerWh;
        fixPrice();
      }
    };
    const crossOver = (): void => {
      crossingOver = true;
      if (pending.length === 0) return;
      const seller = sellerCursor > 0 ? sellers[sellerCursor - 1]! : undefined;
      askBound = seller !== undefined && remaining(seller) > 0n ? bids[seller]!.pricePerWh : undefined;
      const buyer = buyerCursor > 0 ? buyers[buyerCursor - 1]! : undefined;
      if (buyer !== undefined && remaining(buyer) > 0n) {
        bidBound = bids[buyer]!.pricePerWh;
        fixPrice();
      } else if (buyerCursor < buyers.length) {
        awaitNextBid = true;
      } else {
        bidBound = undefined;
        fixPrice();
      }
    };
    const trade = (s: number, b: number): void => {
      let quantityWh = remaining(s) < remaining(b) ? remaining(s) : remaining(b);
      if (rules.sellerCapWh !== undefined && awardedWh[s]! + quantityWh > rules.sellerCapWh) {
        quantityWh = rules.sellerCapWh - awardedWh[s]!;
        voided[s] = true;
      }
      const seller = bids[s]!;
      const buyer = bids[b]!;
      // Mid-price: its floor, the half unit stays with the buyer. Uniform: the budget is checked at
      // the buyer's own bid, which the stage's price never exceeds.
      const pricePerWh = uniform ? buyer.pricePerWh : (seller.pricePerWh + buyer.pricePerWh) / 2n;
      const charges = chargesOf(s, b);
      const perWh = pricePerWh + charges.wheelingPerWh + charges.levyPerWh;
      const budget = spendable(wallets.get(buyer.participant));
      if (budget !== undefined) {
        const used = uniform ? buyerStageCost : 0n;
        const affordable = budget > used ? (budget - used) / perWh : 0n;
        if (quantityWh > affordable) {
          quantityWh = affordable;
          voided[b] = true;
        }
      }
      if (input.capacity !== undefined && quantityWh > 0n) {
        const reserved = reserveCapacity(
          input.capacity.limits,
          capacityUsedWh,
          seller.participant,
          buyer.participant,
          quantityWh,
        );
        quantityWh = reserved.grantedWh;
        if (reserved.cut !== undefined) {
          voided[reserved.cut.voids === 'seller' ? s : b] = true;
          const { limit, limitId } = reserved.cut;
          capacityCuts.push({
            seller: seller.participant,
            buyer: buyer.participant,
            limit,
            limitId,
            grantedWh: quantityWh,
          });
        }
      }
      if (quantityWh === 0n) return;
      awardedWh[s] = awardedWh[s]! + quantityWh;
      awardedWh[b] = awardedWh[b]! + quantityWh;
      if (uniform) {
        pending.push({ s, b, quantityWh, charges });
        buyerStageCost += quantityWh * perWh;
      } else {
        pay(stage, s, b, quantityWh, pricePerWh, charges);
      }
    };

    for (;;) {
      if (crossingOver) {
        while (sellerCursor < sellers.length) enter('seller', sellers[sellerCursor++]!);
        while (buyerCursor < buyers.length) enter('buyer', buyers[buyerCursor++]!);
        return;
      }
      const seller = sellerCursor > 0 ? sellers[sellerCursor - 1]! : undefined;
      if (seller === undefined || remaining(seller) === 0n) {
        if (sellerCursor === sellers.length) crossOver();
        else enter('seller', sellers[sellerCursor++]!);
        continue;
      }
      const buyer = buyerCursor > 0 ? buyers[buyerCursor - 1]! : undefined;
      if (buyer === undefined || remaining(buyer) === 0n) {
        if (buyerCursor === buyers.length) crossOver();
        else enter('buyer', buyers[buyerCursor++]!);
        continue;
      }
      if (bids[seller]!.pricePerWh > bids[buyer]!.pricePerWh) {
        crossOver();
        continue;
      }
      trade(seller, buyer);
    }
  };

  const start = resume?.progress ?? FRESH_CLEARING;
  if (start.stage === 'green') {
    runStage('green', start);
    runStage('all', FRESH_CLEARING);
  } else if (start.stage === 'all') {
    runStage('all', start);
  }
  return {
    trades,
    awardedWh,
    voided,
    entries,
    wallets,
    averagePrice: averagePriceOf(trades),
    stagePrices,
    capacityCuts,
    capacityUsedWh,
  };
}
