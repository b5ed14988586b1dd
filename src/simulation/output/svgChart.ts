/**
 * A small SVG chart renderer: line, step and bar series on shared axes, with ticks, axis labels, a
 * title and a legend. Output is a pure function of the input (fixed number formatting, no ids or
 * dates), so the same data always gives the same bytes.
 */
export type SeriesKind = 'line' | 'step' | 'bar';

export interface Series {
  readonly name: string;
  readonly kind: SeriesKind;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Labels for x values (e.g. a period number as a time of day). */
  readonly xFormat?: (x: number) => string;
  readonly width?: number;
  readonly height?: number;
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

const MARGIN = { left: 72, right: 20, top: 44, bottom: 54 };
const f = (n: number) => (Math.round(n * 100) / 100).toFixed(2).replace(/\.?0+$/, '') || '0';

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Math.round(v / step) * step);
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

const tickLabel = (v: number) => {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return v.toExponential(1);
  return String(Math.round(v * 1e6) / 1e6);
};

export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 820;
  const height = spec.height ?? 380;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const hasBars = spec.series.some((s) => s.kind === 'bar');
  // Loops, not Math.min(...xs): a curve may have more points than a call takes arguments.
  const lowest = (values: number[], start: number) => values.reduce((m, v) => (v < m ? v : m), start);
  const highest = (values: number[], start: number) => values.reduce((m, v) => (v > m ? v : m), start);
  let xMin = xs.length ? lowest(xs, Infinity) : 0;
  let xMax = xs.length ? highest(xs, -Infinity) : 1;
  if (hasBars) {
    xMin -= 0.5;
    xMax += 0.5;
  }
  if (xMin === xMax) xMax = xMin + 1;
  const yTicks = niceTicks(lowest(ys, 0), highest(ys, 0), 6);
  const yMin = yTicks[0]!;
  const yMax = yTicks[yTicks.length - 1]!;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const xTicks = niceTicks(xMin, xMax, 8).filter((x) => x >= xMin && x <= xMax);
  const xFormat = spec.xFormat ?? tickLabel;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
  );
  for (const y of yTicks) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(sy(y))}" y2="${f(sy(y))}" stroke="${y === 0 ? '#888' : '#e4e4e4'}"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(sy(y) + 4)}" text-anchor="end">${escapeXml(tickLabel(y))}</text>`,
    );
  }
  for (const x of xTicks) {
    out.push(
      `<line x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#444"/>`,
      `<text x="${f(sx(x))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${escapeXml(xFormat(x))}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  const bars = spec.series.filter((s) => s.kind === 'bar');
  const slot = plotW / (xMax - xMin);
  const barWidth = (slot * 0.8) / Math.max(1, bars.length);
  spec.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    if (s.kind === 'bar') {
      const b = bars.indexOf(s);
      for (const [x, y] of s.points) {
        const left = sx(x) - slot * 0.4 + b * barWidth;
        const top = Math.min(sy(y), sy(0));
        out.push(
          `<rect x="${f(left)}" y="${f(top)}" width="${f(barWidth)}" height="${f(Math.abs(sy(y) - sy(0)))}" fill="${color}"/>`,
        );
      }
      return;
    }
    if (s.points.length === 0) return;
    const d: string[] = [];
    s.points.forEach(([x, y], j) => {
      if (j === 0) d.push(`M${f(sx(x))} ${f(sy(y))}`);
      else if (s.kind === 'step') d.push(`H${f(sx(x))} V${f(sy(y))}`);
      else d.push(`L${f(sx(x))} ${f(sy(y))}`);
    });
    out.push(`<path d="${d.join(' ')}" fill="none" stroke="${color}" stroke-width="1.8"${dash}/>`);
  });
  // Legend, top right inside the plot.
  const legendW = 12 + Math.max(...spec.series.map((s) => s.name.length), 1) * 7 + 24;
  const lx = MARGIN.left + plotW - legendW - 6;
  out.push(
    `<rect x="${lx}" y="${MARGIN.top + 6}" width="${legendW}" height="${spec.series.length * 18 + 8}" fill="#ffffff" fill-opacity="0.85" stroke="#ccc"/>`,
  );
  spec.series.forEach((s, i) => {
    const y = MARGIN.top + 20 + i * 18;
    const color = PALETTE[i % PALETTE.length]!;
    out.push(
      s.kind === 'bar'
        ? `<rect x="${lx + 8}" y="${y - 8}" width="16" height="10" fill="${color}"/>`
        : `<line x1="${lx + 8}" x2="${lx + 24}" y1="${y - 3}" y2="${y - 3}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${lx + 30}" y="${y}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
