/**
 * Runs one delivery period end to end by moving through its windows: sealed commits, reveals,
 * clearing, meter readings, settlement. On the embedded chain the clock jumps from window to window,
 * so a 96-period day runs in simulation time; on a real network it waits for the wall clock.
 */
import type { Account, LocalAccount } from 'viem';
import { periodWindows, type PeriodSchedule } from '../core/periodClock.ts';
import { sealBid, signReading, type BidIntent } from './bidding.ts';
import type { SealedBid } from './typedData.ts';
import type { ChainClock } from './chainClock.ts';
import { clearPeriodOnChain, type ClearingReport } from './clearing.ts';
import type { Platform } from './platform.ts';
import type { RelayedTransaction, Relayer } from './relayer.ts';
import { settlePeriodOnChain, type SettlementReport } from './settlement.ts';

export interface PeriodBid {
  readonly participant: LocalAccount;
  readonly intent: BidIntent;
  /** The registry id, when the caller knows it (saves a lookup per bid). */
  readonly participantId?: number;
}

export interface Refusal {
  readonly what: string;
  readonly error: unknown;
}

export interface PeriodReading {
  readonly meter: LocalAccount;
  readonly participantId: number;
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

export interface PeriodRunReport {
  readonly period: bigint;
  /** The relayer's transactions for this period's commits, reveals and readings. */
  readonly relayed: readonly RelayedTransaction[];
  /** Messages the contract refused, with the reason (the rest went through). */
  readonly refused: readonly Refusal[];
  readonly clearing: ClearingReport;
  readonly settlement: SettlementReport;
}

export interface PeriodDriver {
  readonly platform: Platform;
  readonly clock: ChainClock;
  readonly relayer: Relayer;
  readonly keeper: Account;
  readonly schedule: PeriodSchedule;
}

/**
 * Seals the bids of `period`, commits them through the relayer in its commit window and reveals them
 * in its reveal window, moving the clock there. Messages the contract refuses are returned with the
 * reason; every other message lands.
 */
export async function commitAndReveal(
  driver: Pick<PeriodDriver, 'platform' | 'clock' | 'relayer' | 'schedule'>,
  period: bigint,
  bids: readonly PeriodBid[],
  onStep: (step: string) => void = () => {},
): Promise<{ sealed: SealedBid[]; refused: Refusal[] }> {
  const { platform, clock, relayer } = driver;
  const windows = periodWindows(driver.schedule, period);
  const refused: Refusal[] = [];
  const track = (what: string, receipt: Promise<unknown>) =>
    receipt.catch((error: unknown) => refused.push({ what, error }));
  await clock.advanceTo(windows.commitOpens);
  onStep(`period ${period}: committing ${bids.length} sealed bids`);
  const sealed = await Promise.all(
    bids.map((b) => sealBid(platform, b.participant, period, b.intent, undefined, b.participantId)),
  );
  const commits = sealed.map((s) => track(`commit ${s.sealed.participant}`, relayer.commit(s.commit)));
  await relayer.flush();
  await Promise.all(commits);
  await clock.advanceTo(windows.commitCloses);
  onStep(`period ${period}: revealing`);
  const reveals = sealed.map((s) => track(`reveal ${s.sealed.participant}`, relayer.reveal(s.sealed)));
  await relayer.flush();
  await Promise.all(reveals);
  return { sealed: sealed.map((s) => s.sealed), refused };
}

export async function readSchedule(platform: Platform): Promise<PeriodSchedule> {
  const s = await platform.read.market.read.schedule();
  return {
    genesis: s.genesis,
    periodSeconds: s.periodSeconds,
    commitSeconds: s.commitSeconds,
    revealSeconds: s.revealSeconds,
    readingSeconds: s.readingSeconds,
  };
}

export async function runPeriod(
  driver: PeriodDriver,
  period: bigint,
  bids: readonly PeriodBid[],
  readings: (
    awarded: ReadonlyMap<string, bigint>,
  ) => Promise<readonly PeriodReading[]> | readonly PeriodReading[],
  onStep: (step: string) => void = () => {},
): Promise<PeriodRunReport> {
  const { platform, clock, relayer, keeper } = driver;
  const windows = periodWindows(driver.schedule, period);
  const refused: Refusal[] = [];
  const relayedBefore = relayer.transactions.at(-1);
  const track = (what: string, receipt: Promise<unknown>) =>
    receipt.catch((error: unknown) => refused.push({ what, error }));

  const bidding = await commitAndReveal(driver, period, bids, onStep);
  refused.push(...bidding.refused);

  await clock.advanceTo(windows.revealCloses);
  onStep(`period ${period}: clearing`);
  const clearing = await clearPeriodOnChain(platform, keeper, period);

  await clock.advanceTo(windows.deliveryEnds);
  const awarded = new Map<string, bigint>();
  for (const bid of bidding.sealed) {
    const slot = await platform.read.market.read.bidOf([bid.participantId, period]);
    awarded.set(bid.participant, BigInt(slot.awardedWh));
  }
  const toRead = await readings(awarded);
  onStep(`period ${period}: ${toRead.length} meter readings`);
  const signed = await Promise.all(toRead.map((r) => signReading(platform, r.meter, { ...r, period })));
  const submitted = signed.map((r) => track(`reading ${r.meter}`, relayer.reading(r)));
  await relayer.flush();
  await Promise.all(submitted);

  let settlement = await settlePeriodOnChain(platform, keeper, period);
  if (settlement.pending.length > 0) {
    onStep(`period ${period}: ${settlement.pending.length} readings missing; settling after the deadline`);
    await clock.advanceTo(windows.readingDeadline);
    const late = await settlePeriodOnChain(platform, keeper, period);
    settlement = {
      ...late,
      settled: [...settlement.settled, ...late.settled],
      transactions: [...settlement.transactions, ...late.transactions],
    };
  }
  onStep(`period ${period}: settled ${settlement.settled.length} participants`);
  const from = relayedBefore === undefined ? 0 : relayer.transactions.indexOf(relayedBefore) + 1;
  return { period, relayed: relayer.transactions.slice(from), refused, clearing, settlement };
}
