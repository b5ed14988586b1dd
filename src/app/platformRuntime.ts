/**
 * Brings the platform up from a configuration: the embedded chain (started, its clock restored) or a
 * JSON-RPC node, and the contracts — deployed once, then found again from the deployment record in
 * the data folder.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress } from 'viem';
import type { WattLedgerConfig } from '../config/config.ts';
import { WattLedgerError } from '../core/errors.ts';
import { startAnvil, type EmbeddedChain } from '../chain/anvil.ts';
import { restoreMonotonicClock } from '../chain/chainClock.ts';
import { connectChain, type ChainConnection } from '../chain/connection.ts';
import { openRoleKeys, readPassword } from './roleKeys.ts';
import { deployPlatform, type Deployment } from '../chain/deploy.ts';
import { embeddedAccounts, type PlatformAccounts } from '../chain/devAccounts.ts';
import { openPlatform, type Platform } from '../chain/platform.ts';
import { energyMarketAbi } from '../chain/generated/EnergyMarket.ts';

export interface PlatformRuntime {
  readonly config: WattLedgerConfig;
  readonly chain: EmbeddedChain | undefined;
  readonly connection: ChainConnection;
  readonly platform: Platform;
  readonly accounts: PlatformAccounts;
  /** True when the contracts were deployed by this start (a fresh data folder). */
  readonly deployedNow: boolean;
  stop(): Promise<void>;
}

const deploymentFile = (config: WattLedgerConfig) => join(config.dataDir, 'deployment.json');

function readDeployment(path: string): Deployment | undefined {
  if (!existsSync(path)) return undefined;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string | number>;
  // Contracts deployed only when configured (or by later versions) are absent from older records.
  const optional = (name: 'subsidyPool' | 'maintenancePlans' | 'continuousMarket' | 'gridConnections') =>
    raw[name] === undefined ? {} : { [name]: getAddress(String(raw[name])) };
  return {
    chainId: Number(raw.chainId),
    registry: getAddress(String(raw.registry)),
    token: getAddress(String(raw.token)),
    market: getAddress(String(raw.market)),
    fromBlock: BigInt(raw.fromBlock!),
    operator: getAddress(String(raw.operator)),
    settlementAgent: getAddress(String(raw.settlementAgent)),
    publicGrid: getAddress(String(raw.publicGrid)),
    mechanism: raw.mechanism === 'continuous' ? 'continuous' : 'periodic',
    ...optional('subsidyPool'),
    ...optional('maintenancePlans'),
    ...optional('continuousMarket'),
    ...optional('gridConnections'),
  };
}

export async function startPlatformRuntime(
  config: WattLedgerConfig,
  progress: (line: string) => void = () => {},
): Promise<PlatformRuntime> {
  mkdirSync(config.dataDir, { recursive: true });
  let chain: EmbeddedChain | undefined;
  let connection: ChainConnection;
  let accounts: PlatformAccounts;
  if (config.chain.mode === 'rpc') {
    progress(`connecting to the JSON-RPC node at ${config.chain.url}`);
    accounts = await openRoleKeys(config.dataDir, readPassword(config.keys.passwordFile!));
    connection = await connectChain(config.chain.url, { pollingIntervalMs: config.chain.pollingIntervalMs });
  } else {
    progress(`starting the embedded chain (anvil), state kept in ${join(config.dataDir, 'chain')}`);
    chain = await startAnvil({
      dataDir: join(config.dataDir, 'chain'),
      port: config.chain.port,
      stateIntervalSeconds: config.chain.stateIntervalSeconds,
      enforceTransactionGasCap: true,
    });
    connection = await connectChain(chain.rpcUrl, { embedded: true, pollingIntervalMs: 20 });
    accounts = embeddedAccounts();
  }
  try {
    await restoreMonotonicClock(connection);
    const path = deploymentFile(config);
    let deployment = readDeployment(path);
    const deployedNow = deployment === undefined;
    if (deployment !== undefined) {
      const code = await connection.publicClient.getCode({ address: deployment.market });
      if (code === undefined || code === '0x') {
        throw new WattLedgerError(
          'DEPLOYMENT_MISSING',
          `${path} names a market at ${deployment.market} but the chain has no contract there (the chain state was lost); move ${config.dataDir} aside to start afresh`,
        );
      }
      // A market deployed by an earlier version lacks the views this one reads; say so plainly
      // instead of failing later on a call the old contract does not have.
      const current = await connection.publicClient
        .readContract({ address: deployment.market, abi: energyMarketAbi, functionName: 'gridConnections' })
        .then(
          () => true,
          () => false,
        );
      if (!current) {
        throw new WattLedgerError(
          'DEPLOYMENT_OUTDATED',
          `${path} names a market at ${deployment.market} deployed by an earlier version of WattLedger, whose contracts this version cannot drive; move ${config.dataDir} aside to start afresh`,
        );
      }
      if (deployment.mechanism !== config.market.mechanism) {
        throw new WattLedgerError(
          'MECHANISM_MISMATCH',
          `${path} names a market deployed to run the ${deployment.mechanism} mechanism, but market.mechanism is "${config.market.mechanism}"; a data folder keeps its mechanism: set it back, or move ${config.dataDir} aside to start afresh`,
        );
      }
      progress(`contracts found at ${deployment.market} (deployment record ${path})`);
    } else {
      const now = (await connection.publicClient.getBlock()).timestamp;
      const period = BigInt(config.market.periodSeconds);
      const m = config.market;
      deployment = await deployPlatform(connection, {
        operator: accounts.operator,
        settlementAgent: accounts.settlementAgent.address,
        publicGrid: accounts.publicGrid.address,
        // Period 1 starts at the next period boundary after the one under way.
        schedule: {
          genesis: (now / period + 2n) * period,
          periodSeconds: m.periodSeconds,
          commitSeconds: m.commitSeconds,
          revealSeconds: m.revealSeconds,
          readingSeconds: m.readingSeconds,
        },
        parameters: {
          marginAmount: m.marginAmount,
          referencePricePerWh: m.referencePricePerWh,
          shortfallFactorPpm: Number(m.shortfallFactorPpm),
          surplusFactorPpm: Number(m.surplusFactorPpm),
          rewardRatePpm: Number(m.rewardRatePpm),
          penaltyRatePpm: Number(m.penaltyRatePpm),
          pricing: m.pricing,
          priceFloorPerWh: m.priceFloorPerWh,
          priceCapPerWh: m.priceCapPerWh,
          sellerShareCapBps: m.sellerShareCapBps,
          reputationWeightPpm: Number(m.reputationWeightPpm),
        },
        token: config.token,
        mechanism: m.mechanism,
        ...(m.mechanism === 'continuous'
          ? { continuousMarket: { gateClosureSeconds: m.gateClosureSeconds, marginAmount: m.marginAmount } }
          : {}),
        subsidyPool: true,
        maintenancePlans: true,
        gridConnections: true,
        forwardRights: true,
        onProgress: progress,
      });
      writeFileSync(
        path,
        `${JSON.stringify(deployment, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
      );
      progress(`contracts deployed; record written to ${path}`);
    }
    return {
      config,
      chain,
      connection,
      platform: openPlatform(connection, deployment),
      accounts,
      deployedNow,
      stop: async () => await chain?.stop(),
    };
  } catch (error) {
    await chain?.stop();
    throw error;
  }
}
