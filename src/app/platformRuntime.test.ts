import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../config/config.ts';
import { WattLedgerError } from '../core/errors.ts';
import { openContinuousMarket } from '../chain/continuousMarket.ts';
import { startPlatformRuntime } from './platformRuntime.ts';

/** What the runtime says about a data folder it cannot use, on the real embedded chain. */
describe('the platform runtime on an existing data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-runtime-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = buildConfig(
    { chain: { mode: 'embedded', port: 0, stateIntervalSeconds: 3_600 }, caseStudy: { enabled: false } },
    'test',
    dataDir,
    { dataDir },
  );

  it('resumes its own deployment, and refuses one whose market is not this version’s, naming the folder', async () => {
    const first = await startPlatformRuntime(config);
    expect(first.deployedNow).toBe(true);
    const { market, token } = first.platform.deployment;
    await first.stop();

    const again = await startPlatformRuntime(config);
    expect(again.deployedNow).toBe(false);
    expect(again.platform.deployment.market).toBe(market);
    await again.stop();

    // A record whose market address holds other code (as an earlier version's market would).
    const path = join(dataDir, 'deployment.json');
    const record = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...record, market: token }));
    const refused = await startPlatformRuntime(config).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(WattLedgerError);
    expect((refused as WattLedgerError).code).toBe('DEPLOYMENT_OUTDATED');
    expect((refused as WattLedgerError).message).toContain(dataDir);
  }, 120_000);

  it('deploys the continuous market when the configuration chooses it, and keeps a folder to its mechanism', async () => {
    const continuousDir = mkdtempSync(join(tmpdir(), 'wattledger-runtime-'));
    try {
      const continuous = buildConfig(
        {
          chain: { mode: 'embedded', port: 0, stateIntervalSeconds: 3_600 },
          caseStudy: { enabled: false },
          market: { mechanism: 'continuous', gateClosureSeconds: 120 },
        },
        'test',
        continuousDir,
        { dataDir: continuousDir },
      );
      const runtime = await startPlatformRuntime(continuous);
      const { deployment } = runtime.platform;
      expect(deployment.mechanism).toBe('continuous');
      const cda = openContinuousMarket(runtime.connection, deployment.continuousMarket!);
      expect(await cda.read.read.periodicMarket()).toBe(deployment.market);
      expect(await cda.read.read.gateClosureSeconds()).toBe(120n);
      expect(await cda.read.read.marginAmount()).toBe(continuous.market.marginAmount);
      await runtime.stop();

      const periodic = buildConfig(
        { chain: { mode: 'embedded', port: 0, stateIntervalSeconds: 3_600 }, caseStudy: { enabled: false } },
        'test',
        continuousDir,
        { dataDir: continuousDir },
      );
      const refused = await startPlatformRuntime(periodic).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect((refused as WattLedgerError).code).toBe('MECHANISM_MISMATCH');
      expect((refused as WattLedgerError).message).toContain(continuousDir);
    } finally {
      rmSync(continuousDir, { recursive: true, force: true });
    }
  }, 120_000);
});
