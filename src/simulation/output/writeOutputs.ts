/** Writes a simulated day's output folder: CSV and JSON tables, SVG and PNG charts, the HTML report. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { DayResult } from '../dayRecord.ts';
import { dayCharts } from './dayCharts.ts';
import { renderReport } from './report.ts';
import { summarizeDay, type DaySummary } from './summary.ts';
import {
  failureRows,
  participantPeriodRows,
  participantSummaryRows,
  periodRows,
  toCsv,
  tradeRows,
  type Row,
} from './tables.ts';

export interface WriteOptions {
  /** PNG copies of the charts (the slowest part of writing). */
  readonly png?: boolean;
}

export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, {
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
}

/** Writes everything into `dir` (created if missing); returns the summary and the files written. */
export function writeDayOutputs(
  day: DayResult,
  dir: string,
  options: WriteOptions = {},
): { summary: DaySummary; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(dir, name), content);
    files.push(name);
  };
  const tables: Record<string, Row[]> = {
    periods: periodRows(day),
    'participant-periods': participantPeriodRows(day),
    trades: tradeRows(day),
    failures: failureRows(day),
    participants: participantSummaryRows(day),
  };
  const headers: Record<string, string[]> = {
    trades: ['period', 'seller', 'buyer', 'quantityKwh', 'price', 'amount', 'stage'],
    failures: ['period', 'participant', 'action', 'cause'],
  };
  for (const [name, rows] of Object.entries(tables)) {
    write(`${name}.csv`, toCsv(rows, headers[name]));
    write(`${name}.json`, `${JSON.stringify(rows, null, 1)}\n`);
  }
  const summary = summarizeDay(day);
  write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  const charts = dayCharts(day);
  for (const chart of charts) {
    write(`${chart.name}.svg`, chart.svg);
    if (options.png !== false) write(`${chart.name}.png`, svgToPng(chart.svg));
  }
  write('report.html', renderReport(day, summary, charts, tables.participants!, tables.failures!));
  return { summary, files };
}
