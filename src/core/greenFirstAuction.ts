/**
 * The green-first mid-price double auction (mechanism steps 2–5), written as the same state machine
 * the contract runs, so that a clearing can be split into batches, stopped and resumed anywhere, and
 * still give the same result to the last unit.
 *
 * Each stage walks two queues in merit order: sellers by ask ascending, buyers by bid descending
 * (ties by rank). A bid is "entered" when it becomes the current seller or buyer. While the best ask
 * ≤ the best bid they trade min(remaining) at the floor of the mid-price; once they no longer cross
 * (or a queue runs out) the rest of each queue is entered only to prove the order was complete.
 * The entry log is exactly the order in which the contract must be handed the bids.
 *
 * Budget cut: when the buyer's balance − margin cannot pay a trade, the trade is cut to the whole Wh
 * it can pay and the buyer leaves the market for this period (its remaining quantity is void).
 */
import { compareBuyers, compareSellers, spendable, validateBids, type Bid, type Wallet } from './bid.ts';
import { averagePriceOf, type AveragePrice, type Trade } from './trade.ts';
import { MarketInputError } from './errors.ts';

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

export interface GreenFirstInput {
  readonly bids: readonly Bid[];
  /** Live wallets by participant; a buyer with no wallet has no budget limit. */
  readonly wallets?: ReadonlyMap<string, Wallet>;
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

  const trade = (stage: MatchingStage, s: number, b: number): void => {
    const seller = bids[s]!;
    const buyer = bids[b]!;
    let quantityWh = remaining(s) < remaining(b) ? remaining(s) : remaining(b);
    // Floor of the mid-price: the half unit, if any, stays with the buyer.
    const pricePerWh = (seller.pricePerWh + buyer.pricePerWh) / 2n;
    const buyerWallet = wallets.get(buyer.participant);
    const budget = spendable(buyerWallet);
    if (budget !== undefined && quantityWh * pricePerWh > budget) {
      quantityWh = budget / pricePerWh;
      voided[b] = true;
    }
    if (quantityWh === 0n) return;
    const amount = quantityWh * pricePerWh;
    awardedWh[s] = awardedWh[s]! + quantityWh;
    awardedWh[b] = awardedWh[b]! + quantityWh;
    if (buyerWallet !== undefined) {
      wallets.set(buyer.participant, { ...buyerWallet, balance: buyerWallet.balance - amount });
    }
    const sellerWallet = wallets.get(seller.participant);
    if (sellerWallet !== undefined) {
      wallets.set(seller.participant, { ...sellerWallet, balance: sellerWallet.balance + amount });
    }
    trades.push({
      seller: seller.participant,
      buyer: buyer.participant,
      quantityWh,
      pricePerWh,
      amount,
      stage,
    });
  };

  const runStage = (stage: MatchingStage, from: ClearingProgress): void => {
    const { sellers, buyers } = stageQueues(bids, stage);
    let sellerCursor = from.sellerCursor;
    let buyerCursor = from.buyerCursor;
    let crossingOver = from.crossingOver;
    const enter = (queue: Queue, bid: number) => entries.push({ stage, queue, bid });
    for (;;) {
      if (crossingOver) {
        while (sellerCursor < sellers.length) enter('seller', sellers[sellerCursor++]!);
        while (buyerCursor < buyers.length) enter('buyer', buyers[buyerCursor++]!);
        return;
      }
      const seller = sellerCursor > 0 ? sellers[sellerCursor - 1]! : undefined;
      if (seller === undefined || remaining(seller) === 0n) {
        if (sellerCursor === sellers.length) crossingOver = true;
        else enter('seller', sellers[sellerCursor++]!);
        continue;
      }
      const buyer = buyerCursor > 0 ? buyers[buyerCursor - 1]! : undefined;
      if (buyer === undefined || remaining(buyer) === 0n) {
        if (buyerCursor === buyers.length) crossingOver = true;
        else enter('buyer', buyers[buyerCursor++]!);
        continue;
      }
      if (bids[seller]!.pricePerWh > bids[buyer]!.pricePerWh) {
        crossingOver = true;
        continue;
      }
      trade(stage, seller, buyer);
    }
  };

  const start = resume?.progress ?? FRESH_CLEARING;
  if (start.stage === 'green') {
    runStage('green', start);
    runStage('all', FRESH_CLEARING);
  } else if (start.stage === 'all') {
    runStage('all', start);
  }
  return { trades, awardedWh, voided, entries, wallets, averagePrice: averagePriceOf(trades) };
}
