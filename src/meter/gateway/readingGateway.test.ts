import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodWindows } from '../../core/periodClock.ts';
import { startAnvil, type EmbeddedChain } from '../../chain/anvil.ts';
import { restoreMonotonicClock } from '../../chain/chainClock.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from '../../chain/testing/testPlatform.ts';
import { createPtyPair, socatAvailable, type PtyPair } from '../simulator/ptyPair.ts';
import { constantPower, solar } from '../simulator/profiles.ts';
import { serveBusOverSerial, serveBusOverTcp, type RunningServer } from '../simulator/servers.ts';
import { createSimulatedBus, type SimulatedBus } from '../simulator/simulatedBus.ts';
import { createVirtualMeter, type VirtualMeter } from '../simulator/virtualMeter.ts';
import { manualClock } from '../testing/simulatedMeters.ts';
import { createMeterBus, type MeterBus } from '../transport/meterBus.ts';
import { createMeterClient } from '../transport/meterClient.ts';
import { openSerialChannel } from '../transport/serialChannel.ts';
import { openTcpChannel } from '../transport/tcpChannel.ts';
import { createReadingGateway, type GatewayEvent, type GatewayMeter } from './readingGateway.ts';
import { openReadingStore } from './readingStore.ts';

describe.skipIf(!socatAvailable())(
  'reading gateway end to end (TCP gateway and serial line, real chain)',
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-gateway-'));
    const storePath = join(dataDir, 'gateway.sqlite');
    let t: TestPlatform;
    let chain: EmbeddedChain;
    let people: Enrolled[];
    let meters: VirtualMeter[];
    let tcpBus: SimulatedBus;
    let serialBus: SimulatedBus;
    const closers: (() => Promise<unknown>)[] = [];
    const clock = manualClock(0);
    let tcpPort: number;
    let serialPath: string;

    beforeAll(async () => {
      t = await startTestPlatform({ dataDir: join(dataDir, 'platform') });
      chain = t.chain;
      people = [
        await t.enrol({ name: 'house', kind: 'consumer', greenSupply: false, greenPreference: false }, 0n),
        await t.enrol({ name: 'roof PV', kind: 'prosumer', greenSupply: true, greenPreference: false }, 0n),
        await t.enrol(
          { name: 'micro-turbine', kind: 'producer', greenSupply: false, greenPreference: false },
          0n,
        ),
      ];
      // The meters are installed now, by the chain's clock.
      clock.set(Number(await t.clock.now()) * 1000);
      const profiles = [constantPower(1_200), solar(3_000), constantPower(-800)];
      meters = people.map((p, i) =>
        createVirtualMeter({
          address: p.meterNumber,
          profile: profiles[i]!,
          clock: clock.now,
          forwardSteps: 12_345n,
        }),
      );
      tcpBus = createSimulatedBus(meters.slice(0, 2));
      serialBus = createSimulatedBus(meters.slice(2));
      const tcpServer: RunningServer = await serveBusOverTcp(tcpBus);
      const pair: PtyPair = await createPtyPair();
      const serialServer = await serveBusOverSerial(serialBus, pair.meterSide);
      tcpPort = tcpServer.port!;
      serialPath = pair.masterSide;
      closers.push(
        () => tcpServer.close(),
        () => pair.close(),
        () => serialServer.close(),
      );
    }, 60_000);

    afterAll(async () => {
      for (const close of closers.reverse()) await close();
      await chain?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function gatewayMeters(): Promise<{ meters: GatewayMeter[]; buses: MeterBus[] }> {
      const tcp = createMeterBus(await openTcpChannel('127.0.0.1', tcpPort), {
        timeoutMs: 1_000,
        retries: 2,
      });
      const serial = createMeterBus(await openSerialChannel(serialPath), { timeoutMs: 1_500, retries: 2 });
      const clients = [createMeterClient(tcp), createMeterClient(tcp), createMeterClient(serial)];
      return {
        meters: people.map((p, i) => ({
          participantId: p.id,
          meterNumber: p.meterNumber,
          key: p.meter,
          client: clients[i]!,
        })),
        buses: [tcp, serial],
      };
    }
    it('reads, signs and submits every period, across faults, a chain outage and a gateway restart', async () => {
      const events: GatewayEvent[] = [];
      const first = await gatewayMeters();
      let store = openReadingStore(storePath);
      let gateway = createReadingGateway({
        store,
        meters: first.meters,
        platform: t.platform,
        relayer: t.relayer,
        onEvent: (e) => events.push(e),
      });
      const P = await t.nextOpenPeriod();
      const boundary = async (period: bigint) => {
        const at = periodWindows(t.schedule, period).deliveryStarts;
        clock.set(Number(at) * 1000);
        await t.clock.advanceTo(at);
      };
      // What each meter really measured in a period, from its own registers at the boundaries.
      const measured = new Map<string, { importWh: bigint; exportWh: bigint }>();
      const registersAt = () => meters.map((m) => m.registers());
      let before: ReturnType<typeof registersAt> = [];
      const remember = (period: bigint) => {
        const after = registersAt();
        meters.forEach((m, i) =>
          measured.set(`${m.address}/${period}`, {
            importWh: (after[i]!.forwardSteps - before[i]!.forwardSteps) * 10n,
            exportWh: (after[i]!.reverseSteps - before[i]!.reverseSteps) * 10n,
          }),
        );
        before = after;
      };

      // Boundary P: first snapshots, nothing to report yet.
      await boundary(P);
      before = registersAt();
      expect((await gateway.readBoundary(P)).queued).toBe(0);

      // Boundary P+1: period P's readings, with a dropped and a corrupted reply on the TCP bus.
      await boundary(P + 1n);
      remember(P);
      tcpBus.faults.script({ kind: 'drop' }, { kind: 'corrupt' });
      serialBus.faults.script({ kind: 'corrupt' });
      expect(await gateway.readBoundary(P + 1n)).toMatchObject({ queued: 3, unreachable: [] });
      expect(await gateway.submitPending()).toEqual({
        submitted: 3,
        alreadyOnChain: 0,
        refused: 0,
        waiting: 0,
      });

      // The chain goes down. Boundary P+2 is read (one reply late) and queued; nothing can be sent.
      await boundary(P + 2n);
      remember(P + 1n);
      const port = chain.port;
      await chain.stop();
      tcpBus.faults.script({ kind: 'delay', ms: 1_500 });
      expect((await gateway.readBoundary(P + 2n)).queued).toBe(3);
      expect(await gateway.submitPending()).toMatchObject({ submitted: 0, waiting: 3 });
      expect(events.some((e) => e.type === 'chain-unreachable')).toBe(true);

      // The gateway restarts (new process, same store); the chain comes back.
      for (const bus of first.buses) await bus.close();
      store.close();
      chain = await startAnvil({
        dataDir: join(dataDir, 'platform'),
        port,
        enforceTransactionGasCap: true,
        stateIntervalSeconds: 3_600,
      });
      await restoreMonotonicClock(t.connection);
      await t.connection.testClient!.setBlockTimestampInterval({ interval: 1 });
      const second = await gatewayMeters();
      store = openReadingStore(storePath);
      gateway = createReadingGateway({
        store,
        meters: second.meters,
        platform: t.platform,
        relayer: t.relayer,
        onEvent: (e) => events.push(e),
      });
      const requestsBefore = tcpBus.stats.requests + serialBus.stats.requests;
      // Reading the same boundary again reads no meter: the snapshot is kept, never taken twice.
      expect((await gateway.readBoundary(P + 2n)).queued).toBe(3);
      expect(tcpBus.stats.requests + serialBus.stats.requests).toBe(requestsBefore);
      expect(await gateway.submitPending()).toEqual({
        submitted: 3,
        alreadyOnChain: 0,
        refused: 0,
        waiting: 0,
      });

      // A crash between the chain accepting a reading and the store noting it: never sent twice.
      store.markPending(people[0]!.meterNumber, P + 1n);
      const relayed = t.relayer.stats.transactions;
      expect(await gateway.submitPending()).toEqual({
        submitted: 0,
        alreadyOnChain: 1,
        refused: 0,
        waiting: 0,
      });
      expect(t.relayer.stats.transactions).toBe(relayed);

      // Boundary P+3: the house meter (read first) stops answering: every attempt of its read is dropped.
      // It is reported, and its period P+2 gets no reading (the market settles it as missing).
      await boundary(P + 3n);
      remember(P + 2n);
      tcpBus.faults.script({ kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' });
      // Driven by the period clock this time: a tick a few seconds into period P+3 reads its boundary
      // and submits; a later tick in the same period reads no meter again.
      const ticked = await gateway.tick((await t.clock.now()) + 5n, t.schedule);
      const report = ticked.boundary!;
      expect(ticked.submitted).toMatchObject({ submitted: 2, waiting: 0 });
      expect((await gateway.tick((await t.clock.now()) + 10n, t.schedule)).boundary).toBeUndefined();
      expect(report).toMatchObject({ unreachable: [people[0]!.meterNumber], queued: 2 });
      expect(
        events
          .filter((e) => e.type === 'meter-unreachable')
          .map((e) => e.type === 'meter-unreachable' && e.meterNumber),
      ).toEqual([people[0]!.meterNumber]);
      expect(store.failures().at(-1)).toMatchObject({ meterNumber: people[0]!.meterNumber, period: P + 3n });
      await gateway.submitPending();
      for (const bus of second.buses) await bus.close();
      store.close();

      // On chain: exactly one reading per meter per period that was read, equal to what it measured.
      const logs = await t.platform.read.market.getEvents.ReadingRecorded(
        {},
        { fromBlock: t.platform.deployment.fromBlock },
      );
      const seen = new Map<string, number>();
      for (const log of logs) {
        const meter = people.find((p) => p.meter.address === log.args.meter)!;
        const key = `${meter.meterNumber}/${log.args.period}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        expect({ importWh: log.args.importWh, exportWh: log.args.exportWh }).toEqual(measured.get(key));
      }
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
      for (const period of [P, P + 1n, P + 2n]) {
        for (const person of people) {
          const missing = person === people[0] && period === P + 2n;
          expect(seen.has(`${person.meterNumber}/${period}`)).toBe(!missing);
        }
      }
    }, 120_000);
  },
);
