/**
 * Maintenance plans: the grid company's published outage windows of generating units, for anyone to
 * read; the operator publishes and cancels them. A request the contract would refuse is refused here
 * first, by the market core's rule, naming the field.
 */
import type { FastifyInstance } from 'fastify';
import {
  cancelMaintenance,
  publishMaintenance,
  readMaintenancePlans,
  workOrderBytes,
  workOrderText,
  type MaintenancePlans,
  type PublishedPlan,
} from '../../chain/maintenancePlans.ts';
import {
  earliestMaintenancePeriod,
  MAINTENANCE_REFUSALS,
  maintenanceRefusal,
  type MaintenanceRefusal,
} from '../../core/maintenance.ts';
import { RequestError } from '../../app/errors.ts';
import { requireOperator } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { location, S } from '../format.ts';

const planSchema = {
  type: 'object',
  properties: {
    planId: S.num,
    unitId: S.num,
    fromPeriod: S.num,
    toPeriod: S.num,
    cancelled: S.bool,
    workOrder: S.str,
  },
} as const;

const describePlan = (p: PublishedPlan) => ({
  planId: p.planId,
  unitId: p.unitId,
  fromPeriod: Number(p.fromPeriod),
  toPeriod: Number(p.toPeriod),
  cancelled: p.cancelled,
  workOrder: workOrderText(p.workOrder),
});

/** The request field each refusal is about. */
const FIELD_OF: Record<MaintenanceRefusal, string> = {
  MaintenanceUnitInvalid: 'participantId',
  MaintenanceWindowInvalid: 'toPeriod',
  MaintenanceTooLate: 'fromPeriod',
  MaintenanceTooManyPlans: 'participantId',
};

export function maintenanceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const plans = (): MaintenancePlans => {
    if (ctx.maintenancePlans === undefined)
      throw new RequestError('not-found', 'this deployment has no maintenance plans (it predates them)');
    return ctx.maintenancePlans;
  };

  app.get(
    '/api/maintenance',
    {
      schema: {
        summary: "The grid company's maintenance plans: units that may not sell in those periods",
        tags: ['maintenance'],
        response: {
          200: {
            type: 'object',
            properties: { plans: { type: 'array', items: planSchema }, earliestPeriod: S.num },
          },
        },
      },
    },
    async () => {
      const current = await ctx.platform.read.market.read.currentPeriod();
      return {
        plans: (await readMaintenancePlans(plans())).map(describePlan),
        earliestPeriod: Number(earliestMaintenancePeriod(current)),
      };
    },
  );

  app.post(
    '/api/maintenance',
    {
      schema: {
        summary: 'The operator publishes a unit’s maintenance window',
        tags: ['maintenance', 'operator'],
        body: {
          type: 'object',
          properties: {
            participantId: { type: 'integer', minimum: 1 },
            fromPeriod: S.period,
            toPeriod: S.period,
            workOrder: { type: 'string', minLength: 1, maxLength: 32 },
          },
          required: ['participantId', 'fromPeriod', 'toPeriod', 'workOrder'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { plan: planSchema, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const p = plans();
      const body = request.body as {
        participantId: number;
        fromPeriod: number;
        toPeriod: number;
        workOrder: string;
      };
      if (new TextEncoder().encode(body.workOrder).length > 32)
        throw new RequestError('invalid', 'must be at most 32 bytes of text', 'workOrder');
      const participant = ctx.readModel.participant(body.participantId);
      const [current, known] = await Promise.all([
        ctx.platform.read.market.read.currentPeriod(),
        readMaintenancePlans(p),
      ]);
      const refusal = maintenanceRefusal({
        unitKind: participant?.kind ?? null,
        fromPeriod: BigInt(body.fromPeriod),
        toPeriod: BigInt(body.toPeriod),
        currentPeriod: current,
        plansOfUnit: known.filter((plan) => plan.unitId === body.participantId),
      });
      if (refusal !== null) {
        const detail =
          refusal === 'MaintenanceTooLate' ? ` (the earliest is ${earliestMaintenancePeriod(current)})` : '';
        throw new RequestError('invalid', `${MAINTENANCE_REFUSALS[refusal]}${detail}`, FIELD_OF[refusal]);
      }
      const published = await ctx.lock.run(() =>
        publishMaintenance(p, ctx.accounts.operator, {
          unitId: body.participantId,
          fromPeriod: BigInt(body.fromPeriod),
          toPeriod: BigInt(body.toPeriod),
          workOrder: workOrderBytes(body.workOrder),
        }),
      );
      const plan = (await readMaintenancePlans(p)).find((x) => x.planId === published.planId)!;
      return { plan: describePlan(plan), ...location(published) };
    },
  );

  app.delete(
    '/api/maintenance/:planId',
    {
      schema: {
        summary: 'The operator cancels a maintenance plan: the unit may sell again in its periods',
        tags: ['maintenance', 'operator'],
        params: {
          type: 'object',
          properties: { planId: { type: 'integer', minimum: 1 } },
          required: ['planId'],
        },
        response: { 200: { type: 'object', properties: { plan: planSchema, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const p = plans();
      const { planId } = request.params as { planId: number };
      const plan = (await readMaintenancePlans(p)).find((x) => x.planId === planId);
      if (plan === undefined) throw new RequestError('not-found', `no maintenance plan ${planId}`, 'planId');
      if (plan.cancelled) throw new RequestError('conflict', `plan ${planId} is already cancelled`, 'planId');
      const receipt = await ctx.lock.run(() => cancelMaintenance(p, ctx.accounts.operator, planId));
      return { plan: { ...describePlan(plan), cancelled: true }, ...location(receipt) };
    },
  );
}
