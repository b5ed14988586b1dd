/**
 * Maintenance plans bind the continuous market as they bind the sealed-bid one: a unit whose plan
 * covers a period may not place a sell order in it (`OrderUnitUnderMaintenance`, nothing changed),
 * may still buy, and sells again once the plan is cancelled. Forward schedules too: a producer or
 * large user with a forward delivery in a period may not trade in it (`OrderUnitHasForwardSchedule`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from 'viem';
import { placeContinuousOrder } from './continuousMarket.ts';
import {
  refusalOf,
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from './continuousMarketTesting.ts';
import {
  buyForwardRights,
  issueForwardOffer,
  openForwardRights,
  registerForwardOffer,
  setLargeUser,
} from './forwardRights.ts';
import { cancelMaintenance, openMaintenancePlans, publishMaintenance } from './maintenancePlans.ts';
import { forwardRightsAbi } from './generated/ForwardRights.ts';
import { execute } from './transactions.ts';
import type { Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const PRICE = 500_000_000_000_000n;

describe('the continuous market and maintenance plans', () => {
  let c: ContinuousTestPlatform;
  let unit: Enrolled;
  let period: bigint;
  let planId: number;

  beforeAll(async () => {
    c = await startContinuousTestPlatform(undefined, { maintenancePlans: true, forwardRights: true });
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

  it('refuses orders of a producer and a large user in a period of their forward schedule, changing nothing', async () => {
    const rights = openForwardRights(c.t.connection, c.t.platform.deployment)!;
    const producer = await c.trader('wind farm', 'producer', UNIT);
    const large = await c.trader('factory', 'consumer', UNIT);
    await setLargeUser(rights, c.t.accounts.operator, large.id, true);
    const { offerId } = await registerForwardOffer(rights, producer.account, {
      firstPeriod: period,
      lastPeriod: period,
      whPerPeriod: 100n,
      pricePerWh: PRICE,
    });
    await issueForwardOffer(rights, c.t.accounts.operator, offerId);
    await buyForwardRights(rights, large.account, offerId, 40n);
    for (const [who, side] of [
      [producer, 'sell'],
      [large, 'buy'],
    ] as const) {
      const before = await c.snapshot(period, [who.id], [who.account]);
      const refusal = await refusalOf(
        placeContinuousOrder(c.market, who.account, who.id, {
          period,
          side,
          quantityWh: 10n,
          pricePerWh: PRICE,
        }),
      );
      expect([refusal.errorName, refusal.args]).toEqual(['OrderUnitHasForwardSchedule', [who.id, period]]);
      expect(await c.snapshot(period, [who.id], [who.account])).toBe(before);
    }
    const next = await placeContinuousOrder(c.market, large.account, large.id, {
      period: period + 1n,
      side: 'buy',
      quantityWh: 10n,
      pricePerWh: PRICE,
    });
    expect(next.outcome.placed).toHaveLength(1);
  });

  it('refuses to make a participant party to an offer over periods it placed continuous orders for', async () => {
    const rights = openForwardRights(c.t.connection, c.t.platform.deployment)!;
    expect(await rights.read.read.continuousMarket()).toBe(c.market.address);
    const producer = await c.trader('hydro', 'producer', UNIT);
    const large = await c.trader('smelter', 'consumer', UNIT);
    await setLargeUser(rights, c.t.accounts.operator, large.id, true);
    const later = period + 3n;
    // The smelter trades in the continuous market up to `later`; the hydro unit up to `later` too.
    await placeContinuousOrder(c.market, large.account, large.id, {
      period: later,
      side: 'buy',
      quantityWh: 5n,
      pricePerWh: PRICE,
    });
    const { offerId } = await registerForwardOffer(rights, producer.account, {
      firstPeriod: later,
      lastPeriod: later + 1n,
      whPerPeriod: 100n,
      pricePerWh: PRICE,
    });
    await placeContinuousOrder(c.market, producer.account, producer.id, {
      period: later,
      side: 'sell',
      quantityWh: 5n,
      pricePerWh: PRICE * 2n,
    });
    const issued = await refusalOf(issueForwardOffer(rights, c.t.accounts.operator, offerId));
    expect([issued.errorName, issued.args]).toEqual(['ForwardContinuousTrading', [producer.id, later]]);
    // An offer starting after the orders' period is fine; the smelter may not join one from `later` on.
    const next = await registerForwardOffer(rights, producer.account, {
      firstPeriod: later + 1n,
      lastPeriod: later + 1n,
      whPerPeriod: 100n,
      pricePerWh: PRICE,
    });
    await issueForwardOffer(rights, c.t.accounts.operator, next.offerId);
    expect(await c.market.read.read.lastOrderPeriodOf([large.id])).toBe(later);
    await buyForwardRights(rights, large.account, next.offerId, 10n);
    expect(await rights.read.read.holdingOf([BigInt(next.offerId), large.id])).toBe(10n);
  });

  it('binds the continuous market to the forward rights once, by the administrator only', async () => {
    const rights = openForwardRights(c.t.connection, c.t.platform.deployment)!;
    const bind = (who: typeof c.t.accounts.operator) =>
      execute(
        c.t.connection,
        who,
        {
          address: rights.address,
          abi: forwardRightsAbi,
          functionName: 'bindContinuousMarket',
          args: [c.market.address],
        },
        'bind',
      );
    const stranger = c.t.accounts.relayer;
    expect((await refusalOf(bind(stranger))).errorName).toBe('ForwardNotAdministrator');
    const again = await refusalOf(bind(c.t.accounts.operator));
    expect([again.errorName, again.args]).toEqual(['ForwardMarketAlreadyBound', [c.market.address]]);
  });
});
