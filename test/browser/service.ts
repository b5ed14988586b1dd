// The platform service the browser tests run against: the real API server with the embedded chain,
// serving web/dist. The integrator wires this to `startPlatformService(...)`; no test mocks the API.
//
// Wired as below against the service's own test fixture (src/server/testing/testService.ts on main),
// platform.test.ts passed (about 45 s) before this branch was handed over:
//
//   const t = await startPlatform({ webRoot: fileURLToPath(new URL('../../web/dist', import.meta.url)),
//                                   caseStudy: false });
//   return { baseUrl: t.url, operator: { username: 'operator', password: t.service.operatorPassword! },
//            runPeriod: (period) => t.runPeriod(BigInt(period)), close: () => t.stop() };

export interface Credentials {
  username: string;
  password: string;
}

export interface TestService {
  /** Where the server listens, e.g. `http://127.0.0.1:PORT`, serving the UI at `/` and the API at `/api`. */
  baseUrl: string;
  /** The operator account the service starts with. */
  operator: Credentials;
  /**
   * Takes the platform through every window of `period` until it is settled: with a hand-moved
   * clock, advance it and run the heartbeats; with a running clock, wait.
   */
  runPeriod: (period: number) => Promise<void>;
  /** Stops the server, its keeper, gateway, indexer and chain, and removes its data folder. */
  close: () => Promise<void>;
}

/**
 * Starts a fresh platform serving web/dist (built by `npm run build:web`), **without** the case-study
 * participants: the two the test signs up are the whole market, so their one trade is known. The
 * clock must stand still (or run slowly) until `runPeriod` is called, so that bidding is still open
 * while the test looks for leaked sealed bids.
 */
export async function startTestService(): Promise<TestService> {
  throw new Error('wired by the integrator');
}
