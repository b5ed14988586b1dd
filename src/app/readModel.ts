/**
 * The read model as the API uses it: one object over the indexer's SQLite database, so routes never
 * write SQL. Records carry numbers for periods and blocks, bigint for amounts; the API formats them.
 */
import type { Address, Hex } from 'viem';
import type { ReadModelDb } from '../services/indexer/schema.ts';
import { energySeries } from '../services/readModel/energy.ts';
import { blockWithTransactions, listBlocks, transactionWithEvents } from '../services/readModel/explorer.ts';
import { listMeters } from '../services/readModel/meters.ts';
import { participantDebts, participantOrders, periodOrders } from '../services/readModel/orders.ts';
import { participantReadings } from '../services/readModel/participantRecords.ts';
import { listParticipants, participantById } from '../services/readModel/participants.ts';
import { periodDetail, periodSummaries } from '../services/readModel/periods.ts';
import { participantSettlements } from '../services/readModel/settlements.ts';
import { participantStatement } from '../services/readModel/statement.ts';
import { tradeFlowRecords } from '../services/readModel/tradeFlow.ts';

export function createReadModel(db: ReadModelDb) {
  return {
    participants: () => listParticipants(db),
    participant: (id: number) => participantById(db, id) ?? undefined,
    periodSummaries: (from: number, to: number) => periodSummaries(db, from, to),
    periodDetail: (period: number) => periodDetail(db, period),
    statement: (account: Address) => participantStatement(db, account),
    energySeries: (participantId: number, from: number, to: number) =>
      energySeries(db, participantId, from, to),
    settlementsOf: (participantId: number) => participantSettlements(db, participantId),
    readingsOf: (participantId: number) => participantReadings(db, participantId),
    /** The continuous market's orders of a period, or of a participant in [from, to]. */
    periodOrders: (period: number) => periodOrders(db, period),
    ordersOf: (participantId: number, from: number, to: number) =>
      participantOrders(db, participantId, from, to),
    debtsOf: (participantId: number) => participantDebts(db, participantId),
    tradeFlow: (transactionHash: Hex, logIndex: number) =>
      tradeFlowRecords(db, transactionHash, logIndex) ?? undefined,
    meters: () => listMeters(db),
    blocks: (before: number | undefined, limit: number) => listBlocks(db, { before, limit }),
    block: (number: number) => blockWithTransactions(db, number) ?? undefined,
    transaction: (hash: Hex) => transactionWithEvents(db, hash) ?? undefined,
  };
}

export type ReadModel = ReturnType<typeof createReadModel>;
export type { ParticipantView } from '../services/readModel/participants.ts';
export type { SettlementView } from '../services/readModel/settlements.ts';
export type { OrderView } from '../services/readModel/orders.ts';
export type { PeriodSummary as PeriodSummaryView } from '../services/readModel/periods.ts';
export type { BlockView, TransactionView } from '../services/readModel/explorer.ts';
export type { TradeFlowRecords, TradePartyRecords } from '../services/readModel/tradeFlow.ts';
export type { ChainLocation as Location } from '../services/readModel/records.ts';
