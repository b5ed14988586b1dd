/**
 * Where the off-chain market keeps its records. The market's rules live in offChainMarket.ts; a
 * book only stores what they decide. Two books: in memory (the simulation's reference, which
 * forgets a period once it is settled) and SQLite (the centralised ledger, src/centralLedger, where
 * the operator's database is the ledger of record).
 *
 * Accounts are keyed by participant index as a string, and GRID_ACCOUNT for the public grid.
 */
import type { Movement } from '../core/ledger.ts';
import type { AveragePrice } from '../core/trade.ts';
import type { BidIntent, ReadingIntent, RevealedBid, SettledParticipant, SimTrade } from './market.ts';

export const GRID_ACCOUNT = 'grid';
export const accountOf = (participant: number): string => String(participant);

export interface MarketBook {
  /** Runs `work` atomically: all its writes land or none. */
  transaction<T>(work: () => T): T;
  balanceOf(account: string): bigint;
  debtOf(account: string): bigint;
  /** Every participant's balance, by index (for the live wallets of a clearing). */
  balances(): bigint[];
  /** Moves tokens between accounts and records each movement under `period`. */
  move(period: number, movements: readonly Movement[]): void;
  setDebt(account: string, debt: bigint): void;
  placeBid(period: number, bid: BidIntent): void;
  /** The period's bids in the order they were placed. */
  placedBids(period: number): BidIntent[];
  recordRevealed(period: number, bids: readonly RevealedBid[]): void;
  /** The period's admitted bids, in the order they were placed. */
  revealed(period: number): RevealedBid[];
  recordClearing(
    period: number,
    trades: readonly SimTrade[],
    awardedWh: ReadonlyMap<number, bigint>,
    averagePrice: AveragePrice | null,
  ): void;
  awardedWh(period: number, participant: number): bigint;
  /** null when nothing traded; undefined when the period was never cleared. */
  averagePrice(period: number): AveragePrice | null | undefined;
  recordReadings(period: number, readings: readonly ReadingIntent[]): void;
  readings(period: number): ReadonlyMap<number, bigint>;
  recordSettlements(period: number, settled: readonly SettledParticipant[]): void;
}

/** The simulation's book: maps, and a settled period's working state forgotten. */
export function memoryBook(opening: ReadonlyMap<string, bigint>): MarketBook {
  const balances = new Map(opening);
  const debts = new Map<string, bigint>();
  const placed = new Map<number, BidIntent[]>();
  const revealed = new Map<number, RevealedBid[]>();
  const awarded = new Map<number, ReadonlyMap<number, bigint>>();
  const averages = new Map<number, AveragePrice | null>();
  const readings = new Map<number, ReadonlyMap<number, bigint>>();
  const participants = opening.size - (opening.has(GRID_ACCOUNT) ? 1 : 0);
  return {
    transaction: (work) => work(),
    balanceOf: (account) => balances.get(account) ?? 0n,
    debtOf: (account) => debts.get(account) ?? 0n,
    balances: () => Array.from({ length: participants }, (_, i) => balances.get(accountOf(i)) ?? 0n),
    move(_period, movements) {
      for (const m of movements) {
        balances.set(m.from, (balances.get(m.from) ?? 0n) - m.amount);
        balances.set(m.to, (balances.get(m.to) ?? 0n) + m.amount);
      }
    },
    setDebt: (account, debt) => void debts.set(account, debt),
    placeBid(period, bid) {
      let list = placed.get(period);
      if (list === undefined) placed.set(period, (list = []));
      list.push(bid);
    },
    placedBids: (period) => placed.get(period) ?? [],
    recordRevealed(period, bids) {
      placed.delete(period);
      revealed.set(period, [...bids]);
    },
    revealed: (period) => revealed.get(period) ?? [],
    recordClearing(period, _trades, awardedWh, averagePrice) {
      awarded.set(period, awardedWh);
      averages.set(period, averagePrice);
    },
    awardedWh: (period, participant) => awarded.get(period)?.get(participant) ?? 0n,
    averagePrice: (period) => averages.get(period),
    recordReadings(period, list) {
      readings.set(period, new Map(list.map((r) => [r.participant, r.actualWh])));
    },
    readings: (period) => readings.get(period) ?? new Map(),
    recordSettlements(period) {
      revealed.delete(period);
      awarded.delete(period);
      readings.delete(period);
    },
  };
}
