import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, type Hex } from 'viem';
import {
  MAX_LIVE_PLANS_PER_UNIT,
  MAX_WINDOW_PERIODS,
  maintenanceRefusal,
  planCovering,
  type UnitKind,
} from '../core/maintenance.ts';
import { parseMoney } from '../core/units.ts';
import { sfc32 } from '../random/sfc32.ts';
import { refusalOf } from './continuousMarketTesting.ts';
import { ContractRefusedError } from './errors.ts';
import {
  cancelMaintenance,
  openMaintenancePlans,
  publishMaintenance,
  readMaintenancePlans,
  type MaintenancePlans,
} from './maintenancePlans.ts';
import { commitAndReveal } from './periodDriver.ts';
import { revealedBids } from './periodRecords.ts';
import { startTestPlatform, type TestPlatform } from './testing/testPlatform.ts';

const workOrder = (text: string): Hex => toHex(text, { size: 32 });

describe('maintenance plans, against the market core', () => {
  let t: TestPlatform;
  let plans: MaintenancePlans;
  const kinds = new Map<number, UnitKind>();

  beforeAll(async () => {
    t = await startTestPlatform({ maintenancePlans: true });
    plans = openMaintenancePlans(t.connection, t.platform.deployment)!;
    expect(await t.platform.read.market.read.maintenancePlans()).toBe(plans.address);
    for (const kind of ['producer', 'consumer', 'prosumer', 'producer'] as const) {
      const p = await t.enrol(
        { name: `${kind} unit`, kind, greenSupply: kind !== 'consumer', greenPreference: false },
        parseMoney('1', 'amount'),
      );
      kinds.set(p.id, kind);
    }
  });
  afterAll(async () => t?.stop());

  it('publishes and refuses windows exactly as the core decides, and covers the same periods', async () => {
    const random = sfc32(8_20_2026);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const current = await t.platform.read.market.read.currentPeriod();
    const outcomes = new Map<string, number>();
    let attempts = 0;
    /** Publishes through the contract and holds its answer to the core's. */
    const attempt = async (unitId: number, from: bigint, to: bigint) => {
      const fromPeriod = from < 0n ? 0n : from;
      const toPeriod = to < 0n ? 0n : to;
      const known = await readMaintenancePlans(plans);
      const expected = maintenanceRefusal({
        unitKind: kinds.get(unitId) ?? null,
        fromPeriod,
        toPeriod,
        currentPeriod: await t.platform.read.market.read.currentPeriod(),
        plansOfUnit: known.filter((p) => p.unitId === unitId),
      });
      attempts += 1;
      const outcome = await publishMaintenance(plans, t.accounts.operator, {
        unitId,
        fromPeriod,
        toPeriod,
        workOrder: workOrder(`WO-${attempts}`),
      }).then(
        () => 'published',
        (error: unknown) => {
          if (error instanceof ContractRefusedError) return error.errorName;
          throw error;
        },
      );
      expect(outcome, `attempt ${attempts}: unit ${unitId}, ${from}..${to}`).toBe(expected ?? 'published');
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      return outcome;
    };
    // A unit with a full calendar: sixteen windows, then one too many.
    for (let i = 0n; i <= BigInt(MAX_LIVE_PLANS_PER_UNIT); i++)
      await attempt(4, current + 3n + i * 2n, current + 3n + i * 2n);
    for (let i = 0; i < 60; i++) {
      const unitId = pick([0, 1, 2, 3, 4, 5, 1, 3, 1]);
      const from = current + BigInt(pick([-1, 0, 1, 2, 2, 3, 5, 10, 40]));
      const length = pick([0n, 1n, 4n, MAX_WINDOW_PERIODS - 1n, MAX_WINDOW_PERIODS, -1n]);
      const outcome = await attempt(unitId, from, from + length);
      // Now and then the operator cancels a plan.
      if (outcome === 'published' && random() < 0.25) {
        const planId = Number(await plans.read.read.planCount());
        await cancelMaintenance(plans, t.accounts.operator, planId);
        const again = await refusalOf(cancelMaintenance(plans, t.accounts.operator, planId));
        expect([again.errorName, again.args]).toEqual(['MaintenancePlanCancelled', [BigInt(planId)]]);
      }
    }
    expect([...outcomes.keys()].sort()).toEqual(
      [
        'published',
        'MaintenanceUnitInvalid',
        'MaintenanceWindowInvalid',
        'MaintenanceTooLate',
        'MaintenanceTooManyPlans',
      ].sort(),
    );
    const published = await readMaintenancePlans(plans);
    expect(published.some((p) => p.cancelled)).toBe(true);
    for (const unitId of [1, 2, 3, 4])
      for (let period = current; period < current + 60n; period += 1n) {
        const covering = planCovering(published, unitId, period);
        expect(
          await plans.read.read.underMaintenance([unitId, period]),
          `unit ${unitId} period ${period}`,
        ).toBe(covering !== undefined);
        const onChain = Number(await plans.read.read.planCovering([unitId, period]));
        if (covering !== undefined)
          expect(
            planCovering(
              published.filter((p) => p.planId === onChain),
              unitId,
              period,
            ),
          ).toBeDefined();
        else expect(onChain).toBe(0);
      }
  });

  it('lets only the operator publish or cancel, and names an unknown plan', async () => {
    const current = await t.platform.read.market.read.currentPeriod();
    const asRelayer = await refusalOf(
      publishMaintenance(plans, t.accounts.relayer, {
        unitId: 1,
        fromPeriod: current + 5n,
        toPeriod: current + 6n,
        workOrder: workOrder('WO-X'),
      }),
    );
    expect([asRelayer.errorName, asRelayer.args]).toEqual([
      'MaintenanceNotOperator',
      [t.accounts.relayer.address],
    ]);
    expect((await refusalOf(cancelMaintenance(plans, t.accounts.relayer, 1))).errorName).toBe(
      'MaintenanceNotOperator',
    );
    const unknown = await refusalOf(cancelMaintenance(plans, t.accounts.operator, 10_000));
    expect([unknown.errorName, unknown.args]).toEqual(['MaintenancePlanUnknown', [10_000n]]);
    expect(MAX_LIVE_PLANS_PER_UNIT).toBe(Number(await plans.read.read.MAX_LIVE_PLANS_PER_UNIT()));
    expect(MAX_WINDOW_PERIODS).toBe(await plans.read.read.MAX_WINDOW_PERIODS());
  });
});

describe('a unit under maintenance at the market', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({ maintenancePlans: true });
  });
  afterAll(async () => t?.stop());

  it("refuses its sell bid at the reveal, and takes its purchase and everyone else's bids", async () => {
    const plans = openMaintenancePlans(t.connection, t.platform.deployment)!;
    const money = (text: string) => parseMoney(text, 'amount');
    const wind = await t.enrol(
      { name: 'Wind', kind: 'producer', greenSupply: true, greenPreference: false },
      money('5'),
    );
    const home = await t.enrol(
      { name: 'Home PV', kind: 'prosumer', greenSupply: true, greenPreference: false },
      money('5'),
    );
    const other = await t.enrol(
      { name: 'Other PV', kind: 'producer', greenSupply: true, greenPreference: false },
      money('5'),
    );
    const period = await t.nextOpenPeriod();
    // The plans count periods as the market does.
    expect(await plans.read.read.currentPeriod()).toBe(await t.platform.read.market.read.currentPeriod());
    const { planId } = await publishMaintenance(plans, t.accounts.operator, {
      unitId: wind.id,
      fromPeriod: period,
      toPeriod: period,
      workOrder: workOrder('WO-GEARBOX'),
    });
    await publishMaintenance(plans, t.accounts.operator, {
      unitId: home.id,
      fromPeriod: period,
      toPeriod: period + 3n,
      workOrder: workOrder('WO-INVERTER'),
    });
    const price = 500_000_000_000_000n;
    const { refused } = await commitAndReveal(t, period, [
      { participant: wind.account, intent: { side: 'sell', quantityWh: 100n, pricePerWh: price } },
      { participant: home.account, intent: { side: 'buy', quantityWh: 50n, pricePerWh: price } },
      { participant: other.account, intent: { side: 'sell', quantityWh: 80n, pricePerWh: price } },
    ]);
    expect(refused).toHaveLength(1);
    const error = refused[0]!.error as ContractRefusedError;
    expect([error.errorName, error.args]).toEqual([
      'BidUnitUnderMaintenance',
      [wind.id, period, BigInt(planId)],
    ]);
    const revealed = await revealedBids(t.platform, period);
    expect(revealed.map((b) => [b.participantId, b.side]).sort()).toEqual(
      [
        [home.id, 'buy'],
        [other.id, 'sell'],
      ].sort(),
    );
  });
});
