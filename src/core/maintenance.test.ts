import { describe, expect, it } from 'vitest';
import {
  MAINTENANCE_REFUSALS,
  MAX_LIVE_PLANS_PER_UNIT,
  maintenanceRefusal,
  planCovering,
  type MaintenancePlan,
} from './maintenance.ts';

const plan = (
  planId: number,
  unitId: number,
  from: bigint,
  to: bigint,
  cancelled = false,
): MaintenancePlan => ({
  planId,
  unitId,
  fromPeriod: from,
  toPeriod: to,
  cancelled,
});

describe('maintenance plans', () => {
  const publish = (over: Partial<Parameters<typeof maintenanceRefusal>[0]> = {}) =>
    maintenanceRefusal({
      unitKind: 'producer',
      fromPeriod: 12n,
      toPeriod: 15n,
      currentPeriod: 10n,
      plansOfUnit: [],
      ...over,
    });

  it('accepts a window from the period after next, for producers and prosumers', () => {
    expect(publish()).toBeNull();
    expect(publish({ unitKind: 'prosumer' })).toBeNull();
    expect(publish({ toPeriod: 12n })).toBeNull();
    expect(publish({ fromPeriod: 11n })).toBe('MaintenanceTooLate');
  });

  it('refuses what has no unit, a malformed window and a full calendar, in the contract order', () => {
    expect(publish({ unitKind: 'consumer' })).toBe('MaintenanceUnitInvalid');
    expect(publish({ unitKind: null, fromPeriod: 0n })).toBe('MaintenanceUnitInvalid');
    expect(publish({ fromPeriod: 0n, toPeriod: 0n, currentPeriod: 0n })).toBe('MaintenanceWindowInvalid');
    expect(publish({ toPeriod: 11n })).toBe('MaintenanceWindowInvalid');
    expect(publish({ toPeriod: 12n + 2879n })).toBeNull();
    expect(publish({ toPeriod: 12n + 2880n })).toBe('MaintenanceWindowInvalid');
    expect(publish({ fromPeriod: 2n ** 24n - 1n, toPeriod: 2n ** 24n })).toBe('MaintenanceWindowInvalid');
    // A malformed window is named before a late one.
    expect(publish({ fromPeriod: 5n, toPeriod: 4n })).toBe('MaintenanceWindowInvalid');
    const full = Array.from({ length: MAX_LIVE_PLANS_PER_UNIT }, (_, i) =>
      plan(i + 1, 1, 20n + BigInt(i), 20n + BigInt(i), i % 2 === 0),
    );
    expect(publish({ plansOfUnit: full })).toBe('MaintenanceTooManyPlans');
    // Windows that ended before the current period no longer count; cancelled ones still do until they end.
    expect(publish({ plansOfUnit: [...full.slice(1), plan(99, 1, 3n, 9n)] })).toBeNull();
  });

  it('covers the periods of windows not cancelled, for their unit only', () => {
    const plans = [plan(1, 1, 12n, 15n), plan(2, 1, 20n, 20n, true), plan(3, 2, 14n, 30n)];
    expect(planCovering(plans, 1, 11n)).toBeUndefined();
    expect(planCovering(plans, 1, 12n)?.planId).toBe(1);
    expect(planCovering(plans, 1, 15n)?.planId).toBe(1);
    expect(planCovering(plans, 1, 16n)).toBeUndefined();
    expect(planCovering(plans, 1, 20n)).toBeUndefined();
    expect(planCovering(plans, 2, 20n)?.planId).toBe(3);
    expect(planCovering(plans, 3, 20n)).toBeUndefined();
  });

  it('explains every refusal to a person', () => {
    for (const message of Object.values(MAINTENANCE_REFUSALS)) expect(message.length).toBeGreaterThan(10);
  });
});
