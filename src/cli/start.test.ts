import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/runCli.ts';

describe('wattledger start (what npm start runs)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('deploys, enrols the case study and trades one period; run again it trades the next', async () => {
    const first = await runCli(['start', '--data-dir', dataDir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('contracts deployed');
    expect(first.stdout).toMatch(/enrolled #1 Wind producer/);
    expect(first.stdout).toContain('identical to the market core');
    expect(first.stdout).toMatch(/Public grid\s/);
    const deployment = JSON.parse(readFileSync(join(dataDir, 'deployment.json'), 'utf8'));
    const periodOf = (text: string) => Number(/Period (\d+), delivery/.exec(text)?.[1]);
    const windAfter = (text: string) => /Wallets[\s\S]*?Wind producer\s+\S+\s+(\S+)/.exec(text)?.[1];

    const second = await runCli(['start', '--data-dir', dataDir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`contracts found at ${deployment.market}`);
    expect(second.stdout).not.toContain('enrolled #1');
    expect(periodOf(second.stdout)).toBeGreaterThan(periodOf(first.stdout));
    // The second run starts from the balances the first one left.
    expect(/Wallets[\s\S]*?Wind producer\s+(\S+)/.exec(second.stdout)?.[1]).toBe(windAfter(first.stdout));
  }, 120_000);

  it('refuses a bad configuration naming the file and the field', async () => {
    const run = await runCli(['start', '--data-dir', dataDir, '--port', 'eighty']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'wattledger start: defaults: chain.port: must be a whole number from 0 to 65535, got "eighty"\n',
    );
  });
});
