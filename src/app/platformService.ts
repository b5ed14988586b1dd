/**
 * The platform's main job, on one machine: the chain (embedded or a node), the contracts, the
 * platform store, the bid book, the keeper, the indexer and its read model, the meters with their
 * reading gateway, the case study's participants, and the API with the web UI. One heartbeat drives
 * the clock-bound work in a fixed order, so nothing races on the chain: the clock, bids (commit and
 * reveal), the case study's bids, the keeper (clear and settle), the meters (read and report), the
 * indexer; then live events go out.
 */
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { nextWindowEdge, periodAt, phaseAt } from '../core/periodClock.ts';
import { readSchedule } from '../chain/periodDriver.ts';
import { createRelayer } from '../chain/relayer.ts';
import { openContinuousMarket } from '../chain/continuousMarket.ts';
import { summarize } from '../chain/transactions.ts';
import { createIndexer } from '../services/indexer/indexer.ts';
import { openReadModel } from '../services/indexer/schema.ts';
import { createKeeper, keeperCursorStore } from '../services/keeper/keeper.ts';
import { buildApp } from '../server/app.ts';
import type { ApiContext } from '../server/context.ts';
import { openSubsidyPool } from '../chain/subsidyPool.ts';
import { openGridConnections } from '../chain/gridConnections.ts';
import { openMaintenancePlans } from '../chain/maintenancePlans.ts';
import { openForwardRights } from '../chain/forwardRights.ts';
import type { WattLedgerConfig } from '../config/config.ts';
import { createContinuousOrders } from './continuousOrders.ts';
import { createBidBook } from './bidBook.ts';
import { caseStudyBots, enrolCaseStudy } from './caseStudyBots.ts';
import { createChainLock } from './chainLock.ts';
import { createClockDriver } from './clockDriver.ts';
import { periodsOfDay } from './days.ts';
import type { PlatformHealth } from './health.ts';
import { startMeterFleet } from './meterFleet.ts';
import { openPlatformStore } from './platformStore.ts';
import { startPlatformRuntime } from './platformRuntime.ts';
import { createReadModel } from './readModel.ts';
import { createUsers, generatePassword } from './users.ts';

export interface PlatformService {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly context: ApiContext;
  /** The operator's first-login password, while it has not been changed. */
  readonly operatorPassword: string | undefined;
  /** Passwords of the case study's logins, while they have not been changed. */
  readonly caseStudyPasswords: Record<string, string>;
  /** Runs one heartbeat now (tests use it to step the platform). */
  heartbeat(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  readonly progress?: (line: string) => void;
  /** Wall-clock ms between heartbeats (0: no timer, the caller steps it). */
  readonly heartbeatMs?: number;
  /** The built web UI to serve (web/dist). */
  readonly webRoot?: string;
  readonly log?: (line: string) => void;
  /** The wall clock the chain's clock runs against (tests move it by hand). */
  readonly wallClock?: () => number;
}

const CREDENTIALS_FILE = 'initial-credentials.json';

/** A secret that opens the keystores of what the platform runs itself (case study, meters). */
function platformSecret(dataDir: string): string {
  const path = join(dataDir, 'platform-secret');
  if (!existsSync(path)) writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

export async function startPlatformService(
  config: WattLedgerConfig,
  options: ServiceOptions = {},
): Promise<PlatformService> {
  const progress = options.progress ?? (() => {});
  const log = options.log ?? (() => {});
  const runtime = await startPlatformRuntime(config, progress);
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => runtime.stop()];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const { platform, accounts, connection } = runtime;
    const secret = platformSecret(config.dataDir);
    const store = openPlatformStore(join(config.dataDir, 'platform.sqlite'));
    cleanups.push(() => store.close());
    const lock = createChainLock();
    const relayer = createRelayer(platform, accounts.relayer);
    const schedule = await readSchedule(platform);
    const clock = await createClockDriver(connection, config.clock.speed, options.wallClock, (t) =>
      nextWindowEdge(schedule, t),
    );
    const credentialsPath = join(config.dataDir, CREDENTIALS_FILE);
    const credentials: Record<string, string> = existsSync(credentialsPath)
      ? (JSON.parse(readFileSync(credentialsPath, 'utf8')) as Record<string, string>)
      : {};
    const saveCredentials = () => {
      if (Object.keys(credentials).length === 0) return rmSync(credentialsPath, { force: true });
      writeFileSync(credentialsPath, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
      chmodSync(credentialsPath, 0o600);
    };
    const users = createUsers({
      store,
      platform,
      relayer: accounts.relayer,
      lock,
      platformSecret: secret,
      // A first-login password is kept (0600) only until its owner changes it.
      onPasswordChanged: (username) => {
        Reflect.deleteProperty(credentials, username);
        saveCredentials();
      },
    });
    if (store.user('operator') === undefined) {
      const password = generatePassword();
      await users.addUser(
        { username: 'operator', role: 'operator', participantId: null },
        accounts.operatorKey,
        password,
        false,
      );
      credentials.operator = password;
      saveCredentials();
      progress('operator login created');
    }
    const maintenancePlans = openMaintenancePlans(platform.connection, platform.deployment);
    const gridConnections = openGridConnections(platform.connection, platform.deployment);
    const forwardRights = openForwardRights(platform.connection, platform.deployment);
    const bidBook = createBidBook({
      store,
      platform,
      relayer,
      schedule,
      maintenancePlans,
      gridConnections,
      forwardRights,
      now: () => clock.now(),
    });
    const meters = await startMeterFleet({
      store,
      platform,
      relayer,
      operator: accounts.operator,
      lock,
      schedule,
      platformSecret: secret,
      gatewayStorePath: join(config.dataDir, 'gateway.sqlite'),
      clockMs: () => clock.nowMs(),
    });
    cleanups.push(() => meters.stop());
    const db = openReadModel(join(config.dataDir, 'read-model.sqlite'));
    cleanups.push(() => db.close());
    const events = new EventEmitter();
    events.setMaxListeners(0);
    const indexer = createIndexer({
      db,
      platform,
      onIndexed: (changes) => {
        if (changes.blocks.length > 0) events.emit('block', { number: changes.toBlock });
        for (const p of changes.periods) events.emit('period', p);
        for (const c of changes.commitments) events.emit('bids', c);
        for (const period of changes.books) events.emit('book', { period });
      },
    });
    const subsidyPool = openSubsidyPool(platform.connection, platform.deployment);
    const continuousMarket =
      platform.deployment.mechanism === 'continuous' && platform.deployment.continuousMarket !== undefined
        ? openContinuousMarket(platform.connection, platform.deployment.continuousMarket)
        : undefined;
    const keeper = createKeeper({
      subsidyPool,
      forwardRights,
      ...(continuousMarket === undefined ? {} : { continuousMarket }),
      platform,
      account: accounts.relayer,
      schedule,
      // The time of the last block, not the clock's target: under load the target runs seconds ahead
      // of the chain, and a step decided on it would be mined before its window (as the bid book was).
      clock: { now: async () => (await platform.connection.publicClient.getBlock()).timestamp },
      maxClearingEntriesPerTransaction: config.maxClearingEntriesPerTransaction,
      cursor: keeperCursorStore(db),
    });
    let bots: ReturnType<typeof caseStudyBots> | undefined;
    if (config.caseStudy.enabled) {
      const enrolled = await enrolCaseStudy({
        store,
        users,
        platform,
        roles: accounts,
        lock,
        meters,
        progress,
      });
      if (Object.keys(enrolled.passwords).length > 0) {
        Object.assign(credentials, enrolled.passwords);
        saveCredentials();
      }
      bots = caseStudyBots({
        bots: enrolled.bots,
        bidBook,
        store,
        platform,
        lock,
        settlementAgent: accounts.settlementAgent,
        publicGrid: accounts.publicGrid,
        now: () => clock.now(),
        onError: (message) => log(`case study: ${message}`),
      });
    }

    // Everything enrolment wrote is in the read model before the API answers its first request.
    await indexer.syncOnce();
    let lastPhase = '';
    let beating: Promise<void> | undefined;
    async function beat(): Promise<void> {
      const now = await clock.tick();
      const steps: [string, () => Promise<unknown>][] = [
        ['bids', () => lock.run(() => bidBook.tick(now))],
        ['case study', async () => await bots?.tick()],
        [
          'keeper',
          async () => {
            // The keeper reports a period it could not finish instead of throwing: log it, or a
            // stuck period would leave no trace.
            const report = await lock.run(() => keeper.tick());
            if (report.error !== null) log(`keeper: ${report.error}`);
          },
        ],
        ['meters', () => meters.tick(now)],
        ['indexer', () => indexer.syncOnce()],
      ];
      for (const [name, step] of steps) {
        try {
          await step();
        } catch (error) {
          log(`${name}: ${summarize(error)}`);
        }
      }
      const deliveryPeriod = periodAt(schedule, now);
      const biddingPeriod = bidBook.nextBiddingPeriod(now);
      const phase = phaseAt(schedule, biddingPeriod, now);
      const key = `${deliveryPeriod}/${biddingPeriod}/${phase}`;
      if (key !== lastPhase) {
        lastPhase = key;
        events.emit('clock', {
          chainTime: Number(now),
          deliveryPeriod: Number(deliveryPeriod),
          biddingPeriod: Number(biddingPeriod),
          phase,
        });
      }
    }
    /**
     * One heartbeat at a time. A call while one runs gets the next one, which starts when the running
     * one ends (so it sees everything before the call); calls in the meantime share it.
     */
    let queued: Promise<void> | undefined;
    const heartbeat = async (): Promise<void> => {
      if (beating === undefined) {
        beating = beat().finally(() => (beating = undefined));
        return await beating;
      }
      queued ??= beating
        .catch(() => {})
        .then(() => {
          queued = undefined;
          return heartbeat();
        });
      return await queued;
    };

    const health = async (): Promise<PlatformHealth> => {
      let chain: PlatformHealth['chain'];
      try {
        const block = await connection.publicClient.getBlock();
        chain = {
          ok: true,
          chainId: connection.chain.id,
          blockNumber: Number(block.number),
          chainTime: Number(block.timestamp),
        };
      } catch (error) {
        chain = {
          ok: false,
          chainId: connection.chain.id,
          blockNumber: null,
          chainTime: null,
          error: summarize(error),
        };
      }
      const k = keeper.status();
      const i = indexer.status();
      const m = meters.status();
      return {
        chain,
        indexer: {
          ok: i.lastError === null,
          indexedBlock: i.indexedBlock,
          lag: chain.blockNumber === null ? null : Math.max(0, chain.blockNumber - i.indexedBlock),
        },
        keeper: {
          ok: k.lastError === null,
          lastTickAt: k.lastTickAt,
          lastAction: k.lastAction === null ? null : `${k.lastAction.kind} period ${k.lastAction.period}`,
          lastError: k.lastError,
        },
        gateway: { ok: m.unreachable.length === 0 && m.lastError === null, ...m },
      };
    };

    let syncing: Promise<unknown> | undefined;
    const context: ApiContext = {
      subsidyPool,
      maintenancePlans,
      gridConnections,
      forwardRights,
      config,
      platform,
      accounts,
      schedule,
      clock,
      lock,
      store,
      users,
      bidBook,
      continuousOrders:
        continuousMarket === undefined
          ? undefined
          : createContinuousOrders({
              market: continuousMarket,
              platform,
              relayer: accounts.relayer,
              lock,
              schedule,
              maintenancePlans,
              gridConnections,
              now: () => clock.now(),
            }),
      meters,
      readModel: createReadModel(db),
      events,
      health,
      nudge: () => void heartbeat().catch(() => {}),
      indexedBlock: () => indexer.status().indexedBlock,
      async syncReadModel() {
        // Concurrent requests share one sync; the indexer is idempotent anyway.
        syncing ??= indexer.syncOnce().finally(() => (syncing = undefined));
        await syncing;
      },
      periodsOfDay: (date) => periodsOfDay(schedule, date),
    };
    const app = await buildApp(context, { webRoot: options.webRoot });
    cleanups.push(() => app.close());
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    progress(`API and web UI listening at ${url}`);
    let timer: ReturnType<typeof setInterval> | undefined;
    if ((options.heartbeatMs ?? 1_000) > 0) {
      timer = setInterval(() => void heartbeat().catch(() => {}), options.heartbeatMs ?? 1_000);
      cleanups.push(async () => {
        clearInterval(timer);
        await beating;
      });
    }
    return {
      url,
      app,
      context,
      operatorPassword: credentials.operator,
      caseStudyPasswords: Object.fromEntries(Object.entries(credentials).filter(([k]) => k !== 'operator')),
      heartbeat,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
