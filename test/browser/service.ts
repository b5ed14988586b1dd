// The platform service the browser tests run against: the real API server with the embedded chain,
// serving web/dist. The integrator wires this to `startPlatformService(...)`; no test mocks the API.

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
}

/**
 * Starts a fresh platform with its chain clock running fast enough that a period goes from bidding
 * to settlement within a couple of minutes of wall-clock time.
 */
export async function startTestService(): Promise<TestService> {
  throw new Error('wired by the integrator');
}
