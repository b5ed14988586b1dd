/**
 * The steps of a simulated period on the continuous market contract, in place of the sealed-bid
 * ones: at the commit window the keeper collects what debtors hold toward their debts (a debtor's
 * order would be refused); at the reveal window the relayer places the period's signed orders in
 * rank order (the arrival order the off-chain run assumes), each with the insertion hint the core
 * computes, and leaves out, naming the contract's error, the orders the core refuses (a batch is all
 * or nothing); at gate closure what rests expires; the meters' signed readings go to the continuous
 * market; after the reading deadline every position is settled. Results are read from the
 * contract's events.
 */
import type { LocalAccount } from 'viem';
import { placeOrder, type ContinuousBook } from '../core/continuousAuction.ts';
import { MarketRuleError, type WattLedgerError } from '../core/errors.ts';
import { periodWindows } from '../core/periodClock.ts';
import type { SignedReading } from '../chain/bidding.ts';
import {
  continuousOutcome,
  expireContinuousOrders,
  openContinuousMarket,
  readBook,
  type ContinuousOutcome,
} from '../chain/continuousMarket.ts';
import { placeSignedOrders, signOrder, type SignedOrder } from '../chain/continuousMarketSigning.ts';
import { continuousSettlementOutcome, submitContinuousReadings } from '../chain/continuousSettlement.ts';
import { continuousMarketAbi } from '../chain/generated/ContinuousMarket.ts';
import type { TestPlatform } from '../chain/testing/testPlatform.ts';
import { execute } from '../chain/transactions.ts';
import { coreBidsOf } from './coreBids.ts';
import type {
  BidIntent,
  ClearedPeriod,
  Cost,
  Failure,
  ReadingIntent,
  RevealedBid,
  SettledParticipant,
  SimulatedMarket,
  SimTrade,
  Step,
} from './market.ts';
import { greenBid } from './offChainMarket.ts';
import type { Scenario } from './scenario.ts';

/** Orders per relayed transaction: a placement with a few fills costs about 60–120 k gas. */
const ORDER_BATCH = 100;
const READING_BATCH = 200;
/** Positions settled per transaction (about 40 k gas each). */
const SETTLE_BATCH = 300;

/** The contract's custom error for a refusal the core predicts (ORDER_BUDGET_NOT_COVERED → OrderBudgetNotCovered). */
const contractErrorOf = (error: WattLedgerError): string =>
  error.code
    .toLowerCase()
    .split('_')
    .map((w) => `${w[0]!.toUpperCase()}${w.slice(1)}`)
    .join('');

export interface ContinuousContext {
  readonly t: TestPlatform;
  readonly scenario: Scenario;
  /** Participant i's account (registry id i + 1). */
  readonly accounts: readonly LocalAccount[];
  readonly signReadings: (period: number, readings: readonly ReadingIntent[]) => Promise<SignedReading[]>;
  /** With `--meters`: the gateway reads the virtual meters and relays their readings here. */
  readonly readMeters?: (period: number) => Promise<Step<readonly Failure[]>>;
  /** The debts the runner follows, by participant index. */
  readonly debts: () => Promise<readonly bigint[]>;
}

type Steps = Pick<SimulatedMarket, 'commit' | 'reveal' | 'clear' | 'submitReadings' | 'settle'>;

export function continuousSteps(ctx: ContinuousContext): Steps {
  const { t, scenario, accounts } = ctx;
  const { clock, keeper } = t;
  const market = openContinuousMarket(t.connection, t.platform.deployment.continuousMarket!);
  const nonces = accounts.map(() => 0n);
  const intents = new Map<number, BidIntent[]>();
  const placed = new Map<number, { revealed: RevealedBid[]; outcomes: ContinuousOutcome[] }>();
  const positions = new Map<number, number[]>();
  const windows = (period: number) => periodWindows(t.schedule, BigInt(period));
  const costOf = (receipts: readonly { gasUsed: bigint }[]): Cost => ({
    transactions: receipts.length,
    gasUsed: receipts.reduce((s, r) => s + r.gasUsed, 0n),
  });

  return {
    async commit(period, bids) {
      await clock.advanceTo(windows(period).commitOpens);
      const debts = await ctx.debts();
      const receipts: { gasUsed: bigint }[] = [];
      const failures: Failure[] = [];
      const kept: BidIntent[] = [];
      for (const bid of bids) {
        const id = bid.participant + 1;
        if (debts[bid.participant]! > 0n) {
          receipts.push(
            await execute(
              t.connection,
              keeper,
              { address: market.address, abi: continuousMarketAbi, functionName: 'repayDebt', args: [id] },
              `repay the debt of participant ${id}`,
            ),
          );
          if ((await market.read.read.debtOf([id])) > 0n) {
            failures.push({ participant: bid.participant, action: 'commit', cause: 'OrderInDebt' });
            continue;
          }
        }
        kept.push(bid);
      }
      intents.set(period, kept);
      return { result: failures, cost: costOf(receipts) };
    },

    async reveal(period) {
      await clock.advanceTo(windows(period).commitCloses);
      const bids = intents.get(period) ?? [];
      intents.delete(period);
      const revealed = bids.map((b) => ({ ...b, green: greenBid(scenario, b.participant, b.side) }));
      let book: ContinuousBook = await readBook(
        market,
        BigInt(period),
        bids.map((b) => b.participant + 1),
      );
      const at = (await clock.now()) + 1n;
      const ranked = coreBidsOf(period, revealed)
        .map((bid, i) => ({ bid, i }))
        .sort((a, b) => (a.bid.rank < b.bid.rank ? -1 : 1));
      const failures: Failure[] = [];
      const accepted = new Set<number>();
      const orders: SignedOrder[] = [];
      const hints: number[] = [];
      for (const { i } of ranked) {
        const b = revealed[i]!;
        const id = b.participant + 1;
        const order = {
          period: BigInt(period),
          side: b.side,
          quantityWh: b.quantityWh,
          pricePerWh: b.pricePerWh,
        };
        try {
          const result = placeOrder(book, { owner: String(id), at, ...order });
          book = result.book;
          hints.push(result.restsAfter);
        } catch (error) {
          if (!(error instanceof MarketRuleError)) throw error;
          failures.push({ participant: b.participant, action: 'reveal', cause: contractErrorOf(error) });
          continue;
        }
        orders.push(await signOrder(market, accounts[b.participant]!, id, order, nonces[b.participant]!));
        nonces[b.participant]! += 1n;
        accepted.add(i);
      }
      const receipts = [];
      for (let k = 0; k < orders.length; k += ORDER_BATCH) {
        receipts.push(
          await placeSignedOrders(
            market,
            t.accounts.relayer,
            orders.slice(k, k + ORDER_BATCH),
            hints.slice(k, k + ORDER_BATCH),
          ),
        );
      }
      // The failures in the order the off-chain run reports them: by bid.
      failures.sort((a, b) => a.participant - b.participant);
      placed.set(period, {
        revealed: revealed.filter((_, i) => accepted.has(i)),
        outcomes: receipts.map(continuousOutcome),
      });
      return { result: failures, cost: costOf(receipts) };
    },

    async clear(period): Promise<Step<ClearedPeriod>> {
      const { revealed, outcomes } = placed.get(period) ?? { revealed: [], outcomes: [] };
      placed.delete(period);
      await clock.advanceTo(await market.read.read.gateClosure([BigInt(period)]));
      const expiry = await expireContinuousOrders(market, keeper, BigInt(period));
      const trades: SimTrade[] = outcomes
        .flatMap((o) => o.fills)
        .map((f) => ({
          seller: f.sellerId - 1,
          buyer: f.buyerId - 1,
          quantityWh: f.quantityWh,
          pricePerWh: f.pricePerWh,
          stage: 'continuous',
        }));
      const traders = new Set(trades.flatMap((x) => [x.seller, x.buyer]));
      positions.set(
        period,
        revealed.filter((b) => traders.has(b.participant)).map((b) => b.participant + 1),
      );
      const quantityWh = trades.reduce((s, x) => s + x.quantityWh, 0n);
      const value = trades.reduce((s, x) => s + x.quantityWh * x.pricePerWh, 0n);
      return {
        result: {
          revealed: revealed.map(({ participant, side, green, quantityWh: q, pricePerWh }) => ({
            participant,
            side,
            green,
            quantityWh: q,
            pricePerWh,
          })),
          trades,
          averagePrice: quantityWh === 0n ? null : { value, quantityWh },
        },
        cost: costOf(expiry === null ? [] : [expiry]),
      };
    },

    async submitReadings(period, readings) {
      await clock.advanceTo(windows(period).deliveryEnds);
      // The meters say what happened; the runner's intents (the same model) are not sent.
      if (ctx.readMeters !== undefined) return await ctx.readMeters(period);
      const signed = await ctx.signReadings(period, readings);
      const receipts = [];
      for (let k = 0; k < signed.length; k += READING_BATCH) {
        receipts.push(
          await submitContinuousReadings(market, t.accounts.relayer, signed.slice(k, k + READING_BATCH)),
        );
      }
      return { result: [], cost: costOf(receipts) };
    },

    async settle(period): Promise<Step<readonly SettledParticipant[]>> {
      await clock.advanceTo(windows(period).readingDeadline);
      const ids = positions.get(period) ?? [];
      positions.delete(period);
      const receipts = [];
      for (let k = 0; k < ids.length; k += SETTLE_BATCH) {
        receipts.push(
          await execute(
            t.connection,
            keeper,
            {
              address: market.address,
              abi: continuousMarketAbi,
              functionName: 'settle',
              args: [BigInt(period), ids.slice(k, k + SETTLE_BATCH)],
            },
            `settle period ${period} of the continuous market`,
          ),
        );
      }
      const settled = receipts
        .flatMap((r) => continuousSettlementOutcome(r).settled)
        .map(({ participantId, ...rest }) => ({ participant: participantId - 1, ...rest }));
      return { result: settled, cost: costOf(receipts) };
    },
  };
}
