import { afterEach, describe, expect, it } from 'vitest';
import { DI, describeValue } from '../dlt645/dataIdentifiers.ts';
import { createPtyPair, socatAvailable } from '../simulator/ptyPair.ts';
import { constantPower, solar } from '../simulator/profiles.ts';
import { serveBusOverSerial } from '../simulator/servers.ts';
import { createSimulatedBus } from '../simulator/simulatedBus.ts';
import { createVirtualMeter } from '../simulator/virtualMeter.ts';
import { manualClock, simulatedSite, type SimulatedSite } from '../testing/simulatedMeters.ts';
import type { ByteChannel } from './byteChannel.ts';
import { MeterRefusedError, MeterTimeoutError } from './errors.ts';
import { createMeterBus, type MeterBus } from './meterBus.ts';
import { createMeterClient } from './meterClient.ts';
import { openSerialChannel } from './serialChannel.ts';
import { openTcpChannel } from './tcpChannel.ts';

const NOON = Date.UTC(2026, 10, 22, 12, 0, 0);
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function tcpSite(faults = {}, timeoutMs = 1_000) {
  const clock = manualClock(NOON);
  const site: SimulatedSite = await simulatedSite(
    clock,
    [
      { address: '000000000101', profile: constantPower(1_200) },
      { address: '000000000102', profile: solar(4_000), reverseSteps: 5_000n },
      {
        address: '000000000103',
        profile: constantPower(600),
        extraRegisters: new Map([[0x0001ff00, Uint8Array.from({ length: 20 }, (_, i) => i)]]),
        followUpChunk: 8,
      },
    ],
    faults,
  );
  cleanups.push(() => site.close());
  const channel = await openTcpChannel('127.0.0.1', site.server.port!);
  const bus = createMeterBus(channel, { timeoutMs, retries: 2 });
  cleanups.push(() => bus.close());
  return { clock, site, bus, client: createMeterClient(bus) };
}

describe('meters over a TCP transparent gateway', () => {
  it('reads every register of several meters on one bus by address', async () => {
    const { clock, site, client } = await tcpSite();
    clock.advance(15 * 60_000);
    // 1.2 kW for 15 minutes is 0.30 kWh. The PV exports along its bell: the register counts the
    // minute-by-minute watts in whole 0.01 kWh (600 watt-minute) steps, on top of the 50.00 kWh it had.
    expect(await client.readEnergy('000000000101')).toEqual({ forwardWh: 300n, reverseWh: 0n });
    const pv = solar(4_000);
    const exportedWattMinutes = Array.from({ length: 15 }, (_, m) => -pv(NOON + m * 60_000)).reduce(
      (a, b) => a + b,
      0,
    );
    expect(await client.readEnergy('000000000102')).toEqual({
      forwardWh: 0n,
      reverseWh: 50_000n + BigInt(Math.floor(exportedWattMinutes / 600)) * 10n,
    });
    const power = await client.readRegister('000000000102', DI.activePower);
    // Power now (12:15): the bell's watts, in kW with four decimals.
    expect(power.value).toEqual({
      kind: 'decimal',
      units: BigInt(pv(NOON + 15 * 60_000) * 10),
      scale: 4,
      unit: 'kW',
    });
    expect(describeValue(power.value!)).toMatch(/^-3\.\d{4} kW$/);
    const time = await client.readRegister('000000000101', DI.time);
    expect(time.value).toEqual({ kind: 'time', hour: 12, minute: 15, second: 0 });
    const voltage = await client.readRegister('000000000103', DI.voltageA);
    expect(voltage.value).toMatchObject({ unit: 'V', scale: 1 });
    expect(site.bus.stats.replies).toBe(site.bus.stats.requests);
  });

  it('joins follow-up frames (12H) into one value', async () => {
    const { site, client } = await tcpSite();
    const block = await client.readRegister('000000000103', 0x0001ff00);
    expect([...block.raw]).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(site.bus.stats.requests).toBe(3); // the read, then follow-ups 1 and 2
  });

  it('retries a dropped reply, a corrupted one and one that comes too late', async () => {
    const { site, client } = await tcpSite();
    site.bus.faults.script({ kind: 'drop' }, { kind: 'corrupt' });
    expect((await client.readRegister('000000000101', DI.forwardActiveEnergy)).value).toMatchObject({
      units: 0n,
    });
    // Answered late (after the 1 s timeout): the retry's answer is taken, the late one ignored.
    site.bus.faults.script({ kind: 'delay', ms: 1_500 });
    expect((await client.readRegister('000000000101', DI.reverseActiveEnergy)).value).toMatchObject({
      units: 0n,
    });
    expect(await client.readRegister('000000000101', DI.voltageC)).toMatchObject({ di: DI.voltageC });
    expect(site.bus.faults.counts).toEqual({ drop: 1, corrupt: 1, delay: 1 });
    expect(site.bus.stats.requests).toBe(6);
  });

  it('gives up after its retries with a typed error naming the meter', async () => {
    const { client } = await tcpSite({ drop: 1 }, 300);
    const error = await client.readEnergy('000000000101').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeterTimeoutError);
    expect((error as MeterTimeoutError).message).toBe(
      'meter 000000000101 did not answer a read of 00010000 (3 attempts, 300 ms each)',
    );
  });

  it('turns an abnormal reply into the meter’s reasons', async () => {
    const { client } = await tcpSite();
    const error = await client.readRegister('000000000101', 0x04000409).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeterRefusedError);
    expect((error as MeterRefusedError).reasons).toEqual(['no-requested-data']);
    expect((error as Error).message).toBe('meter 000000000101 refused a read of 04000409: no requested data');
  });

  it('keeps one request in flight on the bus, however many are asked at once', async () => {
    const { site, bus } = await tcpSite();
    const channel = bus.channel;
    let inFlight = 0;
    let most = 0;
    const watched: ByteChannel = {
      ...channel,
      write: async (bytes) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await channel.write(bytes);
      },
    };
    channel.onData(() => (inFlight = Math.max(0, inFlight - 1)));
    const client = createMeterClient(createMeterBus(watched, { timeoutMs: 1_000 }) as MeterBus);
    const reads = ['000000000101', '000000000102', '000000000103'].flatMap((a) => [
      client.readEnergy(a),
      client.readRegister(a, DI.voltageB),
    ]);
    await Promise.all(reads);
    expect(most).toBe(1);
    expect(site.bus.stats.requests).toBe(9);
  });

  it('sets every meter’s clock with a broadcast time sync', async () => {
    const { client } = await tcpSite();
    await client.syncTime({ year: 2027, month: 1, day: 2, hour: 3, minute: 4, second: 5 });
    const date = await client.readRegister('000000000102', DI.date);
    expect(date.value).toEqual({ kind: 'date', year: 2027, month: 1, day: 2, weekday: 6 });
  });
});

describe.skipIf(!socatAvailable())('a meter on a serial line (socat pseudo-terminal pair)', () => {
  it('answers its address and registers at 2400 baud 8E1, and survives a corrupted reply', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const clock = manualClock(NOON);
    const bus = createSimulatedBus([
      createVirtualMeter({ address: '123456789012', profile: constantPower(2_000), clock: clock.now }),
    ]);
    const server = await serveBusOverSerial(bus, pair.meterSide);
    cleanups.push(() => server.close());
    const channel = await openSerialChannel(pair.masterSide);
    expect(channel.description).toBe(`serial:${pair.masterSide} 2400 8E1`);
    const meterBus = createMeterBus(channel, { timeoutMs: 1_500 });
    cleanups.push(() => meterBus.close());
    const client = createMeterClient(meterBus);
    expect(await client.readAddress()).toBe('123456789012');
    clock.advance(30 * 60_000);
    bus.faults.script({ kind: 'corrupt' });
    expect(await client.readEnergy('123456789012')).toEqual({ forwardWh: 1_000n, reverseWh: 0n });
    expect(bus.faults.counts.corrupt).toBe(1);
  });
});
