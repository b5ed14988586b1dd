/** The day in a few figures, for the report, the command's output and the benchmarks. */
import { formatKwh, formatMoney } from '../../core/units.ts';
import type { DayResult } from '../dayRecord.ts';

export interface DaySummary {
  readonly scenario: string;
  readonly mode: DayResult['mode'];
  /** Readings through the meter model (and, on chain, virtual meters and the gateway). */
  readonly meters: boolean;
  readonly participants: number;
  readonly periods: number;
  readonly bids: number;
  readonly trades: number;
  readonly tradedKwh: string;
  readonly imbalanceKwh: string;
  readonly rewards: string;
  readonly penalties: string;
  readonly missingReadings: number;
  readonly failures: number;
  readonly transactions: number;
  readonly gasUsed: string;
  readonly gasPerParticipantPeriod: string;
  readonly wallSeconds: number;
  readonly setupSeconds: number;
  readonly transactionsPerSecond: number;
  readonly bidsPerSecond: number;
  /** Sum of all balances (participants and grid) against the token's total supply. */
  readonly tokensHeld: string;
  readonly totalSupply: string;
  readonly conserved: boolean;
}

export function summarizeDay(day: DayResult): DaySummary {
  let bids = 0;
  let trades = 0;
  let traded = 0n;
  let imbalance = 0n;
  let rewards = 0n;
  let penalties = 0n;
  let missing = 0;
  let failures = 0;
  for (const r of day.periods) {
    bids += r.bids.length;
    trades += r.trades.length;
    traded += r.trades.reduce((s, t) => s + t.quantityWh, 0n);
    failures += r.failures.length;
    for (const p of r.participants) {
      imbalance += p.imbalanceWh;
      rewards += p.reward;
      penalties += p.penalty;
      if (p.actualWh === null) missing += 1;
    }
  }
  const held = day.closing.balances.reduce((s, b) => s + b, day.closing.grid);
  const seconds = day.wallMs / 1000;
  const participantPeriods = BigInt(Math.max(1, bids));
  return {
    scenario: day.scenario.name,
    mode: day.mode,
    meters: day.meters,
    participants: day.scenario.participants.length,
    periods: day.periods.length,
    bids,
    trades,
    tradedKwh: formatKwh(traded),
    imbalanceKwh: formatKwh(imbalance),
    rewards: formatMoney(rewards),
    penalties: formatMoney(penalties),
    missingReadings: missing,
    failures,
    transactions: day.transactions,
    gasUsed: day.gasUsed.toString(),
    gasPerParticipantPeriod: (day.gasUsed / participantPeriods).toString(),
    wallSeconds: Math.round(seconds * 10) / 10,
    setupSeconds: Math.round(day.setupMs / 100) / 10,
    transactionsPerSecond: seconds > 0 ? Math.round((day.transactions / seconds) * 10) / 10 : 0,
    bidsPerSecond: seconds > 0 ? Math.round(bids / seconds) : 0,
    tokensHeld: formatMoney(held),
    totalSupply: formatMoney(day.closing.totalSupply),
    conserved: held === day.closing.totalSupply,
  };
}
