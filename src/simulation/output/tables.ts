/**
 * The day as tables: per period, per participant and period, trades, failures and a per-participant
 * summary. Energy in kWh, money in currency units, prices per kWh, all as exact decimal strings.
 */
import { formatDecimal } from '../../core/decimal.ts';
import { averagePricePerKwh } from '../../core/trade.ts';
import { formatKwh, formatMoney, formatPricePerKwh, TOKEN_DECIMALS } from '../../core/units.ts';
import type { DayResult, ParticipantPeriod } from '../dayRecord.ts';
import { clockOf } from './dayCharts.ts';

export type Row = Record<string, string | number>;

export const averagePriceText = (price: DayResult['periods'][number]['averagePrice']): string =>
  price === null ? '' : formatDecimal(averagePricePerKwh(price), TOKEN_DECIMALS);

export function periodRows(day: DayResult): Row[] {
  return day.periods.map((r) => {
    const sum = (pick: (p: (typeof r.participants)[number]) => bigint) =>
      r.participants.reduce((s, p) => s + pick(p), 0n);
    return {
      period: r.period,
      ends: clockOf(r.period),
      bids: r.bids.length,
      sellers: r.bids.filter((b) => b.side === 'sell').length,
      buyers: r.bids.filter((b) => b.side === 'buy').length,
      trades: r.trades.length,
      tradedKwh: formatKwh(r.trades.reduce((s, t) => s + t.quantityWh, 0n)),
      averagePrice: averagePriceText(r.averagePrice),
      declaredKwh: formatKwh(sum((p) => p.declaredWh)),
      awardedKwh: formatKwh(sum((p) => p.awardedWh)),
      actualKwh: formatKwh(sum((p) => p.actualWh ?? 0n)),
      missingReadings: r.participants.filter((p) => p.actualWh === null).length,
      imbalanceKwh: formatKwh(sum((p) => p.imbalanceWh)),
      imbalanceToParticipants: formatMoney(sum((p) => p.imbalanceAmount)),
      rewards: formatMoney(sum((p) => p.reward)),
      penalties: formatMoney(sum((p) => p.penalty)),
      gridBalance: formatMoney(r.grid),
      failures: r.failures.length,
      transactions: r.transactions,
      gas: r.gasUsed.toString(),
    };
  });
}

export function participantPeriodRows(day: DayResult): Row[] {
  const names = day.scenario.participants.map((p) => p.name);
  return day.periods.flatMap((r) =>
    r.participants.map((p) => ({
      period: r.period,
      participant: names[p.participant]!,
      side: p.side,
      declaredKwh: formatKwh(p.declaredWh),
      price: formatPricePerKwh(p.pricePerWh),
      awardedKwh: formatKwh(p.awardedWh),
      actualKwh: p.actualWh === null ? '' : formatKwh(p.actualWh),
      readingMissing: p.actualWh === null ? 'yes' : 'no',
      imbalanceKwh: formatKwh(p.imbalanceWh),
      imbalanceAmount: formatMoney(p.imbalanceAmount),
      reward: formatMoney(p.reward),
      penalty: formatMoney(p.penalty),
      incentiveNet: formatMoney(p.reward - p.penalty),
      tradeAmount: formatMoney(p.tradeAmount),
      balance: formatMoney(r.balances[p.participant]!),
      debt: formatMoney(r.debts[p.participant]!),
    })),
  );
}

export function tradeRows(day: DayResult): Row[] {
  const names = day.scenario.participants.map((p) => p.name);
  return day.periods.flatMap((r) =>
    r.trades.map((t) => ({
      period: r.period,
      seller: names[t.seller]!,
      buyer: names[t.buyer]!,
      quantityKwh: formatKwh(t.quantityWh),
      price: formatPricePerKwh(t.pricePerWh),
      amount: formatMoney(t.quantityWh * t.pricePerWh),
      stage: t.stage,
    })),
  );
}

export function failureRows(day: DayResult): Row[] {
  const names = day.scenario.participants.map((p) => p.name);
  return day.periods.flatMap((r) =>
    r.failures.map((f) => ({
      period: r.period,
      participant: names[f.participant]!,
      action: f.action,
      cause: f.cause,
    })),
  );
}

export function participantSummaryRows(day: DayResult): Row[] {
  // One pass over the day, not one per participant: a feeder may have 100,000.
  const byParticipant = day.scenario.participants.map(() => [] as ParticipantPeriod[]);
  for (const r of day.periods) for (const p of r.participants) byParticipant[p.participant]!.push(p);
  return day.scenario.participants.map((spec, i) => {
    const own = byParticipant[i]!;
    const sum = (pick: (p: (typeof own)[number]) => bigint) => own.reduce((s, p) => s + pick(p), 0n);
    return {
      participant: spec.name,
      kind: spec.kind,
      profile: spec.profile.type,
      green: spec.green ? 'yes' : 'no',
      strategy: spec.strategy.type,
      bids: own.length,
      declaredKwh: formatKwh(sum((p) => p.declaredWh)),
      awardedKwh: formatKwh(sum((p) => p.awardedWh)),
      actualKwh: formatKwh(sum((p) => p.actualWh ?? 0n)),
      imbalanceKwh: formatKwh(sum((p) => p.imbalanceWh)),
      trades: formatMoney(sum((p) => p.tradeAmount)),
      imbalance: formatMoney(sum((p) => p.imbalanceAmount)),
      incentives: formatMoney(sum((p) => p.reward - p.penalty)),
      opening: formatMoney(day.opening.balances[i]!),
      closing: formatMoney(day.closing.balances[i]!),
      debt: formatMoney(day.closing.debts[i]!),
    };
  });
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(rows: readonly Row[], header?: readonly string[]): string {
  const columns = header ?? Object.keys(rows[0] ?? {});
  return (
    [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c] ?? '')).join(','))].join('\n') +
    '\n'
  );
}
