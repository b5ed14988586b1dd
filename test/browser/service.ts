// The platform service the browser tests run against: the real API server with the embedded chain,
// serving web/dist, its clock running fast. No test mocks the API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatformService } from '../../src/app/platformService.ts';
import { WEB_ROOT } from '../../src/cli/commands/start.ts';
import { buildConfig } from '../../src/config/config.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface TestService {
  /** Where the server listens, e.g. `http://127.0.0.1:PORT`, serving the UI at `/` and the API at `/api`. */
  baseUrl: string;
  /** The operator account the service starts with. */
  operator: Credentials;
  /** Stops the server, its keeper, gateway, indexer and chain, and removes its data folder. */
  close: () => Promise<void>;
  /** Runs the chain's clock at another speed (slow while pages are checked, fast to settle). */
  setSpeed: (speed: number) => void;
}

/**
 * Starts a fresh platform, without the case study (so the test's own participants trade only with
 * each other), its chain clock at 30× the wall clock: a period goes from bidding to settlement in
 * about two minutes.
 */
export async function startTestService(
  options: {
    caseStudy?: boolean;
    speed?: number;
    /** Settings of the configuration's `market` section (e.g. the continuous mechanism). */
    market?: Readonly<Record<string, unknown>>;
  } = {},
): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-browser-'));
  const config = buildConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      clock: { speed: options.speed ?? 30 },
      caseStudy: { enabled: options.caseStudy ?? false },
      chain: { mode: 'embedded', port: 0, stateIntervalSeconds: 3_600 },
      ...(options.market === undefined ? {} : { market: options.market }),
    },
    'browser test',
    dataDir,
    { dataDir },
  );
  const service = await startPlatformService(config, {
    webRoot: WEB_ROOT,
    heartbeatMs: 500,
    log: (line) => console.error(line),
  });
  return {
    baseUrl: service.url,
    operator: { username: 'operator', password: service.operatorPassword! },
    setSpeed: (speed) => service.context.clock.setSpeed(speed),
    async close() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
