/**
 * The comparison's outputs: one row per mechanism (CSV, JSON), charts over the day with one series
 * per mechanism, and comparison.html that puts them together and links each mechanism's own report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatKwh, formatMoney, formatPricePerKwh } from '../../core/units.ts';
import { percent, type MechanismFigures } from '../comparison.ts';
import type { MechanismRun } from '../compareMechanisms.ts';
import { MECHANISM_LABELS } from '../mechanisms.ts';
import { clockOf, type Chart } from './dayCharts.ts';
import { escapeXml, renderChart, type Series } from './svgChart.ts';
import { toCsv, type Row } from './tables.ts';
import { svgToPng } from './writeOutputs.ts';

const price = (p: bigint | null) => (p === null ? '' : formatPricePerKwh(p));

export function comparisonRows(runs: readonly MechanismRun[]): Row[] {
  return runs.map(({ figures: f }) => ({
    mechanism: f.mechanism,
    run: f.mode,
    trades: f.trades,
    tradedKwh: formatKwh(f.tradedWh),
    welfare: formatMoney(f.welfare),
    competitiveOptimum: formatMoney(f.optimum),
    efficiencyPercent: percent(f.welfare, f.optimum),
    averagePrice: price(f.meanPricePerWh),
    priceSpread: price(f.priceSpreadPerWh),
    minPrice: price(f.minPricePerWh),
    maxPrice: price(f.maxPricePerWh),
    greenSharePercent: percent(f.greenTradedWh, f.tradedWh),
    imbalanceKwh: formatKwh(f.imbalanceWh),
    gasPerParticipantPeriod:
      f.gasPerParticipantPeriod === null ? 'not on chain' : f.gasPerParticipantPeriod.toString(),
  }));
}

type PeriodFigure = MechanismFigures['perPeriod'][number];

/** One step series per mechanism; `y` sees the periods so far, for running totals. */
const series = (
  runs: readonly MechanismRun[],
  y: (p: PeriodFigure, sofar: readonly PeriodFigure[]) => number,
): Series[] =>
  runs.map(({ mechanism, figures }) => ({
    name: MECHANISM_LABELS[mechanism],
    kind: 'step',
    points: figures.perPeriod.map((p, i) => [p.period, y(p, figures.perPeriod.slice(0, i + 1))] as const),
  }));

export function comparisonCharts(runs: readonly MechanismRun[]): Chart[] {
  const chart = (name: string, title: string, yLabel: string, s: Series[]): Chart => ({
    name,
    title,
    svg: renderChart({ title, xLabel: 'time of day (end of period)', yLabel, xFormat: clockOf, series: s }),
  });
  // Display only: money and prices become floating point here, after every figure was computed.
  const perKwh = (value: bigint, wh: bigint) => (wh === 0n ? 0 : Number(value / wh) / 1e15);
  const money = (baseUnits: bigint) => Number(baseUnits / 10n ** 12n) / 1e6;
  return [
    chart(
      'compare-average-price',
      'Average price of the period by mechanism (volume-weighted; 0 when nothing traded)',
      'price per kWh',
      series(runs, (p) => perKwh(p.tradedValue, p.tradedWh)),
    ),
    chart(
      'compare-welfare',
      'Cumulative welfare (gains from trade on declared prices) by mechanism',
      'currency units',
      series(runs, (_, sofar) => money(sofar.reduce((sum, q) => sum + q.welfare, 0n))),
    ),
    chart(
      'compare-green-share',
      'Green share of the traded energy by mechanism',
      'per cent',
      series(runs, (p) => (p.tradedWh === 0n ? 0 : Number((p.greenTradedWh * 1000n) / p.tradedWh) / 10)),
    ),
    chart(
      'compare-imbalance',
      'Imbalance volume by mechanism',
      'kWh per 15 minutes',
      series(runs, (p) => Number(p.imbalanceWh) / 1000),
    ),
  ];
}

/** Writes comparison.csv/json, the charts and comparison.html into `dir`; returns the rows. */
export function writeComparison(
  runs: readonly MechanismRun[],
  dir: string,
  options: { png?: boolean; reports?: Record<string, string> } = {},
): Row[] {
  mkdirSync(dir, { recursive: true });
  const rows = comparisonRows(runs);
  writeFileSync(join(dir, 'comparison.csv'), toCsv(rows));
  writeFileSync(join(dir, 'comparison.json'), `${JSON.stringify(rows, null, 1)}\n`);
  const charts = comparisonCharts(runs);
  for (const chart of charts) {
    writeFileSync(join(dir, `${chart.name}.svg`), chart.svg);
    if (options.png !== false) writeFileSync(join(dir, `${chart.name}.png`), svgToPng(chart.svg));
  }
  writeFileSync(join(dir, 'comparison.html'), renderComparison(runs, rows, charts, options.reports ?? {}));
  return rows;
}

function renderComparison(
  runs: readonly MechanismRun[],
  rows: readonly Row[],
  charts: readonly Chart[],
  reports: Record<string, string>,
): string {
  const scenario = runs[0]?.day.scenario;
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => `<td>${escapeXml(String(v ?? ''))}</td>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WattLedger mechanism comparison: ${escapeXml(scenario?.name ?? '')}</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;font-size:12px;margin:8px 0 24px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}</style></head><body>
<h1>Mechanism comparison: ${escapeXml(scenario?.name ?? '')}</h1>
<p>The same scenario (${escapeXml(String(scenario?.participants.length ?? 0))} participants, ${escapeXml(String(scenario?.periods ?? 0))} periods, seed ${escapeXml(String(scenario?.seed ?? ''))}) under each clearing mechanism. Welfare is measured on declared prices; the competitive optimum is the largest welfare each run's revealed bids allow; the price spread is the volume-weighted standard deviation of trade prices; prices are per kWh. Gas is measured only where the mechanism ran on chain.</p>
<table><thead><tr>${columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr>${columns.map((c) => cell(r[c])).join('')}</tr>`).join('\n')}
</tbody></table>
${charts.map((c) => `<figure>${c.svg}<figcaption>${escapeXml(c.title)}</figcaption></figure>`).join('\n')}
<h2>Each mechanism's day</h2>
<ul>${runs.map((r) => `<li>${escapeXml(MECHANISM_LABELS[r.mechanism])}: ${reports[r.mechanism] ? `<a href="${escapeXml(reports[r.mechanism]!)}">report</a>` : 'no report written'}</li>`).join('')}</ul>
</body></html>
`;
}
