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

/** Opening balances: each participant's deposit and the grid's float. */
export const openingBalances = (scenario: Scenario): Map<string, bigint> =>
  new Map([
    ...scenario.participants.map((p, i) => [accountOf(i), p.deposit] as const),
    [GRID_ACCOUNT, scenario.gridFloat],
  ]);

export interface OffChainMarket extends SimulatedMarket {
  /** Places one bid in its own book transaction: debt taken first, refused while debt remains. */
  placeBid(period: number, bid: BidIntent): Failure | undefined;
}

export interface OffChainOptions {
  /** Where the records live (default: in memory). */
  readonly book?: MarketBook;
  /** Checks a bid before anything is written; throws to refuse it. */
  readonly checkBid?: (period: number, bid: BidIntent) => void;
  /** How periods clear (default: the platform's green-first auction). */
  readonly mechanism?: Mechanism;
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
  const green = (i: number, side: 'sell' | 'buy') => {
    const p = scenario.participants[i]!;
    return p.green && (p.kind === 'prosumer' || (side === 'sell') === (p.kind === 'producer'));
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
        if (debt - paid > 0n)
          return { participant: bid.participant, action: 'commit', cause: 'MarketInDebt' };
      }
      book.placeBid(period, bid);
      return undefined;
    });
  };

  return {
    placeBid,

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
        if (bid.side === 'sell' && balance < market.marginAmount) {
          failures.push({ participant: bid.participant, action: 'reveal', cause: 'BidMarginNotCovered' });
          continue;
        }
        const spendable = balance > market.marginAmount ? balance - market.marginAmount : 0n;
        if (bid.side === 'buy' && spendable < bid.quantityWh * bid.pricePerWh) {
          failures.push({ participant: bid.participant, action: 'reveal', cause: 'BidBudgetNotCovered' });
          continue;
        }
        list.push({
          participant: bid.participant,
          side: bid.side,
          green: green(bid.participant, bid.side),
          quantityWh: bid.quantityWh,
          pricePerWh: bid.pricePerWh,
        });
      }
      book.transaction(() => book.recordRevealed(period, list));
      return free(failures);
    },

    async clear(period) {
      const list = book.revealed(period);
      const wallets = new Map<string, Wallet>();
      book
        .balances()
        .forEach((balance, i) => wallets.set(accountOf(i), { balance, margin: market.marginAmount }));
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
          const outcome = settlePosition(
            {
              side: bid.side,
              declaredWh: bid.quantityWh,
              awardedWh: book.awardedWh(period, bid.participant),
              actualWh: actual ?? null,
            },
            price,
            rates,
          );
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
