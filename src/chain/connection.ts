import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { ChainUnavailableError } from './errors.ts';

export type ChainPublicClient = PublicClient<Transport, Chain>;
export type ChainWalletClient = WalletClient<Transport, Chain, Account>;

/** One JSON-RPC endpoint: the embedded anvil or a consortium node. */
export interface ChainConnection {
  readonly rpcUrl: string;
  readonly chain: Chain;
  readonly publicClient: ChainPublicClient;
  wallet(account: Account): ChainWalletClient;
  /** anvil's clock and mining controls; only on the embedded chain. */
  readonly testClient: TestClient<'anvil', Transport, Chain> | undefined;
}

export interface ConnectOptions {
  /** How often receipts are polled; anvil mines at once, a BFT network every block period. */
  readonly pollingIntervalMs?: number;
  /** The node is anvil (the embedded chain), so clock controls are available. */
  readonly embedded?: boolean;
}

export async function connectChain(rpcUrl: string, options: ConnectOptions = {}): Promise<ChainConnection> {
  const pollingInterval = options.pollingIntervalMs ?? 50;
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (cause) {
    throw new ChainUnavailableError(`no Ethereum JSON-RPC node answers at ${rpcUrl}`, { rpcUrl }, cause);
  }
  const chain = defineChain({
    id: chainId,
    name: options.embedded ? 'WattLedger embedded chain' : `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // Logs of a busy period run to tens of megabytes (100,000 deposits are about 70 MB of JSON), over
  // viem's default 10 MB limit on a response.
  const transport = http(rpcUrl, { timeout: 120_000, maxResponseBodySize: 1 << 30 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval });
  return {
    rpcUrl,
    chain,
    publicClient,
    wallet: (account) => createWalletClient({ account, chain, transport, pollingInterval }),
    testClient: options.embedded
      ? createTestClient({ mode: 'anvil', chain, transport, pollingInterval })
      : undefined,
  };
}
