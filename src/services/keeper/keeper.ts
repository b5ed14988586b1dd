/**
 * The keeper: the period clock's back office. Each tick it walks the periods not yet finished, oldest
 * first: once a period's reveal window has closed it clears it on chain (with the core's sort hints),
 * and once every reading is in or the reading deadline has passed it settles its participants. With a
 * subsidy pool, a finished period's traders then get the bonuses and coupons due to them. On a
 * continuous-market deployment it instead expires what rests in a period's book at gate closure and
 * settles the period's positions against the meters once every reading is in or the deadline passed.
 *
 * Every step is decided from the chain's state, never from memory: clearing resumes from the
 * contract's cursors, settlement skips participants the contract marks settled. A keeper killed at any
 * point and started again finishes each period once and pays nothing twice. The cursor it keeps (the
 * oldest unfinished period) only saves reads; losing it costs a rescan, never a wrong action.
 */
import type { Account } from 'viem';
import { clearPeriodOnChain, STAGES } from '../../chain/clearing.ts';
import { expireContinuousOrders, type ContinuousMarket } from '../../chain/continuousMarket.ts';
import { settleContinuousPeriod } from '../../chain/continuousSettlement.ts';
import { ContractRefusedError } from '../../chain/errors.ts';
import type { Platform } from '../../chain/platform.ts';
import { periodTrades } from '../../chain/periodRecords.ts';
import { settlePeriodOnChain } from '../../chain/settlement.ts';
import { payClaim, subsidiesDue, type SubsidyPool } from '../../chain/subsidyPool.ts';
import {
  forwardDeliveriesDue,
  settleForwardDeliveries,
  type ForwardRights,
} from '../../chain/forwardRights.ts';
import { summarize } from '../../chain/transactions.ts';
import { periodWindows, type PeriodSchedule } from '../../core/periodClock.ts';
import type { ReadModelDb } from '../indexer/schema.ts';

export type KeeperAction =
  | { readonly kind: 'skipped'; readonly period: bigint; readonly reason: 'no revealed bid' }
  | { readonly kind: 'cleared'; readonly period: bigint; readonly transactions: number }
  | { readonly kind: 'expired'; readonly period: bigint; readonly transactions: number }
  | {
      readonly kind: 'settled';
      readonly period: bigint;
      readonly participants: readonly number[];
      readonly transactions: number;
    }
  | {
      readonly kind: 'settled-forward';
      readonly period: bigint;
      readonly participants: readonly number[];
      readonly transactions: number;
    }
  | { readonly kind: 'subsidised'; readonly period: bigint; readonly payments: number }
  | { readonly kind: 'finished'; readonly period: bigint };

export type KeeperEvent =
  KeeperAction | { readonly kind: 'error'; readonly period: bigint; readonly error: string };

export interface KeeperTickReport {
  /** The chain time the tick acted on. */
  readonly at: bigint;
  readonly actions: readonly KeeperAction[];
  /** The oldest period still to clear or settle after the tick. */
  readonly oldestUnfinished: bigint;
  /**
   * What failed, by period. A period the contract refuses is left for the next tick and the walk goes
   * on; any other failure ends the tick. The next tick retries from the chain's state.
   */
  readonly error: string | null;
}

export interface KeeperStatus {
  /** Wall-clock milliseconds of the last finished tick. */
  readonly lastTickAt: number | null;
  /** The chain time (unix seconds) the last finished tick acted on. */
  readonly lastTickChainTime: bigint | null;
  readonly lastAction: KeeperAction | null;
  readonly lastError: string | null;
  readonly oldestUnfinished: bigint;
}

/** Where the keeper keeps its cursor between runs (an optimisation: it may be lost). */
export interface KeeperCursorStore {
  load(): bigint | undefined;
  save(oldestUnfinished: bigint): void;
}

export interface KeeperOptions {
  readonly platform: Platform;
  /** Pays the gas of clearing and settlement transactions (both are permissionless). */
  readonly account: Account;
  readonly schedule: PeriodSchedule;
  readonly clock: { now(): Promise<bigint> };
  /** Bids handed to the contract per clearing transaction, to stay under the gas cap. */
  readonly maxClearingEntriesPerTransaction: number;
  readonly settlementBatchSize?: number;
  readonly onEvent?: (event: KeeperEvent) => void;
  readonly cursor?: KeeperCursorStore;
  /** Where to start without a stored cursor (default period 1). */
  readonly firstPeriod?: bigint;
  /** Pays the first-use bonuses and coupons a finished period's trades earned. */
  readonly subsidyPool?: SubsidyPool;
  /** The deployment trades on the continuous market: expire its books and settle its positions. */
  readonly continuousMarket?: ContinuousMarket;
  /** Settles the forward deliveries (large-user direct purchase) of each period after its reading deadline. */
  readonly forwardRights?: ForwardRights;
}

export interface Keeper {
  tick(): Promise<KeeperTickReport>;
  status(): KeeperStatus;
  /** Ticks every `intervalMs` until stop(). */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

/** The keeper's cursor in the read model's database (dropped with it on a rebuild: harmless). */
export function keeperCursorStore(db: ReadModelDb): KeeperCursorStore {
  const get = db.prepare("SELECT value FROM keeper_state WHERE key = 'oldest_unfinished'");
  const put = db.prepare(
    "INSERT INTO keeper_state (key, value) VALUES ('oldest_unfinished', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  return {
    load() {
      const row = get.get() as { value: string } | undefined;
      return row === undefined ? undefined : BigInt(row.value);
    },
    save: (period) => void put.run(period.toString()),
  };
}

export function createKeeper(options: KeeperOptions): Keeper {
  const { platform, account, schedule } = options;
  const market = platform.read.market;
  let oldestUnfinished = options.cursor?.load() ?? options.firstPeriod ?? 1n;
  let lastTickAt: number | null = null;
  let lastTickChainTime: bigint | null = null;
  let lastAction: KeeperAction | null = null;
  let lastError: string | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setInterval> | undefined;
  // Periods finished behind an older one still waiting (for readings): not walked again.
  const finishedAhead = new Set<bigint>();
  const marketFinished = new Set<bigint>();

  /**
   * Pays what the pool owes the period's traders, decided from the pool's state, so a keeper that
   * died half-way pays the rest and nothing twice. Runs before a period counts as finished: the
   * market keeps a participant's last four bids, so this cannot wait.
   */
  async function finish(period: bigint, act: (a: KeeperAction) => void): Promise<true> {
    const pool = options.subsidyPool;
    if (pool !== undefined) {
      const traders = new Set<number>();
      for (const trade of await periodTrades(platform, period))
        traders.add(trade.sellerId).add(trade.buyerId);
      const claims = await subsidiesDue(
        pool,
        period,
        [...traders].sort((a, b) => a - b),
      );
      for (const claim of claims) await payClaim(pool, account, claim);
      if (claims.length > 0) act({ kind: 'subsidised', period, payments: claims.length });
    }
    act({ kind: 'finished', period });
    return true;
  }

  /** The continuous market's period: expiry at gate closure, settlement after delivery. */
  async function advanceContinuous(
    cda: ContinuousMarket,
    period: bigint,
    now: bigint,
    act: (a: KeeperAction) => void,
  ): Promise<boolean> {
    if (now < (await cda.read.read.gateClosure([period]))) return false;
    const expiry = await expireContinuousOrders(cda, account, period);
    if (expiry !== null) act({ kind: 'expired', period, transactions: 1 });
    // No meter may report before delivery ends: spare the reads until then.
    if (now < periodWindows(schedule, period).deliveryEnds) return false;
    const report = await settleContinuousPeriod(cda, account, period, {
      batchSize: options.settlementBatchSize,
      fromBlock: platform.deployment.fromBlock,
    });
    if (report.settled.length > 0)
      act({
        kind: 'settled',
        period,
        participants: report.settled,
        transactions: report.transactions.length,
      });
    if (report.pending.length > 0) return false;
    act({ kind: 'finished', period });
    return true;
  }

  /**
   * Settles the period's forward deliveries once its reading deadline has passed (each with its
   * reading, or as missing); true once none is left.
   */
  async function advanceForward(
    period: bigint,
    now: bigint,
    act: (a: KeeperAction) => void,
  ): Promise<boolean> {
    const rights = options.forwardRights;
    if (rights === undefined || now < periodWindows(schedule, period).deliveryEnds)
      return rights === undefined;
    const due = await forwardDeliveriesDue(rights, period, platform.deployment.fromBlock);
    if (due.length === 0) return true;
    if (now < periodWindows(schedule, period).readingDeadline) return false;
    const batch = options.settlementBatchSize ?? due.length;
    let transactions = 0;
    for (let i = 0; i < due.length; i += batch) {
      await settleForwardDeliveries(rights, account, period, due.slice(i, i + batch));
      transactions += 1;
    }
    act({ kind: 'settled-forward', period, participants: due, transactions });
    return true;
  }

  /** Takes the period as far as the chain and the clock allow; true once nothing is left to do. */
  async function advance(period: bigint, now: bigint, act: (a: KeeperAction) => void): Promise<boolean> {
    const forwardDone = await advanceForward(period, now, act);
    // A period whose market side is done waits only for its forward deliveries' reading deadline.
    if (!marketFinished.has(period) && (await advanceMarket(period, now, act))) marketFinished.add(period);
    return marketFinished.has(period) && forwardDone;
  }

  async function advanceMarket(
    period: bigint,
    now: bigint,
    act: (a: KeeperAction) => void,
  ): Promise<boolean> {
    if (options.continuousMarket !== undefined)
      return await advanceContinuous(options.continuousMarket, period, now, act);
    const [book, totals] = await market.read.periodState([period]);
    const revealed = book.sellers + book.buyers;
    // Nothing was revealed: nothing to clear (the contract would walk empty queues) nor to settle.
    if (revealed === 0) {
      act({ kind: 'skipped', period, reason: 'no revealed bid' });
      return true;
    }
    if (STAGES[totals.stage] !== 'cleared') {
      const report = await clearPeriodOnChain(platform, account, period, {
        maxEntriesPerTransaction: options.maxClearingEntriesPerTransaction,
      });
      act({ kind: 'cleared', period, transactions: report.transactions.length });
    }
    if (totals.settledCount >= revealed) return await finish(period, act);
    // No meter may report before delivery ends: spare the reads until then.
    if (now < periodWindows(schedule, period).deliveryEnds) return false;
    const report = await settlePeriodOnChain(platform, account, period, {
      batchSize: options.settlementBatchSize,
    });
    if (report.settled.length > 0)
      act({
        kind: 'settled',
        period,
        participants: report.settled,
        transactions: report.transactions.length,
      });
    if (report.pending.length > 0) return false;
    return await finish(period, act);
  }

  async function tick(): Promise<KeeperTickReport> {
    const actions: KeeperAction[] = [];
    const act = (action: KeeperAction) => {
      if (action.kind !== 'skipped') lastAction = action;
      actions.push(action);
      options.onEvent?.(action);
    };
    let now: bigint;
    try {
      now = await options.clock.now();
    } catch (failure) {
      lastError = `reading the chain clock: ${summarize(failure)}`;
      throw failure;
    }
    let firstUnfinished: bigint | null = null;
    let period = oldestUnfinished;
    const errors: string[] = [];
    for (; periodWindows(schedule, period).revealCloses <= now; period++) {
      if (finishedAhead.has(period)) continue;
      try {
        if (await advance(period, now, act)) finishedAhead.add(period);
        else if (firstUnfinished === null) firstUnfinished = period;
      } catch (failure) {
        const message = `period ${period}: ${summarize(failure)}`;
        errors.push(message);
        options.onEvent?.({ kind: 'error', period, error: message });
        if (firstUnfinished === null) firstUnfinished = period;
        // A contract refusing one period (say, the grid's float is short) must not hold the later
        // periods back; anything else (the node gone, the process dying) ends the tick.
        if (!(failure instanceof ContractRefusedError)) break;
      }
    }
    const error = errors.length === 0 ? null : errors.join('; ');
    oldestUnfinished = firstUnfinished ?? period;
    for (const p of finishedAhead) if (p < oldestUnfinished) finishedAhead.delete(p);
    for (const p of marketFinished) if (p < oldestUnfinished) marketFinished.delete(p);
    options.cursor?.save(oldestUnfinished);
    lastTickAt = Date.now();
    lastTickChainTime = now;
    lastError = error;
    return { at: now, actions, oldestUnfinished, error };
  }

  const serialisedTick = () => {
    const result = running.then(tick, tick);
    running = result.catch(() => undefined);
    return result;
  };

  return {
    tick: serialisedTick,
    status: () => ({ lastTickAt, lastTickChainTime, lastAction, lastError, oldestUnfinished }),
    start(intervalMs) {
      if (timer !== undefined) return;
      // A failed tick is kept in status().lastError by tick() itself.
      timer = setInterval(() => void serialisedTick().catch(() => undefined), intervalMs);
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
