/**
 * Derived tables from decoded events. Each event is applied exactly once: the indexer calls this only
 * when the raw log row was new, and in chain order, so updates (authorised, stage) end in the chain's
 * final state.
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
  readonly trades: number;
}

export const PERIOD_STAGES = ['bidding', 'green', 'all', 'cleared'] as const;
export type PeriodStage = (typeof PERIOD_STAGES)[number];
const KINDS = ['producer', 'consumer', 'prosumer'] as const;

export interface ChangeTracker {
  periods: Set<number>;
  commitments: Set<number>;
  trades: number;
}

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
    trade: db.prepare('INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    reading: db.prepare('INSERT INTO readings VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    settlement: db.prepare('INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
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
          );
          return;
        case 'PeriodSettled':
          s.ensurePeriod.run(num(a.period));
          s.settled.run(...where, num(a.period));
          changes.periods.add(num(a.period));
          return;
        default:
          // ParametersSet, PublicGridSet, LedgerBound, BuyerBudgetCut, Debt*: read from the raw logs.
          return;
      }
    },
  };
}
