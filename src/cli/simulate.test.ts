import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from './testing/runCli.ts';

const outDir = () => mkdtempSync(join(tmpdir(), 'wattledger-sim-'));

describe('wattledger simulate', () => {
  it('runs the case-study day off chain and writes tables, charts and the report', async () => {
    const out = outDir();
    const run = await runCli(['simulate', '--off-chain', '--out', out]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      scenario: 'case-study',
      mode: 'off-chain',
      participants: 4,
      periods: 96,
      conserved: true,
    });
    for (const file of [
      'periods.csv',
      'participant-periods.json',
      'trades.csv',
      'failures.csv',
      'summary.json',
      'report.html',
      'average-price.svg',
      'average-price.png',
      'money.png',
      'imbalance.svg',
      'supply-demand-032.svg',
      'energy-wind-producer.svg',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(readFileSync(join(out, 'periods.csv'), 'utf8').split('\n')[0]).toBe(
      'period,ends,bids,sellers,buyers,trades,tradedKwh,averagePrice,declaredKwh,awardedKwh,actualKwh,missingReadings,imbalanceKwh,imbalanceToParticipants,rewards,penalties,gridBalance,failures,transactions,gas',
    );
    expect(readFileSync(join(out, 'average-price.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(run.stderr).toContain('case-study (off chain): period 96, step 98/98');
  });

  it('runs a short scenario on the embedded chain', async () => {
    const out = outDir();
    const run = await runCli(['simulate', '--periods', '4', '--no-png', '--out', out]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ mode: 'on-chain', periods: 4, conserved: true, failures: 0 });
    expect(summary.transactions).toBeGreaterThan(10);
    const periods = readFileSync(join(out, 'periods.csv'), 'utf8').trim().split('\n');
    expect(periods).toHaveLength(5);
  });

  it("compares the clearing mechanisms with --compare, the contracts' three on chain", async () => {
    const out = outDir();
    const run = await runCli(['simulate', '--compare', '--periods', '3', '--no-png', '--out', out]);
    expect(run.code).toBe(0);
    const { mechanisms } = JSON.parse(run.stdout);
    expect(mechanisms.map((m: { mechanism: string; run: string }) => `${m.mechanism} ${m.run}`)).toEqual([
      'green-first on-chain',
      'green-first-uniform on-chain',
      'uniform-price off-chain',
      'continuous on-chain',
    ]);
    expect(Number(mechanisms[0].gasPerParticipantPeriod)).toBeGreaterThan(100_000);
    expect(Number(mechanisms[1].gasPerParticipantPeriod)).toBeGreaterThan(100_000);
    expect(mechanisms[2].gasPerParticipantPeriod).toBe('not on chain');
    expect(Number(mechanisms[3].gasPerParticipantPeriod)).toBeGreaterThan(50_000);
    for (const file of ['comparison.csv', 'comparison.json', 'comparison.html', 'compare-welfare.svg']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    for (const mechanism of ['green-first', 'green-first-uniform', 'uniform-price', 'continuous']) {
      expect(existsSync(join(out, mechanism, 'report.html')), mechanism).toBe(true);
    }
    expect(readFileSync(join(out, 'comparison.csv'), 'utf8').split('\n')[0]).toBe(
      'mechanism,run,trades,tradedKwh,welfare,competitiveOptimum,efficiencyPercent,averagePrice,priceSpread,minPrice,maxPrice,greenSharePercent,imbalanceKwh,gasPerParticipantPeriod',
    );
  });

  it('reads the readings from virtual meters through the gateway with --meters', async () => {
    const out = outDir();
    const run = await runCli(['simulate', '--meters', '--periods', '3', '--no-png', '--out', out]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      mode: 'on-chain',
      meters: true,
      periods: 3,
      conserved: true,
      failures: 0,
    });
    expect(existsSync(join(out, 'gateway.sqlite'))).toBe(true);
    expect(run.stderr).toContain('4 meters on 1 bus served over TCP');
    const off = await runCli([
      'simulate',
      '--meters',
      '--off-chain',
      '--periods',
      '3',
      '--no-png',
      '--out',
      outDir(),
    ]);
    // The same register model off chain settles the same day.
    const { bids, trades, tradedKwh, imbalanceKwh, rewards, penalties, missingReadings } = summary;
    expect(JSON.parse(off.stdout)).toMatchObject({
      mode: 'off-chain',
      meters: true,
      ...{ bids, trades, tradedKwh, imbalanceKwh, rewards, penalties, missingReadings },
    });
  });

  it('refuses a scenario with an error, naming the file, the field and the reason', async () => {
    const file = tempFile({ name: 'x', seed: 1, periods: 4, market: {}, gridFloat: '1' });
    const run = await runCli(['simulate', '--off-chain', '--scenario', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `wattledger simulate: ${file}: market.margin: must be a decimal string, got nothing (the field is missing)\n`,
    );
    const bad = await runCli(['simulate', '--participants', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--participants must be a whole number');
  });
});
