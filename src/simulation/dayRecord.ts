/** What a simulated day produced, period by period: the data every output is written from. */
import type { Side } from '../core/bid.ts';
import type { AveragePrice } from '../core/trade.ts';
import type { Failure, LedgerView, RevealedBid, SimTrade } from './market.ts';
import type { Scenario } from './scenario.ts';

export interface ParticipantPeriod {
  readonly participant: number;
  readonly side: Side;
  readonly declaredWh: bigint;
  readonly pricePerWh: bigint;
  readonly awardedWh: bigint;
  /** What the meter read in the bid's direction; null when the reading never arrived. */
  readonly actualWh: bigint | null;
  readonly imbalanceWh: bigint;
  /** Paid to the participant when positive, by it when negative. */
  readonly imbalanceAmount: bigint;
  readonly reward: bigint;
  readonly penalty: bigint;
  /** Trade money: received for sales, minus paid for purchases. */
  readonly tradeAmount: bigint;
}

export interface PeriodRecord {
  readonly period: number;
  readonly bids: readonly RevealedBid[];
  readonly trades: readonly SimTrade[];
  readonly averagePrice: AveragePrice | null;
  readonly participants: readonly ParticipantPeriod[];
  readonly failures: readonly Failure[];
  /** Balances by participant index once this period is settled. */
  readonly balances: readonly bigint[];
  readonly debts: readonly bigint[];
  readonly grid: bigint;
  readonly transactions: number;
  readonly gasUsed: bigint;
}

/** The runner's steps, each timed over the day (a market call and what it awaits). */
export type StepName = 'commit' | 'readings' | 'reveal' | 'clear' | 'settle' | 'ledger';

export interface DayResult {
  readonly scenario: Scenario;
  readonly mode: 'on-chain' | 'off-chain';
  /** Readings as meters read them (10 Wh registers, outages at boundaries), see metering.ts. */
  readonly meters: boolean;
  readonly periods: readonly PeriodRecord[];
  readonly opening: LedgerView;
  readonly closing: LedgerView;
  /** Wall time of the trading day (set-up such as enrolment excluded). */
  readonly wallMs: number;
  /** Wall time of the set-up: chain start, deployment, enrolment. */
  readonly setupMs: number;
  /** Wall time of the day by step: signing and relaying included, set-up excluded. */
  readonly stepMs: Readonly<Record<StepName, number>>;
  readonly transactions: number;
  readonly gasUsed: bigint;
}
