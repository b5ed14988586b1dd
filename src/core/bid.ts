import { MarketInputError } from './errors.ts';
import { checkScore } from './reputation.ts';

export type Side = 'sell' | 'buy';

/**
 * One participant's bid for one delivery period. A participant has at most one bid per period
 * (a prosumer bids its net position, on one side).
 */
export interface Bid {
  readonly participant: string;
  readonly side: Side;
  /** A green producer (wind, PV, small hydro), or a green-preferring consumer. */
  readonly green: boolean;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /**
   * Tie-break at equal price: the lower rank goes first. Unique within a period. On chain it is
   * keccak256(period, participant id), a fair rotation nobody can choose; from a file it is the
   * bid's position.
   */
  readonly rank: bigint;
  /**
   * The reputation the bid carries (ppm, see reputation.ts): its participant's score when it
   * committed, if reputation was on. At equal price the higher goes first, a bid carrying none last.
   */
  readonly reputationPpm?: bigint;
}

/** What a buyer can spend: trades are cut so that balance − margin covers them. */
export interface Wallet {
  readonly balance: bigint;
  readonly margin: bigint;
}

export const spendable = (wallet: Wallet | undefined): bigint | undefined =>
  wallet === undefined ? undefined : wallet.balance > wallet.margin ? wallet.balance - wallet.margin : 0n;

/** Sellers: cheapest ask first, then higher reputation, then lower rank. */
export function compareSellers(a: Bid, b: Bid): number {
  if (a.pricePerWh !== b.pricePerWh) return a.pricePerWh < b.pricePerWh ? -1 : 1;
  return compareAtEqualPrice(a, b);
}

/** Buyers: highest bid first, then higher reputation, then lower rank. */
export function compareBuyers(a: Bid, b: Bid): number {
  if (a.pricePerWh !== b.pricePerWh) return a.pricePerWh > b.pricePerWh ? -1 : 1;
  return compareAtEqualPrice(a, b);
}

/** A bid's place at equal price: its reputation + 1, or 0 when it carries none (as the contract keeps it). */
const priority = (bid: Bid): bigint => (bid.reputationPpm === undefined ? 0n : bid.reputationPpm + 1n);

function compareAtEqualPrice(a: Bid, b: Bid): number {
  const pa = priority(a);
  const pb = priority(b);
  if (pa !== pb) return pa > pb ? -1 : 1;
  return a.rank === b.rank ? 0 : a.rank < b.rank ? -1 : 1;
}

/** Refuses bid sets that no clearing could treat fairly: duplicates, zero amounts, equal ranks. */
export function validateBids(bids: readonly Bid[], field = 'bids'): void {
  const participants = new Set<string>();
  const ranks = new Set<bigint>();
  bids.forEach((bid, index) => {
    const at = `${field}[${index}]`;
    if (bid.side !== 'sell' && bid.side !== 'buy') {
      throw new MarketInputError(`${at}.side`, `must be "sell" or "buy", got ${JSON.stringify(bid.side)}`);
    }
    if (bid.quantityWh <= 0n) throw new MarketInputError(`${at}.quantity`, 'must be greater than zero');
    if (bid.pricePerWh <= 0n) throw new MarketInputError(`${at}.price`, 'must be greater than zero');
    if (participants.has(bid.participant)) {
      throw new MarketInputError(
        `${at}.participant`,
        `"${bid.participant}" already has a bid in this period (one bid per participant; a prosumer bids its net position)`,
      );
    }
    if (bid.reputationPpm !== undefined) checkScore(bid.reputationPpm, `${at}.reputation`);
    if (ranks.has(bid.rank))
      throw new MarketInputError(`${at}.rank`, 'two bids share the same tie-break rank');
    participants.add(bid.participant);
    ranks.add(bid.rank);
  });
}
