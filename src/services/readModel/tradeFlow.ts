/**
 * Everything the ledger recorded about one trade, gathered for the seven-step residential flow:
 * both parties' registration and authorisation, their sealed and revealed bids, the match, the
 * payment that formed the contract, their meter readings and their settlements. Which step each
 * record belongs to, and what a step still waits for, is the API's business (it knows the clock).
 */
import type { Address, Hex } from 'viem';
import type { TokenReason } from '../../chain/periodRecords.ts';
import type { ReadModelDb } from '../indexer/schema.ts';
import { energySeries, type EnergyPoint } from './energy.ts';
import {
  participantBids,
  readingsWhere,
  type BidRecordView,
  type ReadingView,
} from './participantRecords.ts';
import { ordersWhere, type OrderView } from './orders.ts';
import { participantById } from './participants.ts';
import { tradesWhere, type TradeView } from './periods.ts';
import { at, PAYMENT_LOGS_BEFORE_MATCH, type ChainLocation } from './records.ts';
import { settlementsWhere, type SettlementView } from './settlements.ts';

export interface LoggedLocation extends ChainLocation {
  readonly logIndex: number;
}

export interface TokenMoveView extends LoggedLocation {
  readonly from: Address;
  readonly to: Address;
  readonly reason: TokenReason;
  readonly amount: bigint;
}

/** The party's bid in the trade's period, its commit and reveal located down to the log. */
export interface PartyBid extends Omit<BidRecordView, 'commit' | 'reveal'> {
  readonly commit: LoggedLocation;
  readonly reveal: LoggedLocation | null;
}

export interface TradePartyRecords {
  readonly participantId: number;
  readonly account: Address;
  readonly registration: LoggedLocation | null;
  /** The last authorisation at or before the party's commitment or order: what let it trade. */
  readonly authorisation: LoggedLocation | null;
  readonly bid: PartyBid | null;
  /** In the continuous market: the party's order the fill took from (maker) or filled (taker). */
  readonly order: OrderView | null;
  readonly reading: ReadingView | null;
  /** Declared, awarded and actual energy of the party's bid in the trade's period. */
  readonly energy: EnergyPoint | null;
  readonly settlement: SettlementView | null;
  /** The imbalance and incentive movements of the party's settlement transaction. */
  readonly settlementMoves: readonly TokenMoveView[];
}

export interface TradeFlowRecords {
  readonly trade: TradeView;
  /** The buyer's payment to the seller in the same transaction, just before the match. */
  readonly payment: TokenMoveView | null;
  readonly seller: TradePartyRecords;
  readonly buyer: TradePartyRecords;
}

interface LogRow {
  block_number: number;
  log_index: number;
  transaction_hash: string;
}

interface MoveRow extends LogRow {
  from_address: string;
  to_address: string;
  reason: TokenReason;
  amount: string;
}

const logged = (r: LogRow): LoggedLocation => ({ ...at(r), logIndex: r.log_index });

const moveFromRow = (r: MoveRow): TokenMoveView => ({
  ...logged(r),
  from: r.from_address as Address,
  to: r.to_address as Address,
  reason: r.reason,
  amount: BigInt(r.amount),
});

/** An indexed uint32 as the topic the raw log row stores (viem writes topics in lower case). */
const idTopic = (id: number): Hex => `0x${id.toString(16).padStart(64, '0')}`;

/**
 * The trade whose TradeMatched (sealed-bid market) or OrderFilled (continuous market) log is
 * `logIndex` of transaction `transactionHash`; null if none.
 */
export function tradeFlowRecords(
  db: ReadModelDb,
  transactionHash: Hex,
  logIndex: number,
): TradeFlowRecords | null {
  const trade = tradesWhere(
    db,
    'transaction_hash = ? AND log_index = ?',
    transactionHash.toLowerCase(),
    logIndex,
  )[0];
  if (trade === undefined) return null;
  const seller = partyRecords(db, trade, trade.sellerId);
  const buyer = partyRecords(db, trade, trade.buyerId);
  // The reason and the two accounts confirm the log found by position.
  const payment = db
    .prepare(
      "SELECT * FROM token_movements WHERE block_number = ? AND log_index = ? AND reason = 'trade' AND from_address = ? AND to_address = ?",
    )
    .get(trade.blockNumber, trade.logIndex - PAYMENT_LOGS_BEFORE_MATCH, buyer.account, seller.account) as
    MoveRow | undefined;
  return { trade, payment: payment === undefined ? null : moveFromRow(payment), seller, buyer };
}

function partyRecords(db: ReadModelDb, trade: TradeView, participantId: number): TradePartyRecords {
  const { period } = trade;
  const order =
    trade.makerOrderId === null
      ? null
      : (ordersWhere(
          db,
          'period = ? AND order_id IN (?, ?) AND participant_id = ?',
          period,
          trade.makerOrderId,
          trade.takerOrderId,
          participantId,
        )[0] ?? null);
  const participant = participantById(db, participantId);
  const account = (participant?.account ?? '0x') as Address;
  const record = participantBids(db, participantId, period, period)[0];
  // The bids table keeps where a bid was committed and revealed; the raw logs say which log it was.
  const logIndexIn = (location: ChainLocation, event: string) =>
    (
      db
        .prepare(
          "SELECT log_index FROM logs WHERE transaction_hash = ? AND event = ? AND json_extract(topics, '$[2]') = ?",
        )
        .get(location.transactionHash, event, idTopic(participantId)) as { log_index: number }
    ).log_index;
  const bid: PartyBid | null =
    record === undefined
      ? null
      : {
          ...record,
          commit: { ...record.commit, logIndex: logIndexIn(record.commit, 'BidCommitted') },
          reveal:
            record.reveal === null
              ? null
              : { ...record.reveal, logIndex: logIndexIn(record.reveal, 'BidRevealed') },
        };
  const registryLog = (event: string, atOrBefore: number) =>
    db
      .prepare(
        "SELECT block_number, log_index, transaction_hash FROM logs WHERE contract = 'registry' AND event = ? AND json_extract(topics, '$[1]') = ? AND block_number <= ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
      )
      .get(event, idTopic(participantId), atOrBefore) as LogRow | undefined;
  const registration = registryLog('ParticipantRegistered', Number.MAX_SAFE_INTEGER);
  const authorisation = registryLog(
    'ParticipantAuthorised',
    bid?.commit.blockNumber ?? order?.blockNumber ?? Number.MAX_SAFE_INTEGER,
  );
  const reading = readingsWhere(db, 'period = ? AND participant_id = ?', period, participantId)[0] ?? null;
  const settlement =
    settlementsWhere(
      db,
      's.period = ? AND s.participant_id = ? AND s.market = ?',
      period,
      participantId,
      trade.stage === 'continuous' ? 'continuous' : 'periodic',
    )[0] ?? null;
  const settlementMoves =
    settlement === null
      ? []
      : (
          db
            .prepare(
              "SELECT * FROM token_movements WHERE transaction_hash = ? AND period = ? AND reason IN ('imbalance', 'incentive') AND (from_address = ? OR to_address = ?) ORDER BY log_index",
            )
            .all(settlement.transactionHash, period, account, account) as MoveRow[]
        ).map(moveFromRow);
  return {
    participantId,
    account,
    registration: registration === undefined ? null : logged(registration),
    authorisation: authorisation === undefined ? null : logged(authorisation),
    bid,
    order,
    reading,
    energy: energySeries(db, participantId, period, period)[0] ?? null,
    settlement,
    settlementMoves,
  };
}
