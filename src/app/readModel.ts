/**
 * What the API reads from the indexer's read model (SQLite, rebuilt from the chain at will). Amounts
 * are bigint base units and watt-hours; the API formats them.
 */
import type { Address, Hex } from 'viem';
import type { ParticipantKind } from '../chain/typedData.ts';
import type { Side } from '../core/bid.ts';

export interface Location {
  readonly transactionHash: Hex;
  readonly blockNumber: bigint;
}

export interface ParticipantView extends Location {
  readonly id: number;
  readonly name: string;
  readonly kind: ParticipantKind;
  readonly greenSupply: boolean;
  readonly greenPreference: boolean;
  readonly authorised: boolean;
  readonly account: Address;
  readonly meter: { readonly address: Address; readonly number: string } | null;
}

export interface PeriodSummaryView {
  readonly period: bigint;
  readonly stage: 'bidding' | 'green' | 'all' | 'cleared';
  readonly settled: boolean;
  readonly commitments: number;
  readonly revealed: number;
  readonly tradeCount: number;
  readonly tradedWh: bigint;
  /** value / quantityWh in base units per Wh; null with no trade. */
  readonly averagePrice: { readonly value: bigint; readonly quantityWh: bigint } | null;
}

export interface RevealedBidView extends Location {
  readonly participantId: number;
  readonly side: Side;
  readonly green: boolean;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
}

export interface TradeView extends Location {
  readonly logIndex: number;
  readonly sellerId: number;
  readonly buyerId: number;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  readonly stage: 'green' | 'all';
}

export interface SettlementView extends Location {
  readonly period: bigint;
  readonly participantId: number;
  readonly declaredWh: bigint;
  readonly awardedWh: bigint;
  readonly actualWh: bigint;
  readonly readingMissing: boolean;
  readonly imbalanceWh: bigint;
  readonly imbalanceAmount: bigint;
  readonly reward: bigint;
  readonly penalty: bigint;
}

export interface PeriodDetailView extends PeriodSummaryView {
  readonly bids: readonly RevealedBidView[];
  readonly trades: readonly TradeView[];
  readonly settlements: readonly SettlementView[];
}

export interface StatementLineView extends Location {
  readonly logIndex: number;
  readonly reason: string;
  /** Signed from the account's side. */
  readonly amount: bigint;
  readonly counterparty: Address;
  readonly period: bigint;
  readonly time: bigint;
}

export interface EnergyPointView {
  readonly period: bigint;
  readonly side: Side;
  readonly declaredWh: bigint;
  readonly awardedWh: bigint;
  readonly actualWh: bigint | null;
}

export interface ReadingView extends Location {
  readonly period: bigint;
  readonly meter: Address;
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

export interface MeterView {
  readonly participantId: number;
  readonly number: string;
  readonly address: Address;
  readonly lastPeriod: bigint | null;
}

export interface BlockView {
  readonly number: bigint;
  readonly hash: Hex;
  readonly timestamp: bigint;
  readonly transactionCount: number;
  readonly gasUsed: bigint;
}

export interface TransactionView {
  readonly hash: Hex;
  readonly blockNumber: bigint;
  readonly from: Address;
  readonly to: Address | null;
  readonly functionName: string | null;
  readonly gasUsed: bigint;
  readonly status: 'success' | 'reverted';
}

export interface TransactionDetailView extends TransactionView {
  readonly events: readonly { contract: string; name: string; logIndex: number; args: Record<string, unknown> }[];
}

export interface ReadModel {
  participants(): ParticipantView[];
  participant(id: number): ParticipantView | undefined;
  periodSummaries(from: bigint, to: bigint): PeriodSummaryView[];
  periodDetail(period: bigint): PeriodDetailView;
  statement(account: Address): StatementLineView[];
  energySeries(participantId: number, from: bigint, to: bigint): EnergyPointView[];
  settlementsOf(participantId: number): SettlementView[];
  readingsOf(participantId: number): ReadingView[];
  meters(): MeterView[];
  blocks(before: bigint | undefined, limit: number): BlockView[];
  block(number: bigint): (BlockView & { transactions: TransactionView[] }) | undefined;
  transaction(hash: Hex): TransactionDetailView | undefined;
  indexedBlock(): bigint;
}
