import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from 'viem';
import { signReading } from '../../chain/bidding.ts';
import { STAGES } from '../../chain/clearing.ts';
import { commitAndReveal, type PeriodBid } from '../../chain/periodDriver.ts';
import { periodSettlements, periodTrades } from '../../chain/periodRecords.ts';
import type { Platform } from '../../chain/platform.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from '../../chain/testing/testPlatform.ts';
import { periodWindows } from '../../core/periodClock.ts';
import { clearGreenFirst } from '../../core/greenFirstAuction.ts';
import type { MarketParameters } from '../../chain/deploy.ts';
import { asCoreBids, revealedBids } from '../../chain/periodRecords.ts';
import { enrolMembers, membersBids, type Member } from '../testing/members.ts';
import { openReadModel } from '../indexer/schema.ts';
import { createKeeper, keeperCursorStore, type KeeperEvent, type KeeperTickReport } from './keeper.ts';

/** The platform as seen by a keeper process that dies after sending `sends` transactions. */
function dyingAfter(platform: Platform, sends: number): Platform {
  let sent = 0;
  const connection = {
    ...platform.connection,
    wallet(account: Account) {
      const wallet = platform.connection.wallet(account);
      return new Proxy(wallet, {
        get(target, property, receiver) {
          if (property !== 'sendTransaction') return Reflect.get(target, property, receiver);
          return async (...args: Parameters<typeof wallet.sendTransaction>) => {
            if (sent >= sends) throw new Error(`keeper killed after ${sends} transactions`);
            sent += 1;
            return await target.sendTransaction(...args);
          };
        },
      });
    },
  };
  return { ...platform, connection };
}

interface Market {
  t: TestPlatform;
  members: Enrolled[];
}

const MEMBERS: readonly Member[] = [
  ['Wind', 'producer', true, false, '10', 'sell', 400n, '0.700'],
  ['Solar', 'producer', true, false, '10', 'sell', 300n, '0.720'],
  ['Gas', 'producer', false, false, '10', 'sell', 500n, '0.690'],
  ['EV', 'consumer', false, true, '10', 'buy', 250n, '0.760'],
  ['Load', 'consumer', false, false, '10', 'buy', 600n, '0.750'],
  ['Heat pump', 'consumer', false, true, '10', 'buy', 350n, '0.740'],
];

// What each meter measured; the heat pump's meter (last) never reports.
const MEASURED = [
  { importWh: 0n, exportWh: 380n },
  { importWh: 0n, exportWh: 320n },
  { importWh: 5n, exportWh: 500n },
  { importWh: 260n, exportWh: 0n },
  { importWh: 550n, exportWh: 0n },
] as const;

async function market(parameters: Partial<MarketParameters> = {}): Promise<Market> {
  const t = await startTestPlatform({ parameters });
  return { t, members: await enrolMembers(t, MEMBERS) };
}

const bidsOf = (m: Market): PeriodBid[] => membersBids(m.members, MEMBERS);

async function submitReadings(m: Market, period: bigint) {
  const signed = await Promise.all(
    MEASURED.map((r, i) =>
      signReading(m.t.platform, m.members[i]!.meter, { participantId: m.members[i]!.id, period, ...r }),
    ),
  );
  const receipts = signed.map((r) => m.t.relayer.reading(r));
  await m.t.relayer.flush();
  await Promise.all(receipts);
}

const keeperFor = (
  m: Market,
  platform: Platform,
  onEvent?: (e: KeeperEvent) => void,
  db = openReadModel(':memory:'),
) =>
  createKeeper({
    platform,
    account: m.t.keeper,
    schedule: m.t.schedule,
    clock: m.t.clock,
    maxClearingEntriesPerTransaction: 2,
    settlementBatchSize: 2,
    onEvent,
    cursor: keeperCursorStore(db),
  });

async function balances(m: Market) {
  const accounts = [...m.members.map((p) => p.account.address), m.t.accounts.publicGrid.address];
  return await Promise.all(accounts.map((a) => m.t.platform.read.token.read.balanceOf([a])));
}

/** What a tick did, leaving out the empty periods it walked past. */
const acted = (report: KeeperTickReport) => report.actions.filter((x) => x.kind !== 'skipped');

const stageOf = async (m: Market, period: bigint) =>
  STAGES[(await m.t.platform.read.market.read.periodState([period]))[1].stage];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs a keeper in a child process and kills it with SIGKILL as soon as `cut()` holds on the chain.
 * Where the kill lands is up to the race (seen: mid-green-stage, and after 1 of 6 settlements); the
 * test asserts the outcome, which must not depend on it. Returns the actions the child printed.
 */
async function killKeeperWhen(
  m: Market,
  firstPeriod: bigint,
  cut: () => Promise<boolean>,
): Promise<string[]> {
  const deployment = JSON.stringify(m.t.platform.deployment, (_, v) =>
    typeof v === 'bigint' ? String(v) : v,
  );
  const child = spawn(
    process.execPath,
    [
      'bin/run-ts.js',
      'src/services/keeper/keeperProcess.fixture.ts',
      m.t.chain.rpcUrl,
      deployment,
      String(firstPeriod),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  child.stdout
    .setEncoding('utf8')
    .on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const started = Date.now();
  while (!(await cut())) {
    if (Date.now() - started > 30_000) throw new Error('the keeper process did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  child.kill('SIGKILL');
  await exited;
  expect(lines[0]).toBe('ready');
  return lines;
}

describe('the keeper, killed mid-way and restarted, finishes each period once', () => {
  let a: Market; // interrupted
  let b: Market; // uninterrupted, the reference
  let period: bigint;

  beforeAll(async () => {
    [a, b] = await Promise.all([market(), market()]);
    const [pa, pb] = await Promise.all([a.t.nextOpenPeriod(), b.t.nextOpenPeriod()]);
    period = pa > pb ? pa : pb;
    await Promise.all([a, b].map((m) => commitAndReveal(m.t, period, bidsOf(m))));
    await Promise.all(
      [a, b].map((m) => m.t.clock.advanceTo(periodWindows(m.t.schedule, period).revealCloses)),
    );
  }, 120_000);
  afterAll(async () => Promise.all([a?.t.stop(), b?.t.stop()]));

  it('skips the periods without a revealed bid and resumes a clearing cut short', async () => {
    const db = openReadModel(':memory:');
    const dying = keeperFor(a, dyingAfter(a.t.platform, 1), undefined, db);
    const cut = await dying.tick();
    expect(cut.error).toMatch(/keeper killed after 1 transactions/);
    expect(cut.actions.filter((x) => x.kind === 'skipped').map((x) => x.period)).toEqual(
      Array.from({ length: Number(period) - 1 }, (_, i) => BigInt(i + 1)),
    );
    expect(cut.oldestUnfinished).toBe(period);
    expect(await stageOf(a, period)).not.toBe('cleared');
    expect(await stageOf(a, period)).not.toBe('bidding');
    expect(dying.status().lastError).toBe(cut.error);

    const events: KeeperEvent[] = [];
    const fresh = keeperFor(a, a.t.platform, (e) => events.push(e), db);
    expect(fresh.status().oldestUnfinished).toBe(period); // the stored cursor
    const resumed = await fresh.tick();
    expect(resumed.error).toBeNull();
    expect(resumed.actions).toEqual([{ kind: 'cleared', period, transactions: expect.any(Number) }]);
    expect(events).toEqual(resumed.actions);

    const reference = await keeperFor(b, b.t.platform).tick();
    expect(reference.error).toBeNull();
    const clearing = reference.actions.find((x) => x.kind === 'cleared');
    expect(clearing).toMatchObject({ kind: 'cleared', period });
    // Cut into transactions of 2 bids: the split run handed over the same bids in more transactions.
    expect(clearing!.kind === 'cleared' && clearing!.transactions).toBeGreaterThan(1);

    const trades = async (m: Market) =>
      (await periodTrades(m.t.platform, period)).map((x) => [
        x.sellerId,
        x.buyerId,
        x.quantityWh,
        x.pricePerWh,
        x.stage,
      ]);
    expect(await trades(a)).toEqual(await trades(b));
    expect((await trades(a)).length).toBeGreaterThan(2);
    expect(await balances(a)).toEqual(await balances(b));
  });

  it('settles when the readings are in, resumes a settlement cut short, and settles a missing reading at the deadline', async () => {
    for (const m of [a, b]) {
      await m.t.clock.advanceTo(periodWindows(m.t.schedule, period).deliveryEnds);
      await submitReadings(m, period);
    }
    const db = openReadModel(':memory:');
    const cut = await keeperFor(a, dyingAfter(a.t.platform, 1), undefined, db).tick();
    expect(cut.error).toMatch(/killed/);
    expect((await periodSettlements(a.t.platform, period)).length).toBe(2);

    const fresh = keeperFor(a, a.t.platform, undefined, db);
    const resumed = await fresh.tick();
    expect(resumed.error).toBeNull();
    expect(acted(resumed)).toEqual([
      {
        kind: 'settled',
        period,
        participants: [a.members[2]!.id, a.members[3]!.id, a.members[4]!.id],
        transactions: 2,
      },
    ]);
    // The heat pump's reading is awaited until the deadline.
    expect(resumed.oldestUnfinished).toBe(period);
    expect(acted(await fresh.tick())).toEqual([]);

    await keeperFor(b, b.t.platform).tick();
    for (const m of [a, b]) await m.t.clock.advanceTo(periodWindows(m.t.schedule, period).readingDeadline);
    const late = await fresh.tick();
    expect(acted(late)).toEqual([
      { kind: 'settled', period, participants: [a.members[5]!.id], transactions: 1 },
      { kind: 'finished', period },
    ]);
    expect(late.oldestUnfinished).toBeGreaterThan(period);
    expect(fresh.status()).toMatchObject({ lastError: null, lastAction: { kind: 'finished', period } });
    await keeperFor(b, b.t.platform).tick();

    for (const m of [a, b]) {
      const settled = await periodSettlements(m.t.platform, period);
      expect(settled.map((s) => s.participantId).sort()).toEqual(m.members.map((p) => p.id).sort());
      expect(settled.find((s) => s.participantId === m.members[5]!.id)!.readingMissing).toBe(true);
      const periodSettled = await m.t.platform.read.market.getEvents.PeriodSettled(
        { period },
        { fromBlock: m.t.platform.deployment.fromBlock },
      );
      expect(periodSettled.length).toBe(1);
    }
    const outcome = async (m: Market) =>
      (await periodSettlements(m.t.platform, period))
        .map(({ transactionHash: _h, blockNumber: _b, ...s }) => s)
        .sort((x, y) => x.participantId - y.participantId);
    expect(await outcome(a)).toEqual(await outcome(b));
    expect(await balances(a)).toEqual(await balances(b));
    // A keeper started afresh without a cursor finds nothing left to do and pays nothing.
    const before = await balances(a);
    const again = await createKeeper({
      platform: a.t.platform,
      account: a.t.keeper,
      schedule: a.t.schedule,
      clock: a.t.clock,
      maxClearingEntriesPerTransaction: 2,
    }).tick();
    expect(acted(again)).toEqual([{ kind: 'finished', period }]);
    expect(await balances(a)).toEqual(before);
  });

  it('killed with SIGKILL in the middle of a clearing and of a settlement, a fresh keeper finishes the same', async () => {
    const [pa, pb] = await Promise.all([a.t.nextOpenPeriod(), b.t.nextOpenPeriod()]);
    const next = pa > pb ? pa : pb;
    await Promise.all([a, b].map((m) => commitAndReveal(m.t, next, bidsOf(m))));
    await Promise.all([a, b].map((m) => m.t.clock.advanceTo(periodWindows(m.t.schedule, next).revealCloses)));

    const state = async () => (await a.t.platform.read.market.read.periodState([next]))[1];
    await killKeeperWhen(a, next, async () => STAGES[(await state()).stage] !== 'bidding');
    const finish = async (m: Market) => {
      const report = await keeperFor(m, m.t.platform).tick();
      expect(report.error).toBeNull();
    };
    await Promise.all([finish(a), finish(b)]);
    const trades = async (m: Market) =>
      (await periodTrades(m.t.platform, next)).map((x) => [
        x.sellerId,
        x.buyerId,
        x.quantityWh,
        x.pricePerWh,
        x.stage,
      ]);
    expect(await trades(a)).toEqual(await trades(b));

    for (const m of [a, b]) {
      await m.t.clock.advanceTo(periodWindows(m.t.schedule, next).deliveryEnds);
      await submitReadings(m, next);
    }
    await killKeeperWhen(a, next, async () => (await state()).settledCount > 0);
    await Promise.all([finish(a), finish(b)]);
    for (const m of [a, b]) await m.t.clock.advanceTo(periodWindows(m.t.schedule, next).readingDeadline);
    await Promise.all([finish(a), finish(b)]);

    const outcome = async (m: Market) =>
      (await periodSettlements(m.t.platform, next))
        .map(({ transactionHash: _h, blockNumber: _b, ...x }) => x)
        .sort((x, y) => x.participantId - y.participantId);
    const settled = await outcome(a);
    expect(settled.map((x) => x.participantId)).toEqual(a.members.map((p) => p.id));
    expect(settled).toEqual(await outcome(b));
    expect(await balances(a)).toEqual(await balances(b));
  });
});

describe('the keeper under uniform pricing', () => {
  let m: Market;
  afterAll(async () => m?.t.stop());

  it('clears a uniform-price period end to end, one price per stage, as the core computes, and settles it', async () => {
    m = await market({ pricing: 'uniform' });
    const period = await m.t.nextOpenPeriod();
    await commitAndReveal(m.t, period, bidsOf(m));
    await m.t.clock.advanceTo(periodWindows(m.t.schedule, period).revealCloses);
    const core = clearGreenFirst({
      bids: asCoreBids(period, await revealedBids(m.t.platform, period)),
      rules: { pricing: 'uniform' },
    });
    const keeper = keeperFor(m, m.t.platform);
    const cleared = await keeper.tick();
    expect(cleared.error).toBeNull();
    expect(acted(cleared)).toEqual([{ kind: 'cleared', period, transactions: expect.any(Number) }]);

    const trades = await periodTrades(m.t.platform, period);
    expect(
      trades.map((x) => [String(x.sellerId), String(x.buyerId), x.quantityWh, x.pricePerWh, x.stage]),
    ).toEqual(core.trades.map((x) => [x.seller, x.buyer, x.quantityWh, x.pricePerWh, x.stage]));
    expect(core.stagePrices.map((p) => p.stage)).toEqual(['green', 'all']);
    for (const stage of ['green', 'all'] as const) {
      const prices = new Set(trades.filter((x) => x.stage === stage).map((x) => x.pricePerWh));
      expect([...prices]).toEqual([core.stagePrices.find((p) => p.stage === stage)!.pricePerWh]);
    }

    await m.t.clock.advanceTo(periodWindows(m.t.schedule, period).deliveryEnds);
    await submitReadings(m, period);
    await m.t.clock.advanceTo(periodWindows(m.t.schedule, period).readingDeadline);
    const settled = await keeper.tick();
    expect(acted(settled).at(-1)).toEqual({ kind: 'finished', period });
    expect((await periodSettlements(m.t.platform, period)).length).toBe(m.members.length);
  });
});
