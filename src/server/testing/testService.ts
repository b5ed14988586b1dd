/**
 * The whole platform service on a fresh embedded chain, for API and browser tests: a wall clock the
 * test moves by hand, heartbeats the test runs itself, and helpers to reach a period's windows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../config/config.ts';
import { periodWindows, type PeriodWindows } from '../../core/periodClock.ts';
import { startPlatformService, type PlatformService } from '../../app/platformService.ts';

export interface TestService {
  readonly service: PlatformService;
  readonly url: string;
  readonly dataDir: string;
  /** Moves the chain's clock to at least `chainTime` and runs a heartbeat there. */
  advanceTo(chainTime: bigint): Promise<void>;
  windowsOf(period: bigint): PeriodWindows;
  /** Runs heartbeats through every window of `period` until it is settled. */
  runPeriod(period: bigint): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestService(
  options: {
    webRoot?: string;
    caseStudy?: boolean;
    speed?: number;
    /** Settings of the configuration's `market` section (the file's form). */
    market?: Readonly<Record<string, unknown>>;
  } = {},
): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-service-'));
  const speed = options.speed ?? 60;
  const config = buildConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      clock: { speed },
      caseStudy: { enabled: options.caseStudy ?? true },
      chain: { mode: 'embedded', port: 0, stateIntervalSeconds: 3_600 },
      ...(options.market === undefined ? {} : { market: options.market }),
    },
    'test',
    dataDir,
    { dataDir },
  );
  let wall = Date.now();
  const service = await startPlatformService(config, {
    heartbeatMs: 0,
    webRoot: options.webRoot,
    wallClock: () => wall,
    log: (line) => console.error(line),
  });
  const { schedule, clock } = service.context;
  // No jump skips a window: the platform beats at least twice in each, as it does in real time.
  const stepSeconds = BigInt(
    Math.max(1, Math.floor(Math.min(schedule.commitSeconds, schedule.revealSeconds) / 3)),
  );
  const advanceTo = async (chainTime: bigint) => {
    for (;;) {
      const now = await clock.now();
      const next = chainTime - now > stepSeconds ? now + stepSeconds : chainTime;
      if (next > now) wall += Math.ceil((Number(next - now) * 1000) / speed);
      await service.heartbeat();
      if (next >= chainTime) return;
    }
  };
  return {
    service,
    url: service.url,
    dataDir,
    advanceTo,
    windowsOf: (period) => periodWindows(schedule, period),
    async runPeriod(period) {
      const w = periodWindows(schedule, period);
      for (const t of [w.commitOpens, w.commitCloses, w.revealCloses, w.deliveryStarts, w.deliveryEnds]) {
        await advanceTo(t + 1n);
      }
      // Readings land at the boundary; the keeper settles on the next beat (or at the deadline).
      await advanceTo(w.deliveryEnds + 30n);
      await advanceTo(w.readingDeadline + 1n);
      await service.heartbeat();
    },
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** One request through the service's fastify `inject`, as a participant (bearer token) or anonymous. */
export async function callApi(
  t: TestService,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Json }> {
  const response = await t.service.app.inject({
    method,
    url,
    ...(body === undefined ? {} : { payload: body as object }),
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.statusCode, body: response.json() as Json };
}

/** Signs a participant up, has the operator authorise it and deposit 10 for it. */
export async function signUpFunded(
  t: TestService,
  operatorToken: string,
  username: string,
  kind: 'producer' | 'consumer' | 'prosumer',
): Promise<{ token: string; id: number }> {
  const answer = await callApi(t, 'POST', '/api/participants', {
    username,
    password: `${username}-password`,
    name: username,
    kind,
    greenSupply: kind === 'producer',
    greenPreference: false,
  });
  const id = answer.body.participant.id as number;
  await callApi(t, 'POST', `/api/participants/${id}/authorisation`, undefined, operatorToken);
  await callApi(
    t,
    'POST',
    `/api/participants/${id}/deposits`,
    { amount: '10', reference: `FIAT-${id}` },
    operatorToken,
  );
  return { token: answer.body.token as string, id };
}

/** The first period whose commit window has not opened yet. */
export async function nextOpenPeriod(t: TestService): Promise<bigint> {
  const now = await t.service.context.clock.now();
  let period = 1n;
  while (t.windowsOf(period).commitOpens <= now) period += 1n;
  return period;
}
