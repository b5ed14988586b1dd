/**
 * The platform's meters and their reading gateway. Each bound meter's signing key is made by the
 * platform and kept encrypted by the platform's secret (the gateway signs each reading with it). In
 * the embedded mode the meters are simulated: DL/T 645 virtual meters on one bus served over TCP on
 * loopback, read by the gateway through the same codec and transport a real RS-485 gateway uses, on
 * the platform's clock. The case study's meters measure exactly what its plan says happened.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Account, LocalAccount } from 'viem';
import { periodAt, periodWindows, type PeriodSchedule } from '../core/periodClock.ts';
import { bindMeter } from '../chain/participants.ts';
import type { Platform } from '../chain/platform.ts';
import type { Relayer } from '../chain/relayer.ts';
import { decryptKeystore, encryptKeystore } from '../keys/keystore.ts';
import {
  createReadingGateway,
  type GatewayEvent,
  type GatewayMeter,
} from '../meter/gateway/readingGateway.ts';
import { openReadingStore } from '../meter/gateway/readingStore.ts';
import { combined, dailyLoad, solar, type PowerProfile } from '../meter/simulator/profiles.ts';
import { serveBusOverTcp, type RunningServer } from '../meter/simulator/servers.ts';
import { createSimulatedBus } from '../meter/simulator/simulatedBus.ts';
import { createVirtualMeter, type VirtualMeter } from '../meter/simulator/virtualMeter.ts';
import { createMeterBus, type MeterBus } from '../meter/transport/meterBus.ts';
import { createMeterClient } from '../meter/transport/meterClient.ts';
import { openTcpChannel } from '../meter/transport/tcpChannel.ts';
import { CASE_STUDY_ROLES, planFor } from './caseStudy.ts';
import type { ChainLock } from './chainLock.ts';
import { RequestError } from './errors.ts';
import type { PlatformStore, StoredMeter } from './platformStore.ts';

export interface MeterFleetStatus {
  readonly meters: number;
  readonly lastBoundary: number | null;
  readonly queued: number;
  readonly unreachable: readonly string[];
  readonly lastError: string | null;
}

/** What a simulated meter measures: the case study's plan, or a profile by the participant's kind. */
export function simulationProfile(simulation: string, schedule: PeriodSchedule): PowerProfile {
  const role = CASE_STUDY_ROLES.find((r) => `case-study:${r.key}` === simulation);
  if (role !== undefined) {
    return (timeMs) => {
      const period = periodAt(schedule, BigInt(Math.floor(timeMs / 1000)));
      if (period === 0n) return 0;
      const watts = (Number(planFor(period, role.key).actualWh) * 3600) / schedule.periodSeconds;
      return role.side === 'sell' ? -watts : watts;
    };
  }
  switch (simulation) {
    case 'producer':
      return solar(2_000);
    case 'consumer':
      return dailyLoad(200, 1_200);
    default:
      return combined(solar(1_500), dailyLoad(200, 800));
  }
}

export async function startMeterFleet(deps: {
  store: PlatformStore;
  platform: Platform;
  relayer: Relayer;
  operator: Account;
  lock: ChainLock;
  schedule: PeriodSchedule;
  platformSecret: string;
  gatewayStorePath: string;
  /** The simulation's clock in ms (the chain's clock). */
  clockMs: () => number;
}) {
  const { store, platform, lock, schedule } = deps;
  const readingStore = openReadingStore(deps.gatewayStorePath);
  const virtualMeters: VirtualMeter[] = [];
  const gatewayMeters: GatewayMeter[] = [];
  const bus = createSimulatedBus(virtualMeters);
  const server: RunningServer = await serveBusOverTcp(bus);
  const meterBus: MeterBus = createMeterBus(await openTcpChannel('127.0.0.1', server.port!), {
    timeoutMs: 1_500,
    retries: 2,
  });
  const client = createMeterClient(meterBus);
  const unreachable = new Set<string>();
  let lastError: string | null = null;
  let lastBoundary: bigint | null = null;
  // A real gateway reads its meters within seconds of a boundary; at a fast simulated clock seconds are
  // minutes, so the simulated meters stop at the next boundary until the gateway has read it.
  const meterClock = () => {
    const now = deps.clockMs();
    if (lastBoundary === null) return now;
    return Math.min(now, Number(periodWindows(schedule, lastBoundary).deliveryEnds) * 1000);
  };
  const gateway = createReadingGateway({
    store: readingStore,
    meters: gatewayMeters,
    platform,
    relayer: deps.relayer,
    onEvent: (event: GatewayEvent) => {
      if (event.type === 'meter-unreachable') unreachable.add(event.meterNumber);
      if (event.type === 'snapshot') unreachable.delete(event.meterNumber);
      if (event.type === 'refused' || event.type === 'chain-unreachable') lastError = event.reason;
    },
  });

  async function attach(meter: StoredMeter): Promise<void> {
    const key: LocalAccount = await decryptKeystore(meter.keystore, deps.platformSecret);
    // A restarted simulation resumes from the registers the gateway last read.
    const last = readingStore.latestSnapshot(meter.meterNumber);
    virtualMeters.push(
      createVirtualMeter({
        address: meter.meterNumber,
        profile: simulationProfile(meter.simulation, schedule),
        clock: meterClock,
        forwardSteps: last === undefined ? 0n : last.forwardWh / 10n,
        reverseSteps: last === undefined ? 0n : last.reverseWh / 10n,
      }),
    );
    gatewayMeters.push({ participantId: meter.participantId, meterNumber: meter.meterNumber, key, client });
  }

  for (const meter of store.meters()) await attach(meter);

  return {
    /** Makes a meter key, binds it on chain to the participant, and starts reading the meter. */
    async bind(participantId: number, meterNumber: string, simulation: string) {
      if (!/^\d{12}$/.test(meterNumber))
        throw new RequestError(
          'invalid',
          `"${meterNumber}" is not a 12-digit DL/T 645 meter address`,
          'meterNumber',
        );
      if (store.meters().some((m) => m.meterNumber === meterNumber))
        throw new RequestError('conflict', `meter ${meterNumber} is bound already`, 'meterNumber');
      if (store.meters().some((m) => m.participantId === participantId))
        throw new RequestError(
          'conflict',
          `participant ${participantId} has a meter already`,
          'participantId',
        );
      const key = generatePrivateKey();
      const address = privateKeyToAccount(key).address;
      const receipt = await lock.run(() =>
        bindMeter(platform, deps.operator, participantId, address, meterNumber),
      );
      const meter: StoredMeter = {
        meterNumber,
        participantId,
        address,
        keystore: await encryptKeystore(key, deps.platformSecret),
        simulation,
      };
      store.addMeter(meter);
      await attach(meter);
      return { meter, receipt };
    },
    /** Reads the boundary of the period under way (once) and submits what is queued. */
    async tick(nowSeconds: bigint) {
      const result = await lock.run(() => gateway.tick(nowSeconds, schedule));
      if (result.boundary !== undefined) lastBoundary = result.boundary.period;
      return result;
    },
    status(): MeterFleetStatus {
      return {
        meters: gatewayMeters.length,
        lastBoundary: lastBoundary === null ? null : Number(lastBoundary),
        queued: readingStore.pending().length,
        unreachable: [...unreachable],
        lastError,
      };
    },
    async stop() {
      await meterBus.close();
      await server.close();
      readingStore.close();
    },
  };
}

export type MeterFleet = Awaited<ReturnType<typeof startMeterFleet>>;
