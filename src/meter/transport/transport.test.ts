import { afterEach, describe, expect, it } from 'vitest';
import { DI, describeValue, formatDi } from '../dlt645/dataIdentifiers.ts';
import { MeterDataError } from '../dlt645/errors.ts';
import type { Frame } from '../dlt645/frame.ts';
import { interpretFrame } from '../dlt645/messages.ts';
import { createPtyPair, socatAvailable } from '../simulator/ptyPair.ts';
import { constantPower, solar } from '../simulator/profiles.ts';
import { serveBusOverSerial, serveBusOverTcp } from '../simulator/servers.ts';
import { createSimulatedBus } from '../simulator/simulatedBus.ts';
import { createVirtualMeter } from '../simulator/virtualMeter.ts';
import { manualClock, simulatedSite, type SimulatedSite } from '../testing/simulatedMeters.ts';
import type { ByteChannel } from './byteChannel.ts';
import { MeterLinkError, MeterRefusedError, MeterTimeoutError } from './errors.ts';
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

describe('the bus under load and failure', () => {
  it('serves requests in the order they were asked, one at a time', async () => {
    const clock = manualClock(NOON);
    const seen: string[] = [];
    const meters = ['000000000201', '000000000202'].map((address) => {
      const meter = createVirtualMeter({ address, profile: constantPower(100), clock: clock.now });
      return {
        ...meter,
        handle(frame: Frame) {
          const message = interpretFrame(frame);
          if (message.type === 'read-request' && frame.address === address)
            seen.push(`${address}/${formatDi(message.di)}`);
          return meter.handle(frame);
        },
      };
    });
    const server = await serveBusOverTcp(createSimulatedBus(meters));
    cleanups.push(() => server.close());
    const bus = createMeterBus(await openTcpChannel('127.0.0.1', server.port!), { timeoutMs: 1_000 });
    cleanups.push(() => bus.close());
    const client = createMeterClient(bus);
    const asked = [DI.voltageA, DI.currentB, DI.forwardActiveEnergy, DI.time, DI.activePower].flatMap((di) =>
      ['000000000202', '000000000201'].map((address) => ({ address, di })),
    );
    const readings = await Promise.all(asked.map(({ address, di }) => client.readRegister(address, di)));
    expect(seen).toEqual(asked.map(({ address, di }) => `${address}/${formatDi(di)}`));
    expect(readings.map((r) => `${r.address}/${formatDi(r.di)}`)).toEqual(seen);
  });

  it('reads every register right through seeded random drops, corruptions and delays', async () => {
    const clock = manualClock(NOON);
    const addresses = ['000000000301', '000000000302', '000000000303'];
    const simulated = createSimulatedBus(
      addresses.map((address, i) =>
        createVirtualMeter({
          address,
          profile: constantPower(500),
          clock: clock.now,
          forwardSteps: BigInt(1_000 * (i + 1)),
        }),
      ),
      { drop: 0.15, corrupt: 0.15, delay: 0.1, delayMs: 250, seed: 2024 },
    );
    const server = await serveBusOverTcp(simulated);
    cleanups.push(() => server.close());
    const bus = createMeterBus(await openTcpChannel('127.0.0.1', server.port!), {
      timeoutMs: 150,
      retries: 8,
    });
    cleanups.push(() => bus.close());
    const client = createMeterClient(bus);
    for (let round = 0; round < 5; round++) {
      for (const [i, address] of addresses.entries()) {
        expect(await client.readEnergy(address)).toEqual({
          forwardWh: BigInt(10_000 * (i + 1)),
          reverseWh: 0n,
        });
        expect((await client.readRegister(address, DI.address)).value).toEqual({ kind: 'address', address });
      }
    }
    // The faults did happen (the seed fixes how many), and every one was retried through.
    const { drop, corrupt, delay } = simulated.faults.counts;
    expect(drop).toBeGreaterThan(0);
    expect(corrupt).toBeGreaterThan(0);
    expect(delay).toBeGreaterThan(0);
    expect(simulated.stats.requests).toBeGreaterThan(45 + drop + corrupt);
  });

  it('fails at once with a link error when the gateway hangs up, rather than waiting out its retries', async () => {
    const { site, client } = await tcpSite({ drop: 1 }, 2_000);
    const started = Date.now();
    const pending = client.readRegister('000000000101', DI.voltageA).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await site.server.close();
    const error = await pending;
    expect(error).toBeInstanceOf(MeterLinkError);
    expect((error as MeterLinkError).message).toMatch(
      /^tcp:\/\/127\.0\.0\.1:\d+: the gateway closed the connection \(waiting for a read of 02010100\)$/,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    const next = await client.readRegister('000000000101', DI.voltageA).catch((e: unknown) => e);
    expect(next).toBeInstanceOf(MeterLinkError);
  });

  it('refuses a known register whose bytes are not valid BCD, naming meter and register', async () => {
    const clock = manualClock(NOON);
    const server = await serveBusOverTcp(
      createSimulatedBus([
        createVirtualMeter({
          address: '000000000401',
          profile: constantPower(0),
          clock: clock.now,
          extraRegisters: new Map([[DI.forwardActiveEnergy, Uint8Array.of(0x00, 0x0a, 0x00, 0x00)]]),
        }),
      ]),
    );
    cleanups.push(() => server.close());
    const bus = createMeterBus(await openTcpChannel('127.0.0.1', server.port!), { timeoutMs: 1_000 });
    cleanups.push(() => bus.close());
    const error = await createMeterClient(bus)
      .readEnergy('000000000401')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeterDataError);
    expect((error as Error).message).toBe(
      'meter 000000000401 register 00010000: byte 0x0a is not two BCD digits',
    );
  });
});

const HAS_SOCAT = socatAvailable();
const SERIAL_SUITE = 'meters on a serial line (socat pseudo-terminal pair)';
describe.skipIf(!HAS_SOCAT)(
  HAS_SOCAT ? SERIAL_SUITE : `${SERIAL_SUITE}: SKIPPED, socat is not installed (apt-get install socat)`,
  () => {
    async function serialSite(meters: { address: string; watts: number }[], timeoutMs = 1_500, retries = 2) {
      const pair = await createPtyPair();
      cleanups.push(() => pair.close());
      const clock = manualClock(NOON);
      const bus = createSimulatedBus(
        meters.map(({ address, watts }) =>
          createVirtualMeter({ address, profile: constantPower(watts), clock: clock.now }),
        ),
      );
      const server = await serveBusOverSerial(bus, pair.meterSide);
      cleanups.push(() => server.close());
      const channel = await openSerialChannel(pair.masterSide);
      const meterBus = createMeterBus(channel, { timeoutMs, retries });
      cleanups.push(() => meterBus.close());
      return { clock, bus, channel, client: createMeterClient(meterBus) };
    }

    it('answers its address and registers at 2400 baud 8E1, and survives a corrupted reply', async () => {
      const { clock, bus, channel, client } = await serialSite([{ address: '123456789012', watts: 2_000 }]);
      expect(channel.description).toMatch(/^serial:.+ 2400 8E1$/);
      expect(await client.readAddress()).toBe('123456789012');
      clock.advance(30 * 60_000);
      bus.faults.script({ kind: 'corrupt' });
      expect(await client.readEnergy('123456789012')).toEqual({ forwardWh: 1_000n, reverseWh: 0n });
      expect(bus.faults.counts.corrupt).toBe(1);
    });

    it('reads several meters on one line through a dropped and a late reply, and times out a silent one', async () => {
      const { clock, bus, client } = await serialSite(
        [
          { address: '000000000501', watts: 600 },
          { address: '000000000502', watts: -1_800 },
          { address: '000000000503', watts: 1_200 },
        ],
        300,
        // Two replies are spoiled on purpose; a third spare attempt keeps a slow machine from failing.
        3,
      );
      clock.advance(60 * 60_000);
      bus.faults.script({ kind: 'drop' }, { kind: 'delay', ms: 450 });
      const energies = await Promise.all(
        ['000000000501', '000000000502', '000000000503'].map((a) => client.readEnergy(a)),
      );
      expect(energies).toEqual([
        { forwardWh: 600n, reverseWh: 0n },
        { forwardWh: 0n, reverseWh: 1_800n },
        { forwardWh: 1_200n, reverseWh: 0n },
      ]);
      expect(bus.faults.counts).toMatchObject({ drop: 1, delay: 1 });
      // No meter has this address: four attempts of 300 ms, then a typed error.
      const error = await client.readRegister('000000000599', DI.voltageA).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MeterTimeoutError);
      expect((error as Error).message).toBe(
        'meter 000000000599 did not answer a read of 02010100 (4 attempts, 300 ms each)',
      );
    });
  },
);
