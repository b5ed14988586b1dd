/** The HTML report: the summary, every chart inline and the per-participant table, in one file. */
import type { DayResult } from '../dayRecord.ts';
import type { Chart } from './dayCharts.ts';
import { escapeXml } from './svgChart.ts';
import type { DaySummary } from './summary.ts';
import type { Row } from './tables.ts';

const table = (rows: readonly Row[]) => {
  const columns = Object.keys(rows[0] ?? {});
  return `<table><thead><tr>${columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr>${columns.map((c) => `<td>${escapeXml(String(r[c] ?? ''))}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;
};

export function renderReport(
  day: DayResult,
  summary: DaySummary,
  charts: readonly Chart[],
  participants: readonly Row[],
  failures: readonly Row[],
): string {
  const figures: [string, string][] = [
    ['scenario', `${summary.scenario} (${day.scenario.file})`],
    ['run', summary.meters ? `${summary.mode}, readings from meters` : summary.mode],
    ['participants', String(summary.participants)],
    ['periods', String(summary.periods)],
    ['bids', String(summary.bids)],
    ['trades', `${summary.trades} (${summary.tradedKwh} kWh)`],
    ['imbalance', `${summary.imbalanceKwh} kWh`],
    ['rewards / penalties', `${summary.rewards} / ${summary.penalties}`],
    ['missing readings', String(summary.missingReadings)],
    ['failed messages', String(summary.failures)],
    ['transactions', String(summary.transactions)],
    ['gas', `${summary.gasUsed} (${summary.gasPerParticipantPeriod} per participant-period with a bid)`],
    [
      'wall time',
      `${summary.wallSeconds} s trading, ${summary.setupSeconds} s set-up; ${summary.transactionsPerSecond} transactions/s`,
    ],
    [
      'token total',
      `${summary.tokensHeld} held = ${summary.totalSupply} supply: ${summary.conserved ? 'conserved' : 'NOT CONSERVED'}`,
    ],
  ];
  const shownParticipants = participants.slice(0, 200);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WattLedger simulation: ${escapeXml(summary.scenario)}</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;font-size:12px;margin:8px 0 24px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
figure{margin:16px 0}</style></head><body>
<h1>WattLedger simulation: ${escapeXml(summary.scenario)}</h1>
<p>${escapeXml(day.scenario.description)}</p>
<h2>Summary</h2>
<table><tbody>${figures.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('\n')}</tbody></table>
<h2>Charts</h2>
${charts.map((c) => `<figure>${c.svg}<figcaption>${escapeXml(c.title)} (<a href="${c.name}.svg">SVG</a>, <a href="${c.name}.png">PNG</a>)</figcaption></figure>`).join('\n')}
<h2>Participants</h2>
${participants.length > shownParticipants.length ? `<p>The first ${shownParticipants.length} of ${participants.length}; all in participants.csv.</p>` : ''}
${table(shownParticipants)}
<h2>Failed messages</h2>
${failures.length === 0 ? '<p>None: every commit, reveal and reading was accepted.</p>' : table(failures.slice(0, 200))}
<p>Data: periods.csv, participant-periods.csv, trades.csv, failures.csv, participants.csv (and the same as JSON), summary.json.</p>
</body></html>
`;
}
