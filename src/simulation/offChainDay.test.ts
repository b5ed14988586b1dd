import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDay } from './dayRunner.ts';
import { offChainMarket } from './offChainMarket.ts';
import { writeDayOutputs } from './output/writeOutputs.ts';
import { loadScenario, withFeeder } from './scenario.ts';

const caseStudy = loadScenario('scenarios/case-study.json');
const offChain = (s = caseStudy) => runDay(s, offChainMarket(s), 'off-chain');

/** Every output file except the timings in summary.json and the report, by name. */
function outputs(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.png')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    files[name] = text
      .replace(/"(wall|setup)Seconds": [\d.]+|"(transactions|bids)PerSecond": [\d.]+/g, '')
      .replace(/<tr><th>wall time<\/th><td>[^<]*<\/td><\/tr>/, '');
  }
  return files;
}

describe('the off-chain day', () => {
  it('gives identical output for the same seed, and another day for another seed', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'sim-a-')), mkdtempSync(join(tmpdir(), 'sim-b-'))];
    writeDayOutputs(await offChain(), a, { png: false });
    writeDayOutputs(await offChain(), b, { png: false });
    expect(outputs(a)).toEqual(outputs(b));
    expect(Object.keys(outputs(a))).toContain('report.html');
    const other = await offChain({ ...caseStudy, seed: caseStudy.seed + 1 });
    const c = mkdtempSync(join(tmpdir(), 'sim-c-'));
    writeDayOutputs(other, c, { png: false });
    expect(outputs(c)['trades.csv']).not.toEqual(outputs(a)['trades.csv']);
  });

  it('trades, settles and conserves the token total every period of the case study', async () => {
    const day = await offChain();
    expect(day.periods.map((p) => p.period)).toEqual(Array.from({ length: 96 }, (_, i) => i + 1));
    expect(day.periods.reduce((n, p) => n + p.trades.length, 0)).toBeGreaterThan(100);
    for (const p of day.periods) {
      expect(p.balances.reduce((s, b) => s + b, p.grid)).toBe(day.closing.totalSupply);
      // Every revealed bid is settled, and awards never exceed what was declared.
      for (const x of p.participants) expect(x.awardedWh <= x.declaredWh).toBe(true);
    }
    expect(day.closing.totalSupply).toBe(
      caseStudy.participants.reduce((s, p) => s + p.deposit, caseStudy.gridFloat),
    );
  });

  it('runs a generated feeder with prosumers, missing readings and debts, conserving tokens', async () => {
    const feeder = withFeeder({ ...caseStudy, seed: 11 }, 300);
    const day = await offChain(feeder);
    const all = day.periods.flatMap((p) => p.participants);
    expect(all.some((x) => x.actualWh === null)).toBe(true);
    expect(new Set(all.map((x) => x.side))).toEqual(new Set(['sell', 'buy']));
    expect(day.closing.balances.reduce((s, b) => s + b, day.closing.grid)).toBe(day.closing.totalSupply);
  });
});
