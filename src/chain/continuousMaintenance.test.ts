/**
 * Maintenance plans bind the continuous market as they bind the sealed-bid one: a unit whose plan
 * covers a period may not place a sell order in it (`OrderUnitUnderMaintenance`, nothing changed),
 * may still buy, and sells again once the plan is cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from 'viem';
import { placeContinuousOrder } from './continuousMarket.ts';
import {
  refusalOf,
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from './continuousMarketTesting.ts';
import { cancelMaintenance, openMaintenancePlans, publishMaintenance } from './maintenancePlans.ts';
import type { Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const PRICE = 500_000_000_000_000n;

describe('the continuous market and maintenance plans', () => {
  let c: ContinuousTestPlatform;
  let unit: Enrolled;
  let period: bigint;
  let planId: number;

  beforeAll(async () => {
    c = await startContinuousTestPlatform(undefined, { maintenancePlans: true });
    unit = await c.trader('rooftop', 'prosumer', UNIT);
    period = await c.openPeriod(3_000n);
    const plans = openMaintenancePlans(c.t.connection, c.t.platform.deployment)!;
    ({ planId } = await publishMaintenance(plans, c.t.accounts.operator, {
      unitId: unit.id,
      fromPeriod: period,
      toPeriod: period + 1n,
      workOrder: toHex('inverter swap', { size: 32 }),
    }));
  }, 120_000);
  afterAll(async () => c?.stop());

  const order = (side: 'sell' | 'buy', p = period) =>
    placeContinuousOrder(c.market, unit.account, unit.id, {
      period: p,
      side,
      quantityWh: 10n,
      pricePerWh: PRICE,
    });

  it('refuses a sell order in a covered period, changing nothing; the next period is free', async () => {
    const before = await c.snapshot(period, [unit.id], [unit.account]);
    const refusal = await refusalOf(order('sell'));
    expect([refusal.errorName, refusal.args]).toEqual([
      'OrderUnitUnderMaintenance',
      [unit.id, period, BigInt(planId)],
    ]);
    expect(await c.snapshot(period, [unit.id], [unit.account])).toBe(before);
    const { outcome } = await order('sell', period + 2n);
    expect(outcome.placed).toHaveLength(1);
  });

  it('lets the unit buy in a covered period, and sell in it once the plan is cancelled', async () => {
    expect((await order('buy')).outcome.placed).toHaveLength(1);
    expect((await refusalOf(order('sell', period + 1n))).errorName).toBe('OrderUnitUnderMaintenance');
    const plans = openMaintenancePlans(c.t.connection, c.t.platform.deployment)!;
    await cancelMaintenance(plans, c.t.accounts.operator, planId);
    expect((await order('sell', period + 1n)).outcome.placed).toHaveLength(1);
  });
});
