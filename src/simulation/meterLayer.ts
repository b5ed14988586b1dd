/**
 * The participants' meters for an on-chain `--meters` run. Every participant gets a DL/T 645
 * virtual meter (address = its enrolled meter number) whose power is constant through each delivery
 * period at exactly the period's actual energy, in the direction metering.ts gives it. The meters
 * hang on simulated buses served over TCP on loopback, and the reading gateway reads them at each
 * period boundary through real frames, signs each reading with the meter's enrolled key, queues it in
 * SQLite and submits it through the relayer. The registers' 10 Wh steps are the only rounding.
 */
import { rmSync } from 'node:fs';
import type { LocalAccount } from 'viem';
import { WattLedgerError } from '../core/errors.ts';
import { periodAt, periodWindows, type PeriodSchedule } from '../core/periodClock.ts';
import type { Platform } from '../chain/platform.ts';
import type { Relayer } from '../chain/relayer.ts';
import { createReadingGateway, type GatewayMeter } from '../meter/gateway/readingGateway.ts';
import { openReadingStore, type ReadingStore } from '../meter/gateway/readingStore.ts';
import { serveBusOverTcp, type RunningServer } from '../meter/simulator/servers.ts';
import { createSimulatedBus, type SimulatedBus } from '../meter/simulator/simulatedBus.ts';
import { createVirtualMeter, type VirtualMeter } from '../meter/simulator/virtualMeter.ts';
import { createMeterBus, type MeterBus } from '../meter/transport/meterBus.ts';
import { createMeterClient } from '../meter/transport/meterClient.ts';
import { openTcpChannel } from '../meter/transport/tcpChannel.ts';
import type { Failure } from './market.ts';
import { flowOf } from './metering.ts';
import type { ParticipantSpec } from './scenario.ts';

/** An RS-485 segment carries 32 unit loads; a feeder's meters are spread over as many buses. */
const METERS_PER_BUS = 32;
/**
 * A loopback meter answers within a millisecond; a meter taken off the bus costs the gateway
 * (retries + 1) timeouts per boundary, so the simulation waits less than a real line would.
 */
const BUS_OPTIONS = { timeoutMs: 200, retries: 2 } as const;

export class MeterSimulationError extends WattLedgerError {
  override readonly name = 'MeterSimulationError';
  constructor(message: string) {
    super('SIMULATION_METERS', message);
  }
}

export interface MeterLayerOptions {
  readonly participants: readonly ParticipantSpec[];
  /** Actual energy by participant and period index, Wh in the participant's direction. */
  readonly actualWh: readonly (readonly bigint[])[];
  /** Offline at boundary b, by participant (metering.ts). */
  readonly outages: readonly (readonly boolean[])[];
  readonly meterKeys: readonly LocalAccount[];
  readonly meterNumbers: readonly string[];
  readonly schedule: PeriodSchedule;
  readonly platform: Platform;
  readonly relayer: Relayer;
  /** The gateway's SQLite queue; a file left by an earlier run is replaced. */
  readonly storePath: string;
  /** The chain's clock, unix seconds. */
  readonly chainNow: () => Promise<bigint>;
}

export interface MeterLayer {
  readonly store: ReadingStore;
  readonly buses: readonly SimulatedBus[];
  /** Reads every boundary up to the end of `period` and submits the queued readings. */
  readAndSubmit(period: number): Promise<Failure[]>;
  close(): Promise<void>;
}

/** Watts that deliver one Wh per period: the per-minute integration is exact only when whole. */
function wattsPerWh(schedule: PeriodSchedule): number {
  const { periodSeconds, genesis } = schedule;
  if (periodSeconds % 60 !== 0 || 3600 % periodSeconds !== 0 || genesis % 60n !== 0n) {
    throw new MeterSimulationError(
      `--meters needs periods of whole minutes that divide an hour, starting on a minute (got ${periodSeconds} s from ${genesis})`,
    );
  }
  return 3600 / periodSeconds;
}

export async function startMeterLayer(options: MeterLayerOptions): Promise<MeterLayer> {
  const { participants, schedule, outages } = options;
  const perWh = wattsPerWh(schedule);
  const periods = options.actualWh[0]?.length ?? 0;
  const boundaryMs = (b: number) => Number(periodWindows(schedule, BigInt(b)).deliveryStarts) * 1000;
  // The meters run on the chain's clock, held at the next boundary the gateway has not read, so no
  // energy of the following period is in a reading however late the gateway reads.
  let chainMs = Number(await options.chainNow()) * 1000;
  let nextBoundary = 1;
  const meterClock = () => Math.min(chainMs, boundaryMs(nextBoundary));
  const offline = new Set<number>();

  const meters: VirtualMeter[] = participants.map((spec, i) => {
    const flows = options.actualWh[i]!.map((wh) => flowOf(spec, wh));
    const meter = createVirtualMeter({
      address: options.meterNumbers[i]!,
      clock: meterClock,
      // Positive watts are imported; constant through the period, so its energy is exact in Wh.
      profile: (timeMs) => {
        const period = Number(periodAt(schedule, BigInt(Math.floor(timeMs / 1000))));
        if (period < 1 || period > periods) return 0;
        const flow = flows[period - 1]!;
        return Number(flow.importWh - flow.exportWh) * perWh;
      },
    });
    // A meter that fails to report is off the bus: it hears the gateway but never answers.
    return { ...meter, handle: (frame) => (offline.has(i) ? undefined : meter.handle(frame)) };
  });

  const buses: SimulatedBus[] = [];
  const servers: RunningServer[] = [];
  const lines: MeterBus[] = [];
  const gatewayMeters: GatewayMeter[] = [];
  const closeAll = async () => {
    for (const line of lines) await line.close();
    for (const server of servers) await server.close();
  };
  try {
    for (let from = 0; from < meters.length; from += METERS_PER_BUS) {
      const bus = createSimulatedBus(meters.slice(from, from + METERS_PER_BUS));
      buses.push(bus);
      const server = await serveBusOverTcp(bus, { host: '127.0.0.1' });
      servers.push(server);
      const line = createMeterBus(await openTcpChannel('127.0.0.1', server.port!), BUS_OPTIONS);
      lines.push(line);
      const client = createMeterClient(line);
      for (let i = from; i < Math.min(from + METERS_PER_BUS, meters.length); i++) {
        gatewayMeters.push({
          participantId: i + 1,
          meterNumber: options.meterNumbers[i]!,
          key: options.meterKeys[i]!,
          client,
        });
      }
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  for (const suffix of ['', '-wal', '-shm']) rmSync(options.storePath + suffix, { force: true });
  const store = openReadingStore(options.storePath);
  let refused: Failure[] = [];
  const gateway = createReadingGateway({
    store,
    meters: gatewayMeters,
    platform: options.platform,
    relayer: options.relayer,
    onEvent: (event) => {
      if (event.type === 'refused') {
        refused.push({ participant: Number(event.meterNumber) - 1, action: 'reading', cause: event.reason });
      }
    },
  });

  return {
    store,
    buses,
    async readAndSubmit(period) {
      for (; nextBoundary <= period + 1; nextBoundary++) {
        chainMs = Number(await options.chainNow()) * 1000;
        if (chainMs < boundaryMs(nextBoundary)) {
          throw new MeterSimulationError(
            `the gateway was asked to read boundary ${nextBoundary} before the chain reached it`,
          );
        }
        offline.clear();
        outages.forEach((down, i) => {
          if (down[nextBoundary]) offline.add(i);
        });
        await gateway.readBoundary(BigInt(nextBoundary));
      }
      offline.clear();
      refused = [];
      await gateway.submitPending();
      return refused;
    },
    async close() {
      await closeAll();
      store.close();
    },
  };
}
