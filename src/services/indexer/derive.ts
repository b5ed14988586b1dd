/**
 * Derived tables from decoded events. Each event is applied exactly once: the indexer calls this only
 * when the raw log row was new, and in chain order, so updates (authorised, stage, an order's
 * remainder and status) end in the chain's final state. The sealed-bid and the continuous market
 * emit ReadingRecorded, ParticipantSettled and Debt* alike; settlements and debts say which market.
 */
import type { Address, Hex } from 'viem';
import { TOKEN_REASONS } from '../../chain/periodRecords.ts';
import type { DecodedEvent } from './contractAbis.ts';
import type { ReadModelDb } from './schema.ts';

export interface LogLocation {
  readonly blockNumber: number;
  readonly logIndex: number;
  readonly transactionHash: Hex;
}

/** What one batch changed, for live updates. */
export interface IndexedChanges {
  readonly fromBlock: number;
  readonly toBlock: number;
  /** Blocks newly indexed, ascending. */
  readonly blocks: readonly number[];
  /** Periods whose stage or settled flag changed, with their state after the batch. */
  readonly periods: readonly { period: number; stage: PeriodStage; settled: boolean }[];
  /** Periods whose count of sealed bids grew, with the count after the batch. */
  readonly commitments: readonly { period: number; commitments: number }[];
  /** Periods whose continuous order book changed (an order placed, filled, cancelled, expired, voided). */
  readonly books: readonly number[];
  readonly trades: number;
}

export const PERIOD_STAGES = ['bidding', 'green', 'all', 'cleared'] as const;
export type PeriodStage = (typeof PERIOD_STAGES)[number];
const KINDS = ['producer', 'consumer', 'prosumer'] as const;

export interface ChangeTracker {
  periods: Set<number>;
  commitments: Set<number>;
  books: Set<number>;
  trades: number;
}

/** Why an order of the continuous market left its book (or 'open' while it rests). */
export const ORDER_STATUSES = ['open', 'filled', 'cancelled', 'expired', 'voided', 'cut'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The contract that recorded a settlement or debt: the sealed-bid market or the continuous one. */
export type MarketName = 'periodic' | 'continuous';

const num = (value: unknown) => Number(value as bigint | number);
const text = (value: unknown) => (value as bigint).toString();

export function derivations(db: ReadModelDb) {
  const s = {
    ensurePeriod: db.prepare("INSERT OR IGNORE INTO periods (period, stage) VALUES (?, 'bidding')"),
    stageOf: db.prepare('SELECT stage FROM periods WHERE period = ?'),
    setStage: db.prepare('UPDATE periods SET stage = ? WHERE period = ?'),
    cleared: db.prepare(
      "UPDATE periods SET stage = 'cleared', trade_count = ?, traded_wh = ?, traded_value = ?, cleared_transaction_hash = ?, cleared_block_number = ? WHERE period = ?",
    ),
    settled: db.prepare(
      'UPDATE periods SET settled = 1, settled_transaction_hash = ?, settled_block_number = ? WHERE period = ?',
    ),
    participant: db.prepare(
      'INSERT INTO participants (id, account, name, kind, green_supply, green_preference, authorised, transaction_hash, block_number) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)',
    ),
    authorised: db.prepare('UPDATE participants SET authorised = ? WHERE id = ?'),
    meter: db.prepare('UPDATE participants SET meter_address = ?, meter_number = ? WHERE id = ?'),
    commit: db.prepare(
      'INSERT INTO bids (period, participant_id, commitment, commit_transaction_hash, commit_block_number) VALUES (?, ?, ?, ?, ?)',
    ),
    reveal: db.prepare(
      'UPDATE bids SET side = ?, green = ?, quantity_wh = ?, price_per_wh = ?, reveal_transaction_hash = ?, reveal_block_number = ?, reveal_log_index = ? WHERE period = ? AND participant_id = ?',
    ),
    trade: db.prepare('INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    reading: db.prepare('INSERT OR IGNORE INTO readings VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    settlement: db.prepare('INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    order: db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    remaining: db.prepare('UPDATE orders SET remaining_wh = ? WHERE period = ? AND order_id = ?'),
    remainingOf: db.prepare('SELECT remaining_wh FROM orders WHERE period = ? AND order_id = ?'),
    orderClosed: db.prepare(
      "UPDATE orders SET status = ?, remaining_wh = '0', closed_transaction_hash = ?, closed_block_number = ?, closed_log_index = ? WHERE period = ? AND order_id = ?",
    ),
    debt: db.prepare('INSERT INTO debts VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    movement: db.prepare('INSERT INTO token_movements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
  };

  /** Moves a period's stage forward only: a stage never goes back. */
  const advanceStage = (period: number, stage: PeriodStage, changes: ChangeTracker) => {
    s.ensurePeriod.run(period);
    const current = (s.stageOf.get(period) as { stage: PeriodStage }).stage;
    if (PERIOD_STAGES.indexOf(stage) > PERIOD_STAGES.indexOf(current)) {
      s.setStage.run(stage, period);
      changes.periods.add(period);
    }
  };

  return {
    advanceStage,
    apply(event: DecodedEvent, at: LogLocation, changes: ChangeTracker): void {
      const a = event.args;
      const where = [at.transactionHash, at.blockNumber] as const;
      const market: MarketName = event.contract === 'continuous' ? 'continuous' : 'periodic';
      const closeOrder = (status: OrderStatus, orderId = num(a.orderId)) => {
        s.orderClosed.run(status, ...where, at.logIndex, num(a.period), orderId);
        changes.books.add(num(a.period));
      };
      switch (event.name) {
        case 'ParticipantRegistered':
          s.participant.run(
            num(a.participantId),
            a.account as Address,
            a.name as string,
            KINDS[num(a.kind)] ?? String(a.kind),
            a.greenSupply ? 1 : 0,
            a.greenPreference ? 1 : 0,
            ...where,
          );
          return;
        case 'ParticipantAuthorised':
        case 'ParticipantRevoked':
          s.authorised.run(event.name === 'ParticipantAuthorised' ? 1 : 0, num(a.participantId));
          return;
        case 'MeterBound':
          // The meter number is 12 BCD digits: its hex spelling is the number itself.
          s.meter.run(a.meter as Address, (a.meterNumber as Hex).slice(2), num(a.participantId));
          return;
        case 'MeterUnbound':
          s.meter.run(null, null, num(a.participantId));
          return;
        case 'TokensMoved':
          s.movement.run(
            at.blockNumber,
            at.logIndex,
            at.transactionHash,
            a.from as Address,
            a.to as Address,
            TOKEN_REASONS[num(a.reason)] ?? String(a.reason),
            text(a.amount),
            num(a.period),
            a.fiatReference as Hex,
          );
          return;
        case 'BidCommitted':
          s.ensurePeriod.run(num(a.period));
          s.commit.run(num(a.period), num(a.participantId), a.commitment as Hex, ...where);
          changes.commitments.add(num(a.period));
          return;
        case 'BidRevealed':
          s.reveal.run(
            num(a.side) === 0 ? 'sell' : 'buy',
            a.green ? 1 : 0,
            text(a.quantityWh),
            text(a.pricePerWh),
            ...where,
            at.logIndex,
            num(a.period),
            num(a.participantId),
          );
          return;
        case 'TradeMatched':
          s.trade.run(
            at.blockNumber,
            at.logIndex,
            at.transactionHash,
            num(a.period),
            num(a.sellerId),
            num(a.buyerId),
            text(a.quantityWh),
            text(a.pricePerWh),
            num(a.stage) === 1 ? 'green' : 'all',
            null,
            null,
          );
          advanceStage(num(a.period), num(a.stage) === 1 ? 'green' : 'all', changes);
          changes.trades += 1;
          return;
        case 'ClearingStageCompleted':
          advanceStage(num(a.period), num(a.stage) === 1 ? 'all' : 'cleared', changes);
          return;
        case 'PeriodCleared':
          advanceStage(num(a.period), 'cleared', changes);
          s.cleared.run(num(a.tradeCount), text(a.tradedWh), text(a.tradedValue), ...where, num(a.period));
          return;
        case 'ReadingRecorded':
          s.reading.run(
            at.blockNumber,
            at.logIndex,
            at.transactionHash,
            num(a.period),
            num(a.participantId),
            a.meter as Address,
            text(a.importWh),
            text(a.exportWh),
          );
          return;
        case 'ParticipantSettled':
          s.settlement.run(
            num(a.period),
            num(a.participantId),
            text(a.actualWh),
            a.readingMissing ? 1 : 0,
            text(a.imbalanceWh),
            text(a.imbalanceAmount),
            text(a.reward),
            text(a.penalty),
            ...where,
            at.logIndex,
            market,
          );
          return;
        case 'PeriodSettled':
          s.ensurePeriod.run(num(a.period));
          s.settled.run(...where, num(a.period));
          changes.periods.add(num(a.period));
          return;
        case 'OrderPlaced': {
          const resting = text(a.restingWh);
          s.ensurePeriod.run(num(a.period));
          s.order.run(
            num(a.period),
            num(a.orderId),
            num(a.participantId),
            num(a.side) === 0 ? 'sell' : 'buy',
            text(a.quantityWh),
            text(a.pricePerWh),
            resting,
            resting,
            resting === '0' ? 'filled' : 'open',
            ...where,
            at.logIndex,
            // Filled on arrival: it left the book where it came in.
            ...(resting === '0' ? [...where, at.logIndex] : [null, null, null]),
          );
          changes.books.add(num(a.period));
          return;
        }
        case 'OrderFilled': {
          const period = num(a.period);
          s.ensurePeriod.run(period);
          s.trade.run(
            at.blockNumber,
            at.logIndex,
            at.transactionHash,
            period,
            num(a.sellerId),
            num(a.buyerId),
            text(a.quantityWh),
            text(a.pricePerWh),
            'continuous',
            num(a.makerOrderId),
            num(a.takerOrderId),
          );
          // The maker rests in the book already; the taker's OrderPlaced follows its fills and carries
          // what rests of it.
          const makerId = num(a.makerOrderId);
          const maker = s.remainingOf.get(period, makerId) as { remaining_wh: string };
          const left = BigInt(maker.remaining_wh) - (a.quantityWh as bigint);
          if (left === 0n) closeOrder('filled', makerId);
          else s.remaining.run(left.toString(), period, makerId);
          changes.books.add(period);
          changes.trades += 1;
          return;
        }
        case 'OrderCancelled':
          closeOrder('cancelled');
          return;
        case 'OrderExpired':
          closeOrder('expired');
          return;
        case 'OrderVoided':
          closeOrder('voided');
          return;
        case 'OrderCapacityCut':
          // A resting order leaves the book; an arriving one was placed with nothing resting.
          closeOrder('cut');
          return;
        case 'DebtRecorded':
        case 'DebtRepaid':
          s.debt.run(
            at.blockNumber,
            at.logIndex,
            at.transactionHash,
            market,
            num(a.participantId),
            event.name === 'DebtRecorded' ? 'recorded' : 'repaid',
            text(a.amount),
            text(event.name === 'DebtRecorded' ? a.totalDebt : a.remainingDebt),
          );
          return;
        default:
          // ParametersSet, PublicGridSet, LedgerBound, BuyerBudgetCut: read from the raw logs.
          return;
      }
    },
  };
}
