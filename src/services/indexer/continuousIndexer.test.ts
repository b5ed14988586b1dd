/**
 * The indexer on a deployment with the continuous market: orders placed, filled, cancelled, expired
 * and voided, the fills as trades, readings, settlements and debts reach the read model; statements
 * add up to every balance; a fill's trade flow finds its payment, orders and settlements; and the
 * tables are the same read twice, in other ranges, and rebuilt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signReading } from '../../chain/bidding.ts';
import {
  cancelContinuousOrder,
  expireContinuousOrders,
  placeContinuousOrder,
  type ContinuousOutcome,
} from '../../chain/continuousMarket.ts';
import {
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from '../../chain/continuousMarketTesting.ts';
import { settleContinuousPeriod, submitContinuousReadings } from '../../chain/continuousSettlement.ts';
import { continuousMarketAbi } from '../../chain/generated/ContinuousMarket.ts';
import { deposit, withdraw } from '../../chain/participants.ts';
import type { Platform } from '../../chain/platform.ts';
import { execute } from '../../chain/transactions.ts';
import type { Enrolled } from '../../chain/testing/testPlatform.ts';
import { energySeries } from '../readModel/energy.ts';
import { participantDebts, participantOrders, periodOrders } from '../readModel/orders.ts';
import { periodDetail, periodSummaries } from '../readModel/periods.ts';
import { participantSettlements } from '../readModel/settlements.ts';
import { participantStatement } from '../readModel/statement.ts';
import { tradeFlowRecords } from '../readModel/tradeFlow.ts';
import { createIndexer, type IndexedChanges } from './indexer.ts';
import { openReadModel, READ_MODEL_TABLES, writeMeta, type ReadModelDb } from './schema.ts';

const UNIT = 10n ** 18n;
const cents = (c: bigint) => c * 10_000_000_000_000n;
const TABLES = READ_MODEL_TABLES.filter((t) => t !== 'meta' && t !== 'keeper_state');

function tables(db: ReadModelDb) {
  return Object.fromEntries(
    TABLES.map((t) => [
      t,
      (db.prepare(`SELECT * FROM ${t}`).all() as unknown[]).map((r) => JSON.stringify(r)).sort(),
    ]),
  );
}

describe('the indexer, on a continuous-market deployment that traded a period', () => {
  let c: ContinuousTestPlatform;
  let platform: Platform;
  let db: ReadModelDb;
  let period: bigint;
  let sun: Enrolled, wind: Enrolled, home: Enrolled, shop: Enrolled, poor: Enrolled;
  let everyone: Enrolled[];
  const outcomes: ContinuousOutcome[] = [];
  const changes: IndexedChanges[] = [];

  beforeAll(async () => {
    // Without the token's holds: withdrawals below stand for money leaving through the sealed-bid
    // market's trades and settlements, which the holds do not stop (see continuousMatchesCore.test.ts).
    c = await startContinuousTestPlatform(undefined, { holdFunds: false });
    // The indexer finds the continuous market through the deployment, as a service configured for it.
    platform = {
      ...c.t.platform,
      deployment: { ...c.t.platform.deployment, continuousMarket: c.market.address },
    };
    await c.t.fundGrid(100n * UNIT);
    sun = await c.trader('Sun', 'producer', UNIT);
    wind = await c.trader('Wind', 'producer', UNIT / 500n);
    home = await c.trader('Home', 'consumer', UNIT);
    shop = await c.trader('Shop', 'consumer', UNIT);
    poor = await c.trader('Poor', 'consumer', UNIT / 5n);
    everyone = [sun, wind, home, shop, poor];
    db = openReadModel(':memory:');
    const indexer = createIndexer({ db, platform, logRange: 5, onIndexed: (x) => changes.push(x) });
    await indexer.syncOnce(); // the enrolment only

    period = await c.openPeriod();
    const place = async (who: Enrolled, side: 'sell' | 'buy', quantityWh: bigint, price: bigint) => {
      const { outcome } = await placeContinuousOrder(c.market, who.account, who.id, {
        period,
        side,
        quantityWh,
        pricePerWh: cents(price),
      });
      outcomes.push(outcome);
      return outcome;
    };
    await place(sun, 'sell', 300n, 50n); // order 1 rests
    await place(wind, 'sell', 200n, 55n); // order 2 rests
    await place(poor, 'buy', 300n, 45n); // order 3 rests, below the asks
    await indexer.syncOnce(); // mid-way: three resting orders
    await place(home, 'buy', 400n, 56n); // order 4 takes 300 of order 1 at 50 and 100 of order 2 at 55
    await place(shop, 'buy', 100n, 40n); // order 5 rests, then is cancelled
    await cancelContinuousOrder(c.market, shop.account, period, 5);
    // The poor buyer's money leaves (a withdrawal here): its resting bid is voided when a seller hits it.
    await withdraw(c.t.platform, c.t.accounts.settlementAgent, poor.account, UNIT / 5n - UNIT / 1000n, 'out');
    await place(sun, 'sell', 50n, 45n); // order 6 meets order 3, voids it and rests
    await c.closeGate(period);
    // The wind takes its earnings out before delivery: what it then owes the grid becomes debt.
    const windBalance = await c.t.platform.read.token.read.balanceOf([wind.account.address]);
    await withdraw(
      c.t.platform,
      c.t.accounts.settlementAgent,
      wind.account,
      windBalance - UNIT / 1000n,
      'earnings',
    );
    await expireContinuousOrders(c.market, c.t.keeper, period); // orders 2 (100 Wh left) and 6

    // Delivery: the sun's and the home's meters read; the wind's stays silent and settles as missing.
    const deadline = await c.market.read.read.readingDeadline([period]);
    await c.t.clock.advanceTo(deadline - (await c.market.read.read.readingSeconds()));
    const signed = await Promise.all([
      signReading(c.t.platform, sun.meter, { participantId: sun.id, period, importWh: 0n, exportWh: 280n }),
      signReading(c.t.platform, home.meter, { participantId: home.id, period, importWh: 410n, exportWh: 0n }),
    ]);
    await submitContinuousReadings(c.market, c.t.accounts.relayer, signed);
    await settleContinuousPeriod(c.market, c.t.keeper, period);
    await c.t.clock.advanceTo(deadline);
    await settleContinuousPeriod(c.market, c.t.keeper, period);
    // The wind's debt is repaid in part from a new deposit.
    await deposit(c.t.platform, c.t.accounts.settlementAgent, wind.account.address, UNIT / 1000n, 'top up');
    await execute(
      c.t.connection,
      c.t.keeper,
      { address: c.market.address, abi: continuousMarketAbi, functionName: 'repayDebt', args: [wind.id] },
      'repay',
    );
    await indexer.syncOnce();
  }, 180_000);
  afterAll(async () => c?.stop());

  it('follows every order to its end: filled, cancelled, voided, expired', () => {
    const orders = periodOrders(db, Number(period));
    expect(
      orders.map((o) => [
        o.orderId,
        o.participantId,
        o.side,
        o.quantityWh,
        o.restingWh,
        o.remainingWh,
        o.status,
      ]),
    ).toEqual([
      [1, sun.id, 'sell', 300n, 300n, 0n, 'filled'],
      [2, wind.id, 'sell', 200n, 200n, 0n, 'expired'],
      [3, poor.id, 'buy', 300n, 300n, 0n, 'voided'],
      [4, home.id, 'buy', 400n, 0n, 0n, 'filled'],
      [5, shop.id, 'buy', 100n, 100n, 0n, 'cancelled'],
      [6, sun.id, 'sell', 50n, 50n, 0n, 'expired'],
    ]);
    for (const o of orders) expect(o.closed).not.toBeNull();
    expect(orders[0]!.pricePerWh).toBe(cents(50n));
    expect(participantOrders(db, sun.id).map((o) => o.orderId)).toEqual([1, 6]);
    expect(changes.flatMap((x) => x.books)).toContain(Number(period));
  });

  it('records the fills as the period trades, equal to the contract', async () => {
    const fills = outcomes.flatMap((o) => o.fills);
    const detail = periodDetail(db, Number(period));
    expect(
      detail.trades.map((t) => [
        t.stage,
        t.sellerId,
        t.buyerId,
        t.quantityWh,
        t.pricePerWh,
        t.makerOrderId,
        t.takerOrderId,
      ]),
    ).toEqual(
      fills.map((f) => [
        'continuous',
        f.sellerId,
        f.buyerId,
        f.quantityWh,
        f.pricePerWh,
        f.makerOrderId,
        f.takerOrderId,
      ]),
    );
    expect(detail.trades.length).toBe(2);
    const traded = await c.market.read.read.tradedOf([period]);
    const summary = periodSummaries(db, Number(period), Number(period))[0]!;
    expect([summary.tradeCount, summary.tradedWh, summary.tradedValue]).toEqual([
      2,
      traded.quantityWh,
      traded.value,
    ]);
    expect(detail.orders.length).toBe(6);
    expect(detail.settlementTransactions.length).toBe(2);
    expect(changes.reduce((n, x) => n + x.trades, 0)).toBe(2);
  });

  it('settlements, readings, positions and debts agree with the contract', async () => {
    const settlements = periodDetail(db, Number(period)).settlements;
    expect(settlements.map((s) => [s.market, s.participantId, s.side, s.declaredWh, s.awardedWh])).toEqual([
      ['continuous', sun.id, 'sell', 300n, 300n],
      ['continuous', home.id, 'buy', 400n, 400n],
      ['continuous', wind.id, 'sell', 100n, 100n],
    ]);
    for (const s of settlements) {
      const position = await c.market.read.read.positionOf([period, s.participantId]);
      expect(s.actualWh).toBe(BigInt(position.actualWh));
    }
    expect(participantSettlements(db, wind.id)[0]).toMatchObject({ readingMissing: true, actualWh: 0n });
    expect(energySeries(db, sun.id, 1, Number(period))).toEqual([
      {
        period: Number(period),
        side: 'sell',
        declaredWh: 300n,
        awardedWh: 300n,
        actualWh: 280n,
        readingMissing: false,
      },
    ]);
    const debts = participantDebts(db, wind.id);
    const owed = await c.market.read.read.debtOf([wind.id]);
    expect(debts).toHaveLength(1);
    expect(debts[0]!.market).toBe('continuous');
    expect(debts[0]!.outstanding).toBe(owed);
    expect(debts[0]!.recorded).toBeGreaterThan(0n);
    expect(debts[0]!.repaid).toBe(UNIT / 1000n);
    expect(debts[0]!.recorded - debts[0]!.repaid).toBe(owed);
    expect(participantDebts(db, home.id)).toEqual([]);
  });

  it('statements add up to every balance', async () => {
    for (const account of [...everyone.map((p) => p.account.address), c.t.accounts.publicGrid.address]) {
      const statement = participantStatement(db, account);
      expect(statement.balance).toBe(await c.t.platform.read.token.read.balanceOf([account]));
    }
    const home = participantStatement(db, everyone[2]!.account.address);
    expect(home.lines.filter((l) => l.reason === 'trade').map((l) => l.trade !== null)).toEqual([true, true]);
  });

  it("a fill's trade flow finds its payment, both orders, readings and settlements", () => {
    const fill = periodDetail(db, Number(period)).trades[0]!;
    const flow = tradeFlowRecords(db, fill.transactionHash, fill.logIndex)!;
    expect(flow.payment).toMatchObject({
      reason: 'trade',
      from: home.account.address,
      to: sun.account.address,
      amount: fill.quantityWh * fill.pricePerWh,
    });
    expect(flow.seller.order).toMatchObject({ orderId: 1, participantId: sun.id });
    expect(flow.buyer.order).toMatchObject({ orderId: 4, participantId: home.id });
    expect(flow.seller.bid).toBeNull();
    expect(flow.seller.authorisation).not.toBeNull();
    expect(flow.seller.reading).toMatchObject({ exportWh: 280n });
    expect(flow.buyer.settlement).toMatchObject({ market: 'continuous', declaredWh: 400n });
    expect(flow.buyer.settlementMoves.length).toBeGreaterThan(0);
  });

  it('is idempotent and rebuilds to the same tables', async () => {
    const before = tables(db);
    writeMeta(db, 'indexed_block', String(Number(platform.deployment.fromBlock) + 2));
    await createIndexer({ db, platform, logRange: 40 }).syncOnce();
    expect(tables(db)).toEqual(before);
    const other = openReadModel(':memory:');
    await createIndexer({ db: other, platform }).syncOnce();
    expect(tables(other)).toEqual(before);
    await createIndexer({ db, platform }).rebuild();
    expect(tables(db)).toEqual(before);
  });

  it("decodes the continuous market's transactions by name", () => {
    const names = (
      db.prepare('SELECT DISTINCT function_name FROM transactions').all() as { function_name: string }[]
    ).map((r) => r.function_name);
    for (const name of ['place', 'cancel', 'expire', 'submitReadingsBySignature', 'settle', 'repayDebt'])
      expect(names).toContain(name);
  });
});
