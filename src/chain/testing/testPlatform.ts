/** A fresh embedded chain with the platform deployed, for tests and benchmarks. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalAccount } from 'viem';
import { periodWindows, type PeriodSchedule } from '../../core/periodClock.ts';
import { REFERENCE_PARAMETERS } from '../../core/settlement.ts';
import { startAnvil, type EmbeddedChain } from '../anvil.ts';
import { simulatedClock, type ChainClock } from '../chainClock.ts';
import { connectChain, type ChainConnection } from '../connection.ts';
import { deployPlatform, type ContinuousMarketSettings, type MarketParameters } from '../deploy.ts';
import { embeddedAccounts, newAccount, type PlatformAccounts } from '../devAccounts.ts';
import {
  authoriseParticipant,
  bindMeter,
  deposit,
  registerBySignature,
  type ParticipantProfile,
} from '../participants.ts';
import { openPlatform, type Platform } from '../platform.ts';
import { createRelayer, type Relayer } from '../relayer.ts';
import type { PeriodDriver } from '../periodDriver.ts';

export const TEST_PARAMETERS: MarketParameters = {
  marginAmount: 10n ** 17n, // 0.1 currency units
  referencePricePerWh: 500_000_000_000_000n, // 0.5 per kWh
  shortfallFactorPpm: Number(REFERENCE_PARAMETERS.shortfallFactorPpm),
  surplusFactorPpm: Number(REFERENCE_PARAMETERS.surplusFactorPpm),
  rewardRatePpm: Number(REFERENCE_PARAMETERS.rewardRatePpm),
  penaltyRatePpm: Number(REFERENCE_PARAMETERS.penaltyRatePpm),
};

export interface TestPlatform extends PeriodDriver {
  readonly chain: EmbeddedChain;
  readonly connection: ChainConnection;
  readonly accounts: PlatformAccounts;
  readonly dataDir: string;
  enrol(profile: ParticipantProfile, depositAmount: bigint): Promise<Enrolled>;
  /** The first period whose commit window has not opened yet. */
  nextOpenPeriod(): Promise<bigint>;
  /** The settlement agent deposits `amount` into the public grid's float. */
  fundGrid(amount: bigint): Promise<unknown>;
  stop(): Promise<void>;
}

export interface Enrolled {
  readonly account: LocalAccount;
  readonly id: number;
  readonly meter: LocalAccount;
  readonly meterNumber: string;
  readonly profile: ParticipantProfile;
}

export async function startTestPlatform(
  options: {
    parameters?: Partial<MarketParameters>;
    schedule?: Partial<PeriodSchedule>;
    dataDir?: string;
    /** Deploy the maintenance plans the market consults. */
    maintenancePlans?: boolean;
    /** Deploy the grid connection register (wheeling fees and levies) the market charges from. */
    gridConnections?: boolean;
    /** Deploy the forward rights (large-user direct purchase). */
    forwardRights?: boolean;
    /** Run the continuous mechanism: deploy the continuous market with these settings. */
    continuousMarket?: ContinuousMarketSettings;
    /** anvil's block gas limit (default 30 M). */
    blockGasLimit?: bigint;
  } = {},
): Promise<TestPlatform> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wattledger-test-'));
  // A clean stop writes the state; periodic dumps of a large state would only slow the chain down.
  const chain = await startAnvil({
    dataDir,
    enforceTransactionGasCap: true,
    stateIntervalSeconds: 3_600,
    blockGasLimit: options.blockGasLimit,
  });
  const connection = await connectChain(chain.rpcUrl, { embedded: true, pollingIntervalMs: 10 });
  // Each block one second after the last, whatever the wall clock: simulations are repeatable and
  // slow machines never miss a window.
  await connection.testClient!.setBlockTimestampInterval({ interval: 1 });
  const accounts = embeddedAccounts();
  const now = (await connection.publicClient.getBlock()).timestamp;
  const schedule: PeriodSchedule = {
    genesis: now + 900n,
    periodSeconds: 900,
    commitSeconds: 180,
    revealSeconds: 120,
    readingSeconds: 600,
    ...options.schedule,
  };
  const deployment = await deployPlatform(connection, {
    operator: accounts.operator,
    settlementAgent: accounts.settlementAgent.address,
    publicGrid: accounts.publicGrid.address,
    schedule,
    parameters: { ...TEST_PARAMETERS, ...options.parameters },
    maintenancePlans: options.maintenancePlans,
    gridConnections: options.gridConnections,
    forwardRights: options.forwardRights,
    ...(options.continuousMarket === undefined
      ? {}
      : { mechanism: 'continuous' as const, continuousMarket: options.continuousMarket }),
  });
  const platform: Platform = openPlatform(connection, deployment);
  const relayer: Relayer = createRelayer(platform, accounts.relayer);
  let meters = 0;
  return {
    chain,
    connection,
    platform,
    accounts,
    dataDir,
    clock: simulatedClock(connection) as ChainClock,
    relayer,
    keeper: accounts.relayer,
    schedule,
    async enrol(profile, depositAmount) {
      const account = newAccount();
      const id = await registerBySignature(platform, accounts.relayer, account, profile);
      await authoriseParticipant(platform, accounts.operator, id);
      const meter = newAccount();
      meters += 1;
      const meterNumber = String(100_000_000_000 + meters).padStart(12, '0');
      await bindMeter(platform, accounts.operator, id, meter.address, meterNumber);
      if (depositAmount > 0n)
        await deposit(
          platform,
          accounts.settlementAgent,
          account.address,
          depositAmount,
          `test deposit ${id}`,
        );
      return { account, id, meter, meterNumber, profile };
    },
    fundGrid: (amount) =>
      deposit(platform, accounts.settlementAgent, accounts.publicGrid.address, amount, 'grid float'),
    async nextOpenPeriod() {
      const now = (await connection.publicClient.getBlock()).timestamp;
      let period = 1n;
      while (periodWindows(schedule, period).commitOpens < now) period += 1n;
      return period;
    },
    async stop() {
      await chain.stop();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
