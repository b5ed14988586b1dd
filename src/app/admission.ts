/**
 * Refusals the sealed-bid and the continuous market share, checked by the server before a
 * participant's bid or order is signed: the side its kind allows, and a unit under maintenance.
 */
import type { Side } from '../core/bid.ts';
import { workOrderText, type MaintenancePlans } from '../chain/maintenancePlans.ts';
import { KIND_CODE } from '../chain/typedData.ts';
import type { GridConnections } from '../chain/gridConnections.ts';
import { RequestError } from './errors.ts';

/** A producer only sells and a consumer only buys (`kind` as the registry codes it). */
export function refuseSideOfKind(kind: number, side: Side): void {
  if (side === 'sell' ? kind === KIND_CODE.consumer : kind === KIND_CODE.producer)
    throw new RequestError(
      'invalid',
      `a ${['producer', 'consumer', 'prosumer'][kind]} cannot ${side}`,
      'side',
    );
}

/** A unit the grid company plans maintenance on in `period` may not sell then. */
export async function refuseUnderMaintenance(
  plans: MaintenancePlans | undefined,
  participantId: number,
  period: bigint,
  side: Side,
): Promise<void> {
  if (side !== 'sell' || plans === undefined) return;
  const planId = await plans.read.read.planCovering([participantId, period]);
  if (planId === 0n) return;
  const plan = await plans.read.read.plan([planId]);
  throw new RequestError(
    'invalid',
    `the unit is under maintenance in period ${period} (plan ${planId}, periods ${plan.fromPeriod}–${plan.toPeriod}, work order ${workOrderText(plan.workOrder)}): it may not sell then`,
    'period',
  );
}

/**
 * The most a buy bid or order of `participantId` may owe per Wh in wheeling fee and levy, as the
 * contracts check it (at a sealed bid's reveal, at a continuous order's placement) (0 without fees); refuses a buyer the grid company has not connected.
 */
export async function buyerChargesPerWh(
  grid: GridConnections | undefined,
  participantId: number,
): Promise<bigint> {
  if (grid === undefined || !(await grid.read.read.feesActive())) return 0n;
  const { level } = await grid.read.read.connectionOf([participantId]);
  if (level === 0 && (await grid.read.read.wheelingActive()))
    throw new RequestError(
      'forbidden',
      'wheeling fees apply and the grid company has not recorded this participant’s voltage level yet: it may not buy until it does',
    );
  return await grid.read.read.buyerChargeCapPerWh([participantId]);
}
