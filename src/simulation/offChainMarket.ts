/**
 * The market on the pure core, with the contracts' bookkeeping around it: debt taken before a
 * commit, admission at reveal, live wallets during clearing, imbalance and incentive movements with
 * debts at settlement. It clears with the platform's green-first auction, or with another mechanism
 * for comparison (mechanisms.ts). Participant i has registry id i + 1, as on a fresh chain, so that ties break
 * by the same rank.
 */
import type { Wallet } from '../core/bid.ts';
import { settleWithGrid, type LedgerState } from '../core/ledger.ts';
import { settlePosition, type SettlementParameters } from '../core/settlement.ts';
import { coreBidsOf } from './coreBids.ts';
import { clearWith, type Mechanism } from './mechanisms.ts';
import {
  NO_COST,
  type BidIntent,
  type ClearedPeriod,
  type Failure,
  type LedgerView,
  type ReadingIntent,
  type RevealedBid,
  type SettledParticipant,
  type SimulatedMarket,
  type Step,
} from './market.ts';
import type { Scenario } from './scenario.ts';

const GRID = 'grid';
const key = (i: number) => String(i);
const free = <T>(result: T): Step<T> => ({ result, cost: NO_COST });

export function offChainMarket(scenario: Scenario, mechanism: Mechanism = 'green-first'): SimulatedMarket {
  const { market } = scenario;
  const n = scenario.participants.length;
  // Mutable here for speed; each settlement goes through the core's settleWithGrid on the two
  // wallets it touches.
  const balances = new Map<string, bigint>([
    ...scenario.participants.map((p, i) => [key(i), p.deposit] as const),
    [GRID, scenario.gridFloat],
  ]);
  const debts = new Map<string, bigint>();
  const totalSupply = scenario.participants.reduce((s, p) => s + p.deposit, scenario.gridFloat);
  const committed = new Map<number, BidIntent[]>();
  const revealed = new Map<number, RevealedBid[]>();
  const awarded = new Map<number, Map<number, bigint>>();
  const averages = new Map<number, ClearedPeriod['averagePrice']>();
  const readings = new Map<number, Map<number, bigint>>();
  const rates: SettlementParameters = market;
  const balanceOf = (i: number) => balances.get(key(i)) ?? 0n;
  const payWithGrid = (who: string, amount: bigint, reason: 'imbalance' | 'incentive') => {
    const before: LedgerState = {
      balances: new Map([
        [who, balances.get(who) ?? 0n],
        [GRID, balances.get(GRID) ?? 0n],
      ]),
      debts: new Map([[who, debts.get(who) ?? 0n]]),
    };
    const after = settleWithGrid(before, who, GRID, amount, reason).state;
    balances.set(who, after.balances.get(who)!);
    balances.set(GRID, after.balances.get(GRID)!);
    debts.set(who, after.debts.get(who) ?? 0n);
  };
  const green = (i: number, side: 'sell' | 'buy') => {
    const p = scenario.participants[i]!;
    return p.green && (p.kind === 'prosumer' || (side === 'sell') === (p.kind === 'producer'));
  };

  return {
    async commit(period, bids) {
      const failures: Failure[] = [];
      const accepted: BidIntent[] = [];
      for (const bid of bids) {
        const who = key(bid.participant);
        const debt = debts.get(who) ?? 0n;
        if (debt > 0n) {
          // The contract takes what the balance holds toward the debt before it accepts a commit.
          const paid = debt < balanceOf(bid.participant) ? debt : balanceOf(bid.participant);
          balances.set(who, balanceOf(bid.participant) - paid);
          balances.set(GRID, balances.get(GRID)! + paid);
          debts.set(who, debt - paid);
          if (debt - paid > 0n) {
            failures.push({ participant: bid.participant, action: 'commit', cause: 'MarketInDebt' });
            continue;
          }
        }
        accepted.push(bid);
      }
      committed.set(period, accepted);
      return free(failures);
    },

    async reveal(period) {
      const failures: Failure[] = [];
      const list: RevealedBid[] = [];
      for (const bid of committed.get(period) ?? []) {
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
      committed.delete(period);
      revealed.set(period, list);
      return free(failures);
    },

    async clear(period) {
      const list = revealed.get(period) ?? [];
      const wallets = new Map<string, Wallet>();
      for (let i = 0; i < n; i++) wallets.set(key(i), { balance: balanceOf(i), margin: market.marginAmount });
      const result = clearWith(mechanism, coreBidsOf(period, list), wallets);
      for (const [who, wallet] of result.wallets) balances.set(who, wallet.balance);
      awarded.set(period, new Map(list.map((b, i) => [b.participant, result.awardedWh[i]!])));
      averages.set(period, result.averagePrice);
      const trades = result.trades.map((t) => ({
        seller: Number(t.seller),
        buyer: Number(t.buyer),
        quantityWh: t.quantityWh,
        pricePerWh: t.pricePerWh,
        stage: t.stage,
      }));
      return free({ revealed: list, trades, averagePrice: result.averagePrice });
    },

    async submitReadings(period, list: readonly ReadingIntent[]) {
      readings.set(period, new Map(list.map((r) => [r.participant, r.actualWh])));
      return free([]);
    },

    async settle(period) {
      const price = averages.get(period) ?? { value: market.referencePricePerWh, quantityWh: 1n };
      const read = readings.get(period) ?? new Map<number, bigint>();
      const settled: SettledParticipant[] = [];
      for (const bid of revealed.get(period) ?? []) {
        const actual = read.get(bid.participant);
        const outcome = settlePosition(
          {
            side: bid.side,
            declaredWh: bid.quantityWh,
            awardedWh: awarded.get(period)?.get(bid.participant) ?? 0n,
            actualWh: actual ?? null,
          },
          price,
          rates,
        );
        const who = key(bid.participant);
        payWithGrid(who, outcome.imbalanceAmount, 'imbalance');
        payWithGrid(who, outcome.incentiveNet, 'incentive');
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
      revealed.delete(period);
      awarded.delete(period);
      readings.delete(period);
      return free(settled);
    },

    async ledger(): Promise<LedgerView> {
      return {
        balances: scenario.participants.map((_, i) => balanceOf(i)),
        debts: scenario.participants.map((_, i) => debts.get(key(i)) ?? 0n),
        grid: balances.get(GRID) ?? 0n,
        totalSupply,
      };
    },
    async close() {},
  };
}
