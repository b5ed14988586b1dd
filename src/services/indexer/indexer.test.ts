import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearPeriodOnChain } from '../../chain/clearing.ts';
import { signReading } from '../../chain/bidding.ts';
import { revokeParticipant, withdraw } from '../../chain/participants.ts';
import { commitAndReveal, runPeriod } from '../../chain/periodDriver.ts';
import { periodSettlements, periodTrades } from '../../chain/periodRecords.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from '../../chain/testing/testPlatform.ts';
import { periodWindows } from '../../core/periodClock.ts';
import { enrolMembers, membersBids, money, price, type Member } from '../testing/members.ts';
import { energySeries } from '../readModel/energy.ts';
import { blockWithTransactions, listBlocks, transactionWithEvents } from '../readModel/explorer.ts';
import { marketParameters, publicGridAccount } from '../readModel/market.ts';
import { listMeters } from '../readModel/meters.ts';
import { participantBids, participantReadings } from '../readModel/participantRecords.ts';
import { listParticipants, participantByAccount, participantById } from '../readModel/participants.ts';
import {
  daySummary,
  periodCurves,
  periodDetail,
  periodSummaries,
  periodsStartingWithin,
} from '../readModel/periods.ts';
import { participantSettlements } from '../readModel/settlements.ts';
import { participantStatement } from '../readModel/statement.ts';
import { createIndexer, type IndexedChanges } from './indexer.ts';
import { openReadModel, READ_MODEL_TABLES, writeMeta, type ReadModelDb } from './schema.ts';

const MEMBERS: readonly Member[] = [
  ['Wind', 'producer', true, false, '5', 'sell', 430n, '0.730'],
  ['Gas', 'producer', false, false, '5', 'sell', 500n, '0.700'],
  ['EV', 'consumer', false, true, '10', 'buy', 250n, '0.756'],
  ['Load', 'consumer', false, false, '10', 'buy', 600n, '0.750'],
];

// The chain's records: everything but the bookkeeping (cursor, keeper state).
const TABLES = READ_MODEL_TABLES.filter((t) => t !== 'meta' && t !== 'keeper_state');

function tables(db: ReadModelDb) {
  return Object.fromEntries(
    TABLES.map((t) => [
      t,
      (db.prepare(`SELECT * FROM ${t}`).all() as unknown[]).map((r) => JSON.stringify(r)).sort(),
    ]),
  );
}

describe('the indexer, on a chain that traded two periods', () => {
  let t: TestPlatform;
  let everyone: Enrolled[];
  let wind: Enrolled, gas: Enrolled, ev: Enrolled, load: Enrolled;
  let later: bigint;
  let db: ReadModelDb;
  const changes: IndexedChanges[] = [];

  const pendingTradedWh = () => periodDetail(db, Number(later)).tradedWh;

  // Every query the API answers, over every participant and period the chain knows.
  function answers(d: ReadModelDb) {
    return {
      participants: listParticipants(d),
      byId: everyone.map((p) => participantById(d, p.id)),
      byAccount: everyone.map((p) => participantByAccount(d, p.account.address)),
      summaries: periodSummaries(d, 1, Number(later) + 1),
      details: [1, Number(later)].map((p) => periodDetail(d, p)),
      day: periodsStartingWithin(d, t.schedule.genesis - 900n, t.schedule.genesis + 86_400n),
      daySummary: daySummary(d, t.schedule.genesis, t.schedule.genesis + 86_400n),
      statements: everyone.map((p) => participantStatement(d, p.account.address)),
      energy: everyone.map((p) => energySeries(d, p.id, 1, Number(later))),
      settlements: everyone.map((p) => participantSettlements(d, p.id)),
      readings: everyone.map((p) => participantReadings(d, p.id)),
      bids: everyone.map((p) => participantBids(d, p.id)),
      meters: listMeters(d),
      parameters: marketParameters(d),
      grid: publicGridAccount(d),
      blocks: listBlocks(d, { limit: 1_000 }),
      block: listBlocks(d, { limit: 1_000 }).map((b) => blockWithTransactions(d, b.number)),
    };
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    everyone = await enrolMembers(t, MEMBERS);
    [wind, gas, ev, load] = everyone as [Enrolled, Enrolled, Enrolled, Enrolled];
    db = openReadModel(':memory:');
    const bids = membersBids(everyone, MEMBERS);
    // The load's meter stays silent in period 1: settled as missing after the deadline.
    const actual = new Map([
      [wind.id, { importWh: 0n, exportWh: 300n }],
      [gas.id, { importWh: 0n, exportWh: 500n }],
      [ev.id, { importWh: 260n, exportWh: 0n }],
    ]);
    const indexer = createIndexer({
      db,
      platform: t.platform,
      logRange: 7,
      onIndexed: (c) => changes.push(c),
    });
    await indexer.syncOnce(); // mid-way: the enrolment only
    const report = await runPeriod(t, 1n, bids, () =>
      everyone
        .filter((p) => actual.has(p.id))
        .map((p) => ({ meter: p.meter, participantId: p.id, ...actual.get(p.id)! })),
    );
    expect(report.refused).toEqual([]);

    // A later period: revealed and cleared, one reading in, not settled yet.
    later = await t.nextOpenPeriod();
    await commitAndReveal(t, later, bids.slice(0, 3));
    await t.clock.advanceTo(periodWindows(t.schedule, later).revealCloses);
    await clearPeriodOnChain(t.platform, t.keeper, later);
    await t.clock.advanceTo(periodWindows(t.schedule, later).deliveryEnds);
    const reading = t.relayer.reading(
      await signReading(t.platform, wind.meter, {
        participantId: wind.id,
        period: later,
        importWh: 10n,
        exportWh: 200n,
      }),
    );
    await t.relayer.flush();
    await reading;
    await withdraw(t.platform, t.accounts.settlementAgent, gas.account, money('1'), 'payout 1');
    await revokeParticipant(t.platform, t.accounts.operator, load.id);
    await indexer.syncOnce();
  }, 120_000);
  afterAll(async () => t?.stop());

  it('reads the registry: participants, authorisation, meters', () => {
    const participants = listParticipants(db);
    expect(participants.map((p) => [p.id, p.name, p.kind, p.authorised])).toEqual([
      [wind.id, 'Wind', 'producer', true],
      [gas.id, 'Gas', 'producer', true],
      [ev.id, 'EV', 'consumer', true],
      [load.id, 'Load', 'consumer', false],
    ]);
    expect(participantById(db, wind.id)!.meter).toEqual({
      address: wind.meter.address,
      number: wind.meterNumber,
    });
    expect(participantByAccount(db, ev.account.address)!.id).toBe(ev.id);
    expect(participantById(db, 99)).toBeNull();
    expect(listMeters(db).map((m) => [m.participantId, m.lastPeriod])).toEqual([
      [wind.id, Number(later)],
      [gas.id, 1],
      [ev.id, 1],
      [load.id, null],
    ]);
  });

  it('a period detail agrees with the chain event readers', async () => {
    for (const period of [1n, later]) {
      const detail = periodDetail(db, Number(period));
      const trades = await periodTrades(t.platform, period);
      expect(
        detail.trades.map(({ logIndex: _, makerOrderId, takerOrderId, ...x }) => {
          // Sealed-bid trades come from no order of the continuous market.
          expect([makerOrderId, takerOrderId]).toEqual([null, null]);
          return { ...x, blockNumber: BigInt(x.blockNumber) };
        }),
      ).toEqual(trades.map((x) => ({ ...x, period: Number(period) })));
      const settlements = await periodSettlements(t.platform, period);
      expect(
        detail.settlements.map((s) => ({
          participantId: s.participantId,
          actualWh: s.actualWh,
          readingMissing: s.readingMissing,
          imbalanceWh: s.imbalanceWh,
          imbalanceAmount: s.imbalanceAmount,
          reward: s.reward,
          penalty: s.penalty,
          transactionHash: s.transactionHash,
          blockNumber: BigInt(s.blockNumber),
        })),
      ).toEqual(settlements);
    }
    const first = periodDetail(db, 1);
    expect(first).toMatchObject({
      stage: 'cleared',
      settled: true,
      commitments: 4,
      revealed: 4,
      tradeCount: 3,
    });
    expect(first.tradedWh).toBe(850n);
    expect(first.averagePrice).toEqual({ value: first.tradedValue, quantityWh: 850n });
    expect(first.settlements.find((s) => s.participantId === load.id)).toMatchObject({
      readingMissing: true,
      declaredWh: 600n,
      awardedWh: 600n,
    });
    expect(first.clearingTransactions.length).toBe(1);
    expect(periodCurves(first.bids)).toEqual({
      supply: [
        { quantityWh: 500n, pricePerWh: price('0.700') },
        { quantityWh: 930n, pricePerWh: price('0.730') },
      ],
      demand: [
        { quantityWh: 250n, pricePerWh: price('0.756') },
        { quantityWh: 850n, pricePerWh: price('0.750') },
      ],
    });
    const day = daySummary(db, t.schedule.genesis, t.schedule.genesis + 86_400n);
    expect(day.periods.length).toBe(96);
    expect(day.periods[0]!.deliveryStarts).toBe(t.schedule.genesis);
    expect(day.tradedWh).toBe(850n + pendingTradedWh());
    expect(first.settlementTransactions.length).toBe(2); // the readings, then the missing one at the deadline
    const pending = periodDetail(db, Number(later));
    expect(pending).toMatchObject({ stage: 'cleared', settled: false, revealed: 3, settlements: [] });
    expect(periodSummaries(db, Number(later) + 1, Number(later) + 1)[0]).toMatchObject({
      stage: 'bidding',
      commitments: 0,
      averagePrice: null,
    });
  });

  it('statements add up to every balance', async () => {
    const accounts = [...everyone.map((p) => p.account.address), t.accounts.publicGrid.address];
    for (const account of accounts) {
      const statement = participantStatement(db, account);
      expect(statement.balance).toBe(await t.platform.read.token.read.balanceOf([account]));
    }
    const reasons = participantStatement(db, gas.account.address).lines.map((l) => l.reason);
    // The gas producer delivered exactly what it sold: no imbalance line, only its incentive.
    expect(reasons).toEqual(['deposit', 'trade', 'incentive', 'withdrawal']);
  });

  it('energy series: settled actuals, a reading before settlement, a missing reading', () => {
    expect(energySeries(db, wind.id, 1, Number(later))).toEqual([
      { period: 1, side: 'sell', declaredWh: 430n, awardedWh: 350n, actualWh: 300n, readingMissing: false },
      {
        period: Number(later),
        side: 'sell',
        declaredWh: 430n,
        awardedWh: 250n,
        actualWh: 190n,
        readingMissing: false,
      },
    ]);
    expect(energySeries(db, load.id, 1, Number(later))).toEqual([
      { period: 1, side: 'buy', declaredWh: 600n, awardedWh: 600n, actualWh: 0n, readingMissing: true },
    ]);
    expect(energySeries(db, gas.id, Number(later), Number(later))[0]!.actualWh).toBeNull();
  });

  it('the explorer names the functions and decodes the events', () => {
    const names = new Set(
      listBlocks(db, { limit: 1_000 }).flatMap((b) =>
        blockWithTransactions(db, b.number)!.transactions.map((x) => x.functionName),
      ),
    );
    for (const name of [
      'registerBySignature',
      'authorise',
      'bindMeter',
      'mint',
      'commitBySignature',
      'reveal',
      'clear',
      'submitReadingsBySignature',
      'settle',
      'withdraw',
      'revoke',
    ])
      expect(names).toContain(name);
    expect(names).toContain(null); // the deployments
    const clearing = periodDetail(db, 1).clearingTransactions[0]!;
    const tx = transactionWithEvents(db, clearing.transactionHash)!;
    expect(tx).toMatchObject({ functionName: 'clear', status: 'success', to: t.platform.deployment.market });
    expect(tx.events.filter((e) => e.name === 'TradeMatched').map((e) => e.args.quantityWh)).toEqual([
      250n,
      500n,
      100n,
    ]);
    expect(tx.events.at(-1)).toMatchObject({ contract: 'market', name: 'PeriodCleared' });
    const newest = listBlocks(db, { limit: 2 });
    expect(newest[0]!.number).toBeGreaterThan(newest[1]!.number);
    expect(listBlocks(db, { before: newest[1]!.number, limit: 1 })[0]!.number).toBe(newest[1]!.number - 1);
  });

  it('told the server what changed', () => {
    const periods = changes.flatMap((c) => c.periods).filter((p) => p.period === 1);
    expect(periods.at(-1)).toEqual({ period: 1, stage: 'cleared', settled: true });
    expect(changes.reduce((n, c) => n + c.trades, 0)).toBe(3 + periodDetail(db, Number(later)).tradeCount);
    expect(changes.flatMap((c) => c.commitments).find((c) => c.period === 1)).toEqual({
      period: 1,
      commitments: 4,
    });
    const blocks = changes.flatMap((c) => c.blocks);
    expect(new Set(blocks).size).toBe(blocks.length);
  });

  it('is idempotent: overlapping ranges and another range size give the same tables', async () => {
    const before = tables(db);
    const indexed = Number(await t.connection.publicClient.getBlockNumber());
    writeMeta(db, 'indexed_block', String(Number(t.platform.deployment.fromBlock) + 3));
    const again = createIndexer({ db, platform: t.platform, logRange: 50 });
    expect(await again.syncOnce()).toEqual({
      fromBlock: Number(t.platform.deployment.fromBlock) + 4,
      toBlock: indexed,
    });
    expect(tables(db)).toEqual(before);
    const other = openReadModel(':memory:');
    await createIndexer({ db: other, platform: t.platform }).syncOnce();
    expect(tables(other)).toEqual(before);
  });

  it('rebuilt from the chain, answers every query the same', async () => {
    const before = answers(db);
    const indexer = createIndexer({ db, platform: t.platform });
    await indexer.rebuild();
    expect(answers(db)).toEqual(before);
    expect(indexer.status().indexedBlock).toBe(indexer.status().headBlock);
  });

  it('refuses a file built for another deployment, and says so in its status', async () => {
    const elsewhere = {
      ...t.platform,
      deployment: { ...t.platform.deployment, market: t.platform.deployment.token },
    };
    const indexer = createIndexer({ db, platform: elsewhere });
    await expect(indexer.syncOnce()).rejects.toMatchObject({ code: 'READ_MODEL_MISMATCH' });
    expect(indexer.status().lastError).toMatch(/read model was built for deployment/);
  });
});
