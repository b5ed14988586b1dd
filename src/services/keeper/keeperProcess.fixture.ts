/**
 * A keeper in its own process, for the test that kills it with SIGKILL part way through. Arguments:
 * the node's URL and the deployment as JSON (bigints as strings). It ticks until told to stop by a
 * signal, printing each action as a JSON line.
 */
import { getAddress } from 'viem';
import { connectChain } from '../../chain/connection.ts';
import type { Deployment } from '../../chain/deploy.ts';
import { embeddedAccounts } from '../../chain/devAccounts.ts';
import { readSchedule } from '../../chain/periodDriver.ts';
import { openPlatform } from '../../chain/platform.ts';
import { createKeeper } from './keeper.ts';

const [rpcUrl, deploymentJson, firstPeriod] = process.argv.slice(2);
const raw = JSON.parse(deploymentJson!) as Record<string, string | number>;
const deployment: Deployment = {
  chainId: Number(raw.chainId),
  registry: getAddress(String(raw.registry)),
  token: getAddress(String(raw.token)),
  market: getAddress(String(raw.market)),
  fromBlock: BigInt(raw.fromBlock!),
  operator: getAddress(String(raw.operator)),
  settlementAgent: getAddress(String(raw.settlementAgent)),
  publicGrid: getAddress(String(raw.publicGrid)),
};
const connection = await connectChain(rpcUrl!, { embedded: true, pollingIntervalMs: 10 });
const platform = openPlatform(connection, deployment);
const keeper = createKeeper({
  platform,
  account: embeddedAccounts().relayer,
  schedule: await readSchedule(platform),
  clock: { now: async () => (await connection.publicClient.getBlock()).timestamp },
  // One bid per clearing transaction and one participant per settlement: many places to die in.
  maxClearingEntriesPerTransaction: 1,
  settlementBatchSize: 1,
  firstPeriod: BigInt(firstPeriod!),
  onEvent: (event) =>
    process.stdout.write(`${JSON.stringify(event, (_, v) => (typeof v === 'bigint' ? String(v) : v))}\n`),
});
process.stdout.write('ready\n');
for (;;) await keeper.tick();
