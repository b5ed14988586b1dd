/**
 * Uniform-price clearing at the competitive equilibrium price (CEP), pay-as-clear.
 *
 * 1. Each buyer's quantity is first capped at what balance − margin pays at its own bid price, so
 *    that it can pay any price up to its bid (the clearing price never exceeds it).
 * 2. Sellers by ask ascending, buyers by bid descending (ties by rank) are paired in merit order
 *    while the ask ≤ the bid; this fixes who trades and how much.
 * 3. Every price P with L ≤ P ≤ U clears the market, where
 *      L = max(ask of the last matched seller, bid of the first buyer demand left unmatched)
 *      U = min(bid of the last matched buyer, ask of the first seller supply left unmatched);
 *    the clearing price is floor((L + U) / 2), and every trade is made at it.
 */
import { compareBuyers, compareSellers, spendable, validateBids, type Bid, type Wallet } from './bid.ts';
import { averagePriceOf, type AveragePrice, type Trade } from './trade.ts';
import { minBig } from './units.ts';

export interface UniformPriceInput {
  readonly bids: readonly Bid[];
  readonly wallets?: ReadonlyMap<string, Wallet>;
}

export interface UniformPriceResult {
  readonly trades: readonly Trade[];
  /** The clearing price in base units per Wh, or null when nothing trades. */
  readonly clearingPricePerWh: bigint | null;
  readonly awardedWh: readonly bigint[];
  readonly averagePrice: AveragePrice | null;
  readonly wallets: ReadonlyMap<string, Wallet>;
}

export function clearUniformPrice(input: UniformPriceInput): UniformPriceResult {
  const { bids } = input;
  validateBids(bids);
  const wallets = new Map(input.wallets ?? []);
  const remaining = bids.map((bid) => {
    if (bid.side === 'sell') return bid.quantityWh;
    const budget = spendable(wallets.get(bid.participant));
    return budget === undefined ? bid.quantityWh : minBig(bid.quantityWh, budget / bid.pricePerWh);
  });
  const awardedWh = bids.map(() => 0n);
  const sellers = bids
    .flatMap((b, i) => (b.side === 'sell' ? [i] : []))
    .sort((a, b) => compareSellers(bids[a]!, bids[b]!));
  const buyers = bids
    .flatMap((b, i) => (b.side === 'buy' ? [i] : []))
    .sort((a, b) => compareBuyers(bids[a]!, bids[b]!));

  const pairs: { seller: number; buyer: number; quantityWh: bigint }[] = [];
  let s = 0;
  let b = 0;
  for (;;) {
    while (s < sellers.length && remaining[sellers[s]!] === 0n) s++;
    while (b < buyers.length && remaining[buyers[b]!] === 0n) b++;
    if (s === sellers.length || b === buyers.length) break;
    const seller = sellers[s]!;
    const buyer = buyers[b]!;
    if (bids[seller]!.pricePerWh > bids[buyer]!.pricePerWh) break;
    const quantityWh = minBig(remaining[seller]!, remaining[buyer]!);
    remaining[seller] = remaining[seller]! - quantityWh;
    remaining[buyer] = remaining[buyer]! - quantityWh;
    awardedWh[seller] = awardedWh[seller]! + quantityWh;
    awardedWh[buyer] = awardedWh[buyer]! + quantityWh;
    pairs.push({ seller, buyer, quantityWh });
  }
  const last = pairs.at(-1);
  if (last === undefined) {
    return { trades: [], clearingPricePerWh: null, awardedWh, averagePrice: null, wallets };
  }
  // s and b now point at the first seller and buyer with unmatched quantity (if any).
  const lastAsk = bids[last.seller]!.pricePerWh;
  const lastBid = bids[last.buyer]!.pricePerWh;
  const nextAsk = s < sellers.length ? bids[sellers[s]!]!.pricePerWh : undefined;
  const nextBid = b < buyers.length ? bids[buyers[b]!]!.pricePerWh : undefined;
  const lower = nextBid !== undefined && nextBid > lastAsk ? nextBid : lastAsk;
  const upper = nextAsk !== undefined && nextAsk < lastBid ? nextAsk : lastBid;
  const clearingPricePerWh = (lower + upper) / 2n;

  const trades: Trade[] = pairs.map(({ seller, buyer, quantityWh }) => {
    const amount = quantityWh * clearingPricePerWh;
    for (const [participant, delta] of [
      [bids[buyer]!.participant, -amount],
      [bids[seller]!.participant, amount],
    ] as const) {
      const wallet = wallets.get(participant);
      if (wallet !== undefined) wallets.set(participant, { ...wallet, balance: wallet.balance + delta });
    }
    return {
      seller: bids[seller]!.participant,
      buyer: bids[buyer]!.participant,
      quantityWh,
      pricePerWh: clearingPricePerWh,
      amount,
      stage: 'uniform',
    };
  });
  return { trades, clearingPricePerWh, awardedWh, averagePrice: averagePriceOf(trades), wallets };
}
