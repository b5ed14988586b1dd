/** Simulated meters on a bus, served over TCP, with a clock tests move by hand. */
import type { MeterAddress } from '../dlt645/address.ts';
import type { FaultRates } from '../simulator/faults.ts';
import type { PowerProfile } from '../simulator/profiles.ts';
import { serveBusOverTcp, type RunningServer } from '../simulator/servers.ts';
import { createSimulatedBus, type SimulatedBus } from '../simulator/simulatedBus.ts';
import { createVirtualMeter, type VirtualMeterOptions } from '../simulator/virtualMeter.ts';

export interface ManualClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start: number): ManualClock {
  let time = start;
  return { now: () => time, set: (ms) => (time = ms), advance: (ms) => (time += ms) };
}

export interface SimulatedSite {
  readonly bus: SimulatedBus;
  readonly server: RunningServer;
  close(): Promise<void>;
}

export async function simulatedSite(
  clock: ManualClock,
  meters: readonly (Omit<VirtualMeterOptions, 'clock'> & { address: MeterAddress; profile: PowerProfile })[],
  faults: FaultRates = {},
): Promise<SimulatedSite> {
  const bus = createSimulatedBus(
    meters.map((m) => createVirtualMeter({ ...m, clock: clock.now })),
    faults,
  );
  const server = await serveBusOverTcp(bus);
  return { bus, server, close: () => server.close() };
}
