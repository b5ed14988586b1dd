/**
 * The clearing mechanisms a simulated market can run, each on the pure core with the same revealed
 * bids and live wallets:
 * - `green-first`: the platform's periodic double auction (green stage, then all; each pair at the
 *   floor of its mid-price), as the contracts clear it by default;
 * - `green-first-uniform`: the same matching, with the contracts' uniform pricing rule: one
 *   pay-as-clear price per stage (green, all);
 * - `uniform-price`: one competitive-equilibrium price for every trade of the period (pay-as-clear),
 *   no green stage (the core only);
 * - `continuous`: a continuous double auction over the period's bids. The bids arrive one by one in
 *   the order of their rank (the keccak256 rotation the contracts use to break ties, so nobody chooses
 *   to come first) and each fills at the resting order's price; what is left at gate closure expires.
 */
import { clearGreenFirst, sellerShareCapWh } from '../core/greenFirstAuction.ts';
import { clearUniformPrice } from '../core/uniformPriceAuction.ts';
import { closeBook, openBook, placeOrder } from '../core/continuousAuction.ts';
import { averagePriceOf, type AveragePrice, type Trade } from '../core/trade.ts';
import type { Bid, Wallet } from '../core/bid.ts';

export const MECHANISMS = ['green-first', 'green-first-uniform', 'uniform-price', 'continuous'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export const MECHANISM_LABELS: Record<Mechanism, string> = {
  'green-first': 'green-first mid-price',
  'green-first-uniform': 'green-first uniform price',
  'uniform-price': 'uniform price (CEP), no green stage',
  continuous: 'continuous double auction',
};

export interface MechanismResult {
  /** Trades in the order they were made; a continuous fill's stage is 'continuous'. */
  readonly trades: readonly (Omit<Trade, 'stage'> & { readonly stage: Trade['stage'] | 'continuous' })[];
  /** Awarded Wh per bid, in the order of the bids given. */
  readonly awardedWh: readonly bigint[];
  readonly averagePrice: AveragePrice | null;
  /** The wallets after the trades' money moved. */
  readonly wallets: ReadonlyMap<string, Wallet>;
}

/**
 * Clears one period. The seller share cap (basis points of the period's revealed demand, 0: none)
 * applies to the green-first mechanisms, the ones the contracts run.
 */
export function clearWith(
  mechanism: Mechanism,
  bids: readonly Bid[],
  wallets: ReadonlyMap<string, Wallet>,
  sellerShareCapBps = 0,
): MechanismResult {
  const sellerCapWh = sellerShareCapWh(bids, sellerShareCapBps);
  const capped = sellerCapWh === undefined ? {} : { sellerCapWh };
  switch (mechanism) {
    case 'green-first':
      return clearGreenFirst({ bids, wallets, rules: { pricing: 'mid', ...capped } });
    case 'green-first-uniform':
      return clearGreenFirst({ bids, wallets, rules: { pricing: 'uniform', ...capped } });
    case 'uniform-price':
      return clearUniformPrice({ bids, wallets });
    case 'continuous':
      return clearContinuously(bids, wallets);
  }
}

function clearContinuously(bids: readonly Bid[], wallets: ReadonlyMap<string, Wallet>): MechanismResult {
  const margins = new Set([...wallets.values()].map((w) => w.margin));
  // Every participant of a market holds the same margin; the book takes one.
  const margin = [...margins][0] ?? 0n;
  const balances = new Map([...wallets].map(([who, w]) => [who, w.balance] as const));
  // The book's clock: all orders arrive before gate closure, in rank order.
  let book = openBook({ gateClosure: 1n, margin, balances });
  const arrival = bids.map((_, i) => i).sort((a, b) => (bids[a]!.rank < bids[b]!.rank ? -1 : 1));
  const indexOf = new Map(bids.map((b, i) => [b.participant, i] as const));
  const awardedWh = bids.map(() => 0n);
  const trades: MechanismResult['trades'][number][] = [];
  for (const i of arrival) {
    const bid = bids[i]!;
    const placed = placeOrder(book, {
      owner: bid.participant,
      side: bid.side,
      quantityWh: bid.quantityWh,
      pricePerWh: bid.pricePerWh,
      at: 0n,
    });
    book = placed.book;
    for (const fill of placed.fills) {
      for (const who of [fill.seller, fill.buyer]) {
        const at = indexOf.get(who)!;
        awardedWh[at] = awardedWh[at]! + fill.quantityWh;
      }
      trades.push({
        seller: fill.seller,
        buyer: fill.buyer,
        quantityWh: fill.quantityWh,
        pricePerWh: fill.pricePerWh,
        amount: fill.amount,
        stage: 'continuous',
      });
    }
  }
  book = closeBook(book, 1n).book;
  const after = new Map(
    [...wallets].map(([who, w]) => [who, { ...w, balance: book.balances!.get(who) ?? w.balance }] as const),
  );
  return { trades, awardedWh, averagePrice: averagePriceOf(trades), wallets: after };
}
