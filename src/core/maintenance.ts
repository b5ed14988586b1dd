/**
 * Maintenance plans, as `contracts/MaintenancePlans.sol` keeps them: the grid company publishes that
 * a generating unit (a producer or prosumer) is under maintenance from one delivery period to
 * another; the unit may not sell in those periods. A window is published from the period after next
 * (bidding for the next period may already be under way, and no committed bid may be broken), spans
 * at most MAX_WINDOW_PERIODS, and a unit holds at most MAX_LIVE_PLANS_PER_UNIT windows that have not
 * ended. The checks run in the contract's order, so both refuse with the same reason.
 */
/** Producers and prosumers have generating units; consumers do not. */
export type UnitKind = 'producer' | 'consumer' | 'prosumer';

export const MAX_WINDOW_PERIODS = 2880n;
export const MAX_LIVE_PLANS_PER_UNIT = 16;
/** The last period the market numbers (24 bits). */
export const MAX_PERIOD = (1n << 24n) - 1n;

export interface MaintenancePlan {
  readonly planId: number;
  readonly unitId: number;
  readonly fromPeriod: bigint;
  readonly toPeriod: bigint;
  readonly cancelled: boolean;
}

export type MaintenanceRefusal =
  'MaintenanceUnitInvalid' | 'MaintenanceWindowInvalid' | 'MaintenanceTooLate' | 'MaintenanceTooManyPlans';

/** What each refusal means, for a person. */
export const MAINTENANCE_REFUSALS: Record<MaintenanceRefusal, string> = {
  MaintenanceUnitInvalid: 'only a registered producer or prosumer has a unit to maintain',
  MaintenanceWindowInvalid: `a window runs from period 1 or later to a period not before it, at most ${MAX_WINDOW_PERIODS} periods`,
  MaintenanceTooLate:
    'a window starts no earlier than the period after next (bidding for the next one may be under way)',
  MaintenanceTooManyPlans: `a unit holds at most ${MAX_LIVE_PLANS_PER_UNIT} windows that have not ended`,
};

/** The first period a window published now may start in. */
export const earliestMaintenancePeriod = (currentPeriod: bigint): bigint => currentPeriod + 2n;

/** Why the contract would refuse to publish this window, or null when it would publish it. */
export function maintenanceRefusal(input: {
  /** The unit's kind, or null when no participant has that id. */
  readonly unitKind: UnitKind | null;
  readonly fromPeriod: bigint;
  readonly toPeriod: bigint;
  readonly currentPeriod: bigint;
  /** The unit's plans, cancelled ones included. */
  readonly plansOfUnit: readonly MaintenancePlan[];
}): MaintenanceRefusal | null {
  const { fromPeriod, toPeriod, currentPeriod } = input;
  if (input.unitKind === null || input.unitKind === 'consumer') return 'MaintenanceUnitInvalid';
  if (
    fromPeriod === 0n ||
    toPeriod < fromPeriod ||
    toPeriod - fromPeriod >= MAX_WINDOW_PERIODS ||
    toPeriod > MAX_PERIOD
  )
    return 'MaintenanceWindowInvalid';
  if (fromPeriod < earliestMaintenancePeriod(currentPeriod)) return 'MaintenanceTooLate';
  // Windows that ended before the current period no longer count (the contract drops them here).
  const live = input.plansOfUnit.filter((p) => p.toPeriod >= currentPeriod).length;
  if (live >= MAX_LIVE_PLANS_PER_UNIT) return 'MaintenanceTooManyPlans';
  return null;
}

/** The plan that keeps `unitId` from selling in `period`, if any. */
export function planCovering(
  plans: readonly MaintenancePlan[],
  unitId: number,
  period: bigint,
): MaintenancePlan | undefined {
  return plans.find(
    (p) => p.unitId === unitId && !p.cancelled && p.fromPeriod <= period && period <= p.toPeriod,
  );
}
