/**
 * Clearing a period on chain: the merit order is computed off chain by the market core and handed to
 * the contract, which verifies it. The core's entry log is cut into transactions of at most
 * `maxEntriesPerTransaction` bids; a clearing interrupted anywhere (a crash, a refused batch) is
 * re-planned from what the contract holds, so it always finishes with the result of one pass.
 */
import type { Account, Hash } from 'viem';
import {
  clearGreenFirst,
  sellerShareCapWh,
  type BidProgress,
  type ClearingEntry,
  type ClearingProgress,
  type ClearingRules,
  type MatchingStage,
  type StagePrice,
} from '../core/greenFirstAuction.ts';
import type { Wallet } from '../core/bid.ts';
import { marginFor } from '../core/reputation.ts';
import { ContractRefusedError } from './errors.ts';
import { clearingCapacity, clearingCharges, openGridConnections } from './gridConnections.ts';
import { asCoreBids, revealedBids, type RevealedBid } from './periodRecords.ts';
import type { Platform } from './platform.ts';
import { execute, isTooLargeForOneTransaction } from './transactions.ts';
import { energyMarketAbi } from './generated/EnergyMarket.ts';
import { BID_FLAGS } from './typedData.ts';
import { PRICING_RULES } from './deploy.ts';

export const STAGES = ['bidding', 'green', 'all', 'cleared'] as const;
export type OnChainStage = (typeof STAGES)[number];

export interface ClearingStep {
  readonly sellers: readonly number[];
  readonly buyers: readonly number[];
}

export interface ClearingTransaction {
  readonly hash: Hash;
  readonly gasUsed: bigint;
  readonly entries: number;
}

export interface ClearingReport {
  readonly period: bigint;
  readonly transactions: readonly ClearingTransaction[];
  readonly alreadyCleared: boolean;
}

export interface ClearOptions {
  /** Bids handed over per transaction; keep each transaction under the 16.7 M gas cap. */
  readonly maxEntriesPerTransaction?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Cuts an entry log into transactions of steps; every stage still to run gets at least one step.
 * Under uniform pricing a stage's entries up to the one that fixes its price (`stagePrices`) go in
 * one step, in a transaction of their own if they do not fit in the current one, even when they are
 * more than `maxEntriesPerTransaction`: the contract pays nobody before the price is known.
 */
export function planClearingTransactions(
  entries: readonly ClearingEntry[],
  bidIds: readonly number[],
  fromStage: 'green' | 'all',
  maxEntriesPerTransaction: number,
  stagePrices: readonly Pick<StagePrice, 'stage' | 'entriesThrough'>[] = [],
): ClearingStep[][] {
  const stages = fromStage === 'green' ? (['green', 'all'] as const) : (['all'] as const);
  const together = (stage: MatchingStage) => stagePrices.find((p) => p.stage === stage)?.entriesThrough ?? 0;
  const transactions: ClearingStep[][] = [];
  let current: ClearingStep[] = [];
  let room = maxEntriesPerTransaction;
  for (const stage of stages) {
    const stageEntries = entries.filter((e) => e.stage === stage);
    let index = 0;
    do {
      const atLeast = index === 0 ? together(stage) : 0;
      if ((room === 0 || atLeast > room) && current.length > 0) {
        transactions.push(current);
        current = [];
        room = maxEntriesPerTransaction;
      }
      const chunk = stageEntries.slice(index, index + Math.max(room, atLeast));
      index += chunk.length;
      room = Math.max(0, room - chunk.length);
      current.push({
        sellers: chunk.filter((e) => e.queue === 'seller').map((e) => bidIds[e.bid]!),
        buyers: chunk.filter((e) => e.queue === 'buyer').map((e) => bidIds[e.bid]!),
      });
    } while (index < stageEntries.length);
  }
  transactions.push(current);
  return transactions;
}

interface OnChainClearingState {
  readonly stage: OnChainStage;
  readonly progress: ClearingProgress;
}

async function readClearingState(platform: Platform, period: bigint): Promise<OnChainClearingState> {
  const [book, totals] = await platform.read.market.read.periodState([period]);
  const stage = STAGES[totals.stage]!;
  return {
    stage,
    progress: {
      stage: stage === 'all' ? 'all' : stage === 'cleared' ? 'done' : 'green',
      sellerCursor: book.sellerCursor,
      buyerCursor: book.buyerCursor,
      crossingOver: totals.crossingOver,
    },
  };
}

async function buyerWallets(platform: Platform, bids: readonly RevealedBid[]): Promise<Map<string, Wallet>> {
  const { marginAmount } = await platform.read.market.read.parameters();
  const wallets = new Map<string, Wallet>();
  await Promise.all(
    bids
      .filter((b) => b.side === 'buy')
      .map(async (b) => {
        const { account } = await platform.read.registry.read.profile([b.participantId]);
        const balance = await platform.read.token.read.balanceOf([account]);
        wallets.set(String(b.participantId), { balance, margin: marginFor(marginAmount, b.reputationPpm) });
      }),
  );
  return wallets;
}

async function bidProgress(
  platform: Platform,
  period: bigint,
  bids: readonly RevealedBid[],
): Promise<BidProgress[]> {
  return await Promise.all(
    bids.map(async (b) => {
      const slot = await platform.read.market.read.bidOf([b.participantId, period]);
      return { awardedWh: BigInt(slot.awardedWh), voided: (slot.flags & BID_FLAGS.voided) !== 0 };
    }),
  );
}

/**
 * The pricing rule and seller cap a period clears under: fixed by the contract when its clearing
 * starts, until then the rule of its period and the share cap in force.
 */
export async function clearingRules(
  platform: Platform,
  period: bigint,
  bids: readonly RevealedBid[],
): Promise<ClearingRules> {
  const [, totals] = await platform.read.market.read.periodState([period]);
  const started = STAGES[totals.stage] !== 'bidding';
  const uniform = started
    ? totals.uniform
    : (await platform.read.market.read.pricingOf([period])) === PRICING_RULES.indexOf('uniform');
  const bps = started
    ? totals.sellerShareCapBps
    : (await platform.read.market.read.parameters()).sellerShareCapBps;
  const sellerCapWh = sellerShareCapWh(asCoreBids(period, bids), bps);
  return { pricing: uniform ? 'uniform' : 'mid', ...(sellerCapWh === undefined ? {} : { sellerCapWh }) };
}

/** Plans the rest of a period's clearing from the chain's current state. */
export async function planClearing(platform: Platform, period: bigint, maxEntriesPerTransaction: number) {
  const state = await readClearingState(platform, period);
  if (state.stage === 'cleared') return { state, transactions: [] as ClearingStep[][] };
  const bids = await revealedBids(platform, period);
  const resuming = state.stage !== 'bidding';
  const grid = openGridConnections(platform.connection, platform.deployment);
  const ids = bids.map((b) => b.participantId);
  const result = clearGreenFirst({
    bids: asCoreBids(period, bids),
    rules: await clearingRules(platform, period, bids),
    wallets: await buyerWallets(platform, bids),
    charges: await clearingCharges(grid, ids),
    capacity: await clearingCapacity(grid, platform.deployment.market, period, ids),
    resume: resuming
      ? { progress: state.progress, bids: await bidProgress(platform, period, bids) }
      : undefined,
  });
  const fromStage = state.stage === 'all' ? 'all' : 'green';
  return {
    state,
    transactions: planClearingTransactions(
      result.entries,
      ids,
      fromStage,
      maxEntriesPerTransaction,
      result.stagePrices,
    ),
  };
}

export async function clearPeriodOnChain(
  platform: Platform,
  keeper: Account,
  period: bigint,
  options: ClearOptions = {},
): Promise<ClearingReport> {
  let maxEntries = options.maxEntriesPerTransaction ?? 400;
  const sent: ClearingTransaction[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const { state, transactions } = await planClearing(platform, period, maxEntries);
    if (state.stage === 'cleared') return { period, transactions: sent, alreadyCleared: sent.length === 0 };
    try {
      for (const [index, steps] of transactions.entries()) {
        const entries = steps.reduce((n, s) => n + s.sellers.length + s.buyers.length, 0);
        const receipt = await execute(
          platform.connection,
          keeper,
          {
            address: platform.deployment.market,
            abi: energyMarketAbi,
            functionName: 'clear',
            args: [period, steps.map((s) => ({ sellers: [...s.sellers], buyers: [...s.buyers] }))],
          },
          `clear period ${period}`,
        );
        sent.push({ hash: receipt.transactionHash, gasUsed: receipt.gasUsed, entries });
        options.onProgress?.(index + 1, transactions.length);
      }
    } catch (error) {
      // The chain moved under the plan (a deposit changed a budget, another keeper cleared part):
      // plan again from what the contract holds. A batch too large for the gas cap: halve it.
      if (error instanceof ContractRefusedError && error.errorName === 'ClearingBatchMisaligned') continue;
      if (error instanceof ContractRefusedError && error.errorName === 'ClearingAlreadyDone') continue;
      if (isTooLargeForOneTransaction(error) && maxEntries > 1) {
        maxEntries = Math.max(1, Math.floor(maxEntries / 2));
        continue;
      }
      throw error;
    }
  }
  throw new Error(`clearing period ${period} did not finish after 20 plans`);
}
