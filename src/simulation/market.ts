/**
 * What a simulated day needs from a market: the steps of one period, each done where its window
 * opens. Two implementations: the pure core with the contracts' bookkeeping (off chain) and the
 * contracts themselves (on chain). The day runner drives both the same way, so any difference in
 * their numbers is a difference between core and contracts.
 */
import type { Side } from '../core/bid.ts';
import type { Stage, AveragePrice } from '../core/trade.ts';

export interface BidIntent {
  /** Index of the participant in the scenario. */
  readonly participant: number;
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
}

export interface ReadingIntent {
  readonly participant: number;
  /** Energy in the bid's direction: exported by a seller, imported by a buyer. */
  readonly actualWh: bigint;
  readonly side: Side;
}

/** A message or transaction the market refused, with the contract's error name. */
export interface Failure {
  readonly participant: number;
  readonly action: 'commit' | 'reveal' | 'reading';
  readonly cause: string;
}

export interface SimTrade {
  readonly seller: number;
  readonly buyer: number;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** The clearing stage, or 'continuous' for a continuous double auction's fill. */
  readonly stage: Stage | 'continuous';
}

export interface RevealedBid {
  readonly participant: number;
  readonly side: Side;
  readonly green: boolean;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** The reputation the bid carries (its participant's score at commit), while reputation is on. */
  readonly reputationPpm?: bigint;
}

export interface ClearedPeriod {
  readonly revealed: readonly RevealedBid[];
  readonly trades: readonly SimTrade[];
  readonly averagePrice: AveragePrice | null;
}

export interface SettledParticipant {
  readonly participant: number;
  readonly actualWh: bigint;
  readonly readingMissing: boolean;
  readonly imbalanceWh: bigint;
  readonly imbalanceAmount: bigint;
  readonly reward: bigint;
  readonly penalty: bigint;
}

/** Transactions and gas a step cost (zero off chain). */
export interface Cost {
  readonly transactions: number;
  readonly gasUsed: bigint;
}

export interface Step<T> {
  readonly result: T;
  readonly cost: Cost;
}

export interface LedgerView {
  /** Balances by participant index. */
  readonly balances: readonly bigint[];
  readonly debts: readonly bigint[];
  readonly grid: bigint;
  readonly totalSupply: bigint;
}

export interface SimulatedMarket {
  /**
   * Optional: start work for a later `commit` / `submitReadings` of the very same intents (the
   * chain signs them on other threads meanwhile). The call itself still does the step.
   */
  prepareCommit?(period: number, bids: readonly BidIntent[]): void;
  prepareReadings?(period: number, readings: readonly ReadingIntent[]): void;
  commit(period: number, bids: readonly BidIntent[]): Promise<Step<readonly Failure[]>>;
  reveal(period: number): Promise<Step<readonly Failure[]>>;
  clear(period: number): Promise<Step<ClearedPeriod>>;
  submitReadings(period: number, readings: readonly ReadingIntent[]): Promise<Step<readonly Failure[]>>;
  settle(period: number): Promise<Step<readonly SettledParticipant[]>>;
  ledger(): Promise<LedgerView>;
  close(): Promise<void>;
}

export const NO_COST: Cost = { transactions: 0, gasUsed: 0n };
