/**
 * The indexer follows orders a grid capacity limit ends: a resting order whose side's limit bound
 * leaves the book, and an arriving order whose rest may not rest, both closed as `cut` by the
 * continuous market's OrderCapacityCut, with the fills that did fit recorded as trades.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeContinuousOrder, type ContinuousOutcome } from '../../chain/continuousMarket.ts';
import {
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from '../../chain/continuousMarketTesting.ts';
import {
  openGridConnections,
  setCapacityLimit,
  setGridConnection,
  setVoltageLevel,
} from '../../chain/gridConnections.ts';
import type { Platform } from '../../chain/platform.ts';
import type { Enrolled } from '../../chain/testing/testPlatform.ts';
import { periodOrders } from '../readModel/orders.ts';
import { periodDetail } from '../readModel/periods.ts';
import { createIndexer } from './indexer.ts';
import { openReadModel, type ReadModelDb } from './schema.ts';

const UNIT = 10n ** 18n;
const PRICE = 500_000_000_000_000n;

describe('the indexer and grid capacity cuts in the continuous market', () => {
  let c: ContinuousTestPlatform;
  let db: ReadModelDb;
  let period: bigint;
  let pv: Enrolled, load: Enrolled, shop: Enrolled;
  const outcomes: ContinuousOutcome[] = [];

  beforeAll(async () => {
    c = await startContinuousTestPlatform(undefined, { gridConnections: true });
    const platform: Platform = {
      ...c.t.platform,
      deployment: { ...c.t.platform.deployment, continuousMarket: c.market.address },
    };
    pv = await c.trader('PV', 'producer', UNIT);
    load = await c.trader('Load', 'consumer', UNIT);
    shop = await c.trader('Shop', 'consumer', UNIT);
    const grid = openGridConnections(c.t.connection, c.t.platform.deployment)!;
    const op = c.t.accounts.operator;
    await setVoltageLevel(grid, op, {
      level: 1,
      nominalVolts: 400,
      transmissionPerWh: 0n,
      sameLevelFeePerWh: 0n,
    });
    await setGridConnection(grid, op, pv.id, { level: 1, feeder: 1 });
    await setGridConnection(grid, op, load.id, { level: 1, feeder: 2 });
    await setGridConnection(grid, op, shop.id, { level: 1, feeder: 3 });
    // The pv's feeder lets 150 Wh out a period; the shop's lets 30 Wh in.
    await setCapacityLimit(grid, op, 'feeder', 1, 150n);
    await setCapacityLimit(grid, op, 'feeder', 3, 30n);
    period = await c.openPeriod();
    const place = async (who: Enrolled, side: 'sell' | 'buy', quantityWh: bigint) =>
      outcomes.push(
        (
          await placeContinuousOrder(c.market, who.account, who.id, {
            period,
            side,
            quantityWh,
            pricePerWh: PRICE,
          })
        ).outcome,
      );
    await place(pv, 'sell', 300n); // 1 rests
    await place(shop, 'buy', 50n); // 2: 30 Wh fit the shop's feeder, the other 20 do not rest
    await place(load, 'buy', 200n); // 3: 120 Wh are left of the pv's 150; order 1 leaves the book
    db = openReadModel(':memory:');
    await createIndexer({ db, platform, logRange: 5 }).syncOnce();
  }, 180_000);
  afterAll(async () => c?.stop());

  it('closes both cut orders as cut and records the fills that fit', () => {
    expect(outcomes.map((o) => o.capacityCut)).toEqual([
      [],
      [{ orderId: 2, participantId: shop.id, droppedWh: 20n }],
      [{ orderId: 1, participantId: pv.id, droppedWh: 150n }],
    ]);
    expect(
      periodOrders(db, Number(period)).map((o) => [o.orderId, o.restingWh, o.remainingWh, o.status]),
    ).toEqual([
      [1, 300n, 0n, 'cut'],
      [2, 0n, 0n, 'cut'],
      [3, 80n, 80n, 'open'],
    ]);
    const trades = periodDetail(db, Number(period))!.trades;
    expect(trades.map((t) => [t.buyerId, t.quantityWh])).toEqual([
      [shop.id, 30n],
      [load.id, 120n],
    ]);
  });
});
