/**
 * The charts of a simulated day, as SVG: declared, awarded and actual energy per participant (or per
 * participant type on a large feeder), the average price, supply–demand curves of chosen periods,
 * one participant's imbalance and the cumulative money of each participant.
 * Conversions to floats here are for drawing only.
 */
import type { DayResult } from '../dayRecord.ts';
import { renderChart, type Series } from './svgChart.ts';

export interface Chart {
  /** File name without extension. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

const kwh = (wh: bigint) => Number(wh) / 1000;
const perKwh = (pricePerWh: bigint) => Number(pricePerWh) / 1e15;
const money = (base: bigint) => Number(base) / 1e18;
export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
/** Period n ends at n × 15 minutes. */
export const clockOf = (period: number) => {
  const minutes = (period * 15) % 1440;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

/** Participants drawn one by one up to this many; beyond, by profile type. */
const MAX_SINGLE = 8;

export function participantGroups(day: DayResult): { name: string; members: number[] }[] {
  const ps = day.scenario.participants;
  if (ps.length <= MAX_SINGLE) return ps.map((p, i) => ({ name: p.name, members: [i] }));
  const groups = new Map<string, number[]>();
  ps.forEach((p, i) => {
    const type = p.profile.type;
    groups.set(type, [...(groups.get(type) ?? []), i]);
  });
  return [...groups].map(([type, members]) => ({ name: `${type} (${members.length})`, members }));
}

export function dayCharts(day: DayResult): Chart[] {
  const charts: Chart[] = [];
  const xFormat = (x: number) => clockOf(x);
  const periods = day.periods;
  for (const group of participantGroups(day)) {
    const members = new Set(group.members);
    const sum = (pick: (p: DayResult['periods'][number]['participants'][number]) => bigint) =>
      periods.map(
        (r) =>
          [
            r.period,
            kwh(r.participants.filter((p) => members.has(p.participant)).reduce((s, p) => s + pick(p), 0n)),
          ] as const,
      );
    const title = `${group.name}: declared, awarded and actual energy`;
    charts.push({
      name: `energy-${slug(group.name)}`,
      title,
      svg: renderChart({
        title,
        xLabel: 'time of day (end of period)',
        yLabel: 'kWh per 15 minutes',
        xFormat,
        series: [
          { name: 'declared', kind: 'step', points: sum((p) => p.declaredWh) },
          { name: 'awarded', kind: 'step', points: sum((p) => p.awardedWh) },
          { name: 'actual', kind: 'step', points: sum((p) => p.actualWh ?? 0n), dashed: true },
        ],
      }),
    });
  }
  const reference = perKwh(day.scenario.market.referencePricePerWh);
  charts.push({
    name: 'average-price',
    title: 'Average price of the period',
    svg: renderChart({
      title: 'Average price of the period (volume-weighted; reference price when nothing traded)',
      xLabel: 'time of day (end of period)',
      yLabel: 'price per kWh',
      xFormat,
      series: [
        {
          name: 'average price',
          kind: 'step',
          points: periods.map((r) => [
            r.period,
            r.averagePrice === null
              ? reference
              : Number(r.averagePrice.value) / Number(r.averagePrice.quantityWh) / 1e15,
          ]),
        },
        {
          name: 'reference price',
          kind: 'line',
          dashed: true,
          points: periods.length
            ? [
                [periods[0]!.period, reference],
                [periods[periods.length - 1]!.period, reference],
              ]
            : [],
        },
      ],
    }),
  });
  for (const period of day.scenario.charts.supplyDemandPeriods) {
    const record = periods.find((r) => r.period === period);
    if (record === undefined) continue;
    const curve = (side: 'sell' | 'buy') => {
      const bids = record.bids.filter((b) => b.side === side);
      bids.sort((a, b) =>
        a.pricePerWh === b.pricePerWh ? 0 : a.pricePerWh < b.pricePerWh === (side === 'sell') ? -1 : 1,
      );
      const points: [number, number][] = [];
      let cumulative = 0n;
      bids.forEach((b, i) => {
        points.push([kwh(cumulative), perKwh(b.pricePerWh)]);
        cumulative += b.quantityWh;
        if (i === bids.length - 1) points.push([kwh(cumulative), perKwh(b.pricePerWh)]);
      });
      return points;
    };
    const title = `Supply and demand, period ${period} (${clockOf(period - 1)}–${clockOf(period)})`;
    charts.push({
      name: `supply-demand-${String(period).padStart(3, '0')}`,
      title,
      svg: renderChart({
        title,
        xLabel: 'cumulative quantity, kWh',
        yLabel: 'price per kWh',
        series: [
          { name: 'supply (asks ascending)', kind: 'step', points: curve('sell') },
          { name: 'demand (bids descending)', kind: 'step', points: curve('buy') },
        ],
      }),
    });
  }
  const ps = day.scenario.participants;
  const target =
    day.scenario.charts.imbalanceParticipant ??
    ps.find((p) => p.profile.type === 'load')?.name ??
    ps[0]?.name;
  const index = ps.findIndex((p) => p.name === target);
  if (index >= 0) {
    const title = `${target}: imbalance (actual − awarded)`;
    charts.push({
      name: 'imbalance',
      title,
      svg: renderChart({
        title,
        xLabel: 'time of day (end of period)',
        yLabel: 'kWh',
        xFormat,
        series: [
          {
            name: 'actual − awarded',
            kind: 'bar',
            points: periods.map((r) => {
              const p = r.participants.find((x) => x.participant === index);
              return [
                r.period,
                p === undefined || p.actualWh === null ? 0 : kwh(p.actualWh - p.awardedWh),
              ] as const;
            }),
          },
        ],
      }),
    });
  }
  const groups = participantGroups(day);
  charts.push({
    name: 'money',
    title: 'Cumulative money',
    svg: renderChart({
      title: 'Cumulative money since the opening balance',
      xLabel: 'time of day (end of period)',
      yLabel: 'currency units',
      xFormat,
      series: [
        ...groups.map((g) => ({
          name: g.name,
          kind: 'line' as const,
          points: periods.map(
            (r) =>
              [
                r.period,
                money(g.members.reduce((s, i) => s + r.balances[i]! - day.opening.balances[i]!, 0n)),
              ] as const,
          ),
        })),
        {
          name: 'public grid',
          kind: 'line' as const,
          dashed: true,
          points: periods.map((r) => [r.period, money(r.grid - day.opening.grid)] as const),
        },
      ] satisfies Series[],
    }),
  });
  return charts;
}
