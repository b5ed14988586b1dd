/**
 * The market on the pure core, with the contracts' bookkeeping around it: debt taken before a
 * commit, admission at reveal, live wallets during clearing, imbalance and incentive movements with
 * debts at settlement. It clears with the platform's green-first auction, or with another mechanism
 * for comparison (mechanisms.ts). Participant i has registry id i + 1, as on a fresh chain, so that ties break
 * by the same rank. Every money movement goes through `book.move`, with the reason the token would
 * give it, so a book that keeps a journal keeps the same statement lines the chain emits.
 */
import { priceBoundRefusal } from '../core/priceBounds.ts';
import type { Wallet } from '../core/bid.ts';
import { settleWithGrid, type Movement } from '../core/ledger.ts';
import { settlePosition, type SettlementParameters } from '../core/settlement.ts';
import { marginFor, NEWCOMER, scoreSettlement, type ReputationRecord } from '../core/reputation.ts';
import { coreBidsOf } from './coreBids.ts';
import { clearWith, type Mechanism } from './mechanisms.ts';
import {
  NO_COST,
  type BidIntent,
  type Failure,
  type LedgerView,
  type ReadingIntent,
  type RevealedBid,
  type SettledParticipant,
  type SimulatedMarket,
  type Step,
} from './market.ts';
import { accountOf, GRID_ACCOUNT, memoryBook, type MarketBook } from './marketBook.ts';
import type { Scenario } from './scenario.ts';

const free = <T>(result: T): Step<T> => ({ result, cost: NO_COST });
/** The token records debt repayments under period 0, as it does deposits. */
const NO_PERIOD = 0;

/** Whether participant i's bid on `side` is a green one (green supply or green preference). */
export function greenBid(scenario: Scenario, i: number, side: 'sell' | 'buy'): boolean {
  const p = scenario.participants[i]!;
  return p.green && (p.kind === 'prosumer' || (side === 'sell') === (p.kind === 'producer'));
}

/** Opening balances: each participant's deposit and the grid's float. */
export const openingBalances = (scenario: Scenario): Map<string, bigint> =>
  new Map([
    ...scenario.participants.map((p, i) => [accountOf(i), p.deposit] as const),
    [GRID_ACCOUNT, scenario.gridFloat],
  ]);

export interface OffChainMarket extends SimulatedMarket {
  /** Places one bid in its own book transaction: debt taken first, refused while debt remains. */
  placeBid(period: number, bid: BidIntent): Failure | undefined;
  /** A participant's reputation record, as the contract keeps it. */
  reputationOf(participant: number): ReputationRecord;
}

export interface OffChainOptions {
  /** Where the records live (default: in memory). */
  readonly book?: MarketBook;
  /** Checks a bid before anything is written; throws to refuse it. */
  readonly checkBid?: (period: number, bid: BidIntent) => void;
  /** How periods clear (default: the platform's green-first auction). */
  readonly mechanism?: Mechanism;
  /** Weight of each settled period in a participant's reputation, ppm (default: the scenario's). */
  readonly reputationWeightPpm?: bigint;
}

export function offChainMarket(scenario: Scenario, options: OffChainOptions = {}): OffChainMarket {
  const book = options.book ?? memoryBook(openingBalances(scenario));
  const { market } = scenario;
  const mechanism =
    options.mechanism ?? (market.pricing === 'uniform' ? 'green-first-uniform' : 'green-first');
  const bounds = { floorPerWh: market.priceFloorPerWh, capPerWh: market.priceCapPerWh };
  const totalSupply = scenario.participants.reduce((s, p) => s + p.deposit, scenario.gridFloat);
  const rates: SettlementParameters = market;
  const balanceOf = (i: number) => book.balanceOf(accountOf(i));
  // Reputation, as the contract keeps it: each participant's record, and the score each bid of a
  // period still to settle carried from its commit (kept in memory: a restarted book starts afresh).
  const weightPpm = options.reputationWeightPpm ?? market.reputationWeightPpm;
  const reputations = new Map<number, ReputationRecord>();
  const reputationOf = (i: number) => reputations.get(i) ?? NEWCOMER;
  const carried = new Map<string, bigint>();
  const carriedOf = (period: number, i: number) => carried.get(`${period}:${i}`);
  const marginOf = (period: number, i: number) => marginFor(market.marginAmount, carriedOf(period, i));
  const withCarried = (period: number, i: number) => {
    const reputationPpm = carriedOf(period, i);
    return reputationPpm === undefined ? {} : { reputationPpm };
  };
  const payWithGrid = (
    period: number,
    who: string,
    amount: bigint,
    reason: 'imbalance' | 'incentive',
  ): void => {
    const before = {
      balances: new Map([
        [who, book.balanceOf(who)],
        [GRID_ACCOUNT, book.balanceOf(GRID_ACCOUNT)],
      ]),
      debts: new Map([[who, book.debtOf(who)]]),
    };
    const outcome = settleWithGrid(before, who, GRID_ACCOUNT, amount, reason);
    book.move(period, outcome.movements);
    if (outcome.debtIncurred > 0n) book.setDebt(who, book.debtOf(who) + outcome.debtIncurred);
  };
  const green = (i: number, side: 'sell' | 'buy') => greenBid(scenario, i, side);
  // The continuous market refuses with its own errors, and settles positions (fills), not bids.
  const continuous = options.mechanism === 'continuous';
  const refusal = {
    debt: continuous ? 'OrderInDebt' : 'MarketInDebt',
    margin: continuous ? 'OrderMarginNotCovered' : 'BidMarginNotCovered',
    budget: continuous ? 'OrderBudgetNotCovered' : 'BidBudgetNotCovered',
  };
  const placeBid = (period: number, bid: BidIntent): Failure | undefined => {
    options.checkBid?.(period, bid);
    return book.transaction(() => {
      const who = accountOf(bid.participant);
      const debt = book.debtOf(who);
      if (debt > 0n) {
        // The contract takes what the balance holds toward the debt before it accepts a commit.
        const balance = balanceOf(bid.participant);
        const paid = debt < balance ? debt : balance;
        if (paid > 0n)
          book.move(NO_PERIOD, [{ from: who, to: GRID_ACCOUNT, amount: paid, reason: 'debt-repayment' }]);
        book.setDebt(who, debt - paid);
        if (debt - paid > 0n) return { participant: bid.participant, action: 'commit', cause: refusal.debt };
      }
      book.placeBid(period, bid);
      if (weightPpm > 0n) carried.set(`${period}:${bid.participant}`, reputationOf(bid.participant).scorePpm);
      return undefined;
    });
  };

  return {
    placeBid,
    reputationOf,

    async commit(period, bids) {
      const failures: Failure[] = [];
      for (const bid of bids) {
        const failure = placeBid(period, bid);
        if (failure !== undefined) failures.push(failure);
      }
      return free(failures);
    },

    async reveal(period) {
      const failures: Failure[] = [];
      const list: RevealedBid[] = [];
      for (const bid of book.placedBids(period)) {
        // In the contract's order: the price's bounds, then the margin and the budget.
        const outOfBounds = priceBoundRefusal(bid.pricePerWh, bounds);
        if (outOfBounds !== undefined) {
          failures.push({ participant: bid.participant, action: 'reveal', cause: outOfBounds });
          continue;
        }
        const balance = balanceOf(bid.participant);
        const margin = marginOf(period, bid.participant);
        if (bid.side === 'sell' && balance < margin) {
          failures.push({ participant: bid.participant, action: 'reveal', cause: refusal.margin });
          continue;
        }
        const spendable = balance > margin ? balance - margin : 0n;
        if (bid.side === 'buy' && spendable < bid.quantityWh * bid.pricePerWh) {
          failures.push({ participant: bid.participant, action: 'reveal', cause: refusal.budget });
          continue;
        }
        list.push({
          participant: bid.participant,
          side: bid.side,
          green: green(bid.participant, bid.side),
          quantityWh: bid.quantityWh,
          pricePerWh: bid.pricePerWh,
          ...withCarried(period, bid.participant),
        });
      }
      book.transaction(() => book.recordRevealed(period, list));
      return free(failures);
    },

    async clear(period) {
      // The carried scores from memory: a book that keeps only the bids' figures still clears right.
      const list = book.revealed(period).map((b) => ({ ...b, ...withCarried(period, b.participant) }));
      const wallets = new Map<string, Wallet>();
      book
        .balances()
        .forEach((balance, i) => wallets.set(accountOf(i), { balance, margin: marginOf(period, i) }));
      const result = clearWith(mechanism, coreBidsOf(period, list), wallets, market.sellerShareCapBps);
      const trades = result.trades.map((t) => ({
        seller: Number(t.seller),
        buyer: Number(t.buyer),
        quantityWh: t.quantityWh,
        pricePerWh: t.pricePerWh,
        stage: t.stage,
      }));
      // Each trade is one movement from buyer to seller, as the contract makes it.
      const movements: Movement[] = result.trades.map((t) => ({
        from: t.buyer,
        to: t.seller,
        amount: t.amount,
        reason: 'trade',
      }));
      book.transaction(() => {
        book.move(period, movements);
        book.recordClearing(
          period,
          trades,
          new Map(list.map((b, i) => [b.participant, result.awardedWh[i]!])),
          result.averagePrice,
        );
      });
      return free({ revealed: list, trades, averagePrice: result.averagePrice });
    },

    async submitReadings(period, list: readonly ReadingIntent[]) {
      book.transaction(() => book.recordReadings(period, list));
      return free([]);
    },

    async settle(period) {
      const price = book.averagePrice(period) ?? { value: market.referencePricePerWh, quantityWh: 1n };
      const read = book.readings(period);
      const settled: SettledParticipant[] = [];
      book.transaction(() => {
        for (const bid of book.revealed(period)) {
          const actual = read.get(bid.participant);
          const awardedWh = book.awardedWh(period, bid.participant);
          // A continuous market settles a position (its fills, declared = awarded), as the contract.
          if (continuous && awardedWh === 0n) continue;
          const position = {
            side: bid.side,
            declaredWh: continuous ? awardedWh : bid.quantityWh,
            awardedWh,
            actualWh: actual ?? null,
          };
          const outcome = settlePosition(position, price, rates);
          if (weightPpm > 0n)
            reputations.set(
              bid.participant,
              scoreSettlement(reputationOf(bid.participant), BigInt(period), position, weightPpm),
            );
          carried.delete(`${period}:${bid.participant}`);
          const who = accountOf(bid.participant);
          payWithGrid(period, who, outcome.imbalanceAmount, 'imbalance');
          payWithGrid(period, who, outcome.incentiveNet, 'incentive');
          settled.push({
            participant: bid.participant,
            actualWh: actual ?? 0n,
            readingMissing: outcome.readingMissing,
            imbalanceWh: outcome.imbalanceWh,
            imbalanceAmount: outcome.imbalanceAmount,
            reward: outcome.reward,
            penalty: outcome.penalty,
          });
        }
        book.recordSettlements(period, settled);
      });
      return free(settled);
    },

    async ledger(): Promise<LedgerView> {
      return {
        balances: book.balances(),
        debts: scenario.participants.map((_, i) => book.debtOf(accountOf(i))),
        grid: book.balanceOf(GRID_ACCOUNT),
        totalSupply,
      };
    },
    async close() {},
  };
}
