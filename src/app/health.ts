/** The health of the platform's parts, as the operator's page shows it. */
export interface PlatformHealth {
  readonly chain: {
    ok: boolean;
    chainId: number;
    blockNumber: number | null;
    chainTime: number | null;
    error?: string;
  };
  readonly indexer: { ok: boolean; indexedBlock: number; lag: number | null };
  readonly keeper: {
    ok: boolean;
    lastTickAt: number | null;
    lastAction: string | null;
    lastError: string | null;
  };
  readonly gateway: {
    ok: boolean;
    meters: number;
    lastBoundary: number | null;
    queued: number;
    unreachable: readonly string[];
    lastError: string | null;
  };
}
