import type { FastifyInstance } from 'fastify';
import { readReputations, type ReputationReading } from '../../chain/reputation.ts';
import { formatRate } from '../../core/units.ts';
import { RequestError } from '../../app/errors.ts';
import { requireOperator, requireSelfOrOperator } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { money, S } from '../format.ts';

const reputationProps = {
  participantId: S.num,
  score: S.str,
  newcomer: S.bool,
  scoredPeriods: S.num,
  missedReadings: S.num,
  lastPeriod: { type: ['integer', 'null'] },
  margin: S.str,
} as const;

const reputationSchema = {
  type: 'object',
  properties: { on: S.bool, weight: S.str, ...reputationProps },
} as const;

/** A reputation as the API shows it: the score a fraction of 1 (6 decimals), the next bid's margin. */
const describeReputation = (r: ReputationReading) => ({
  participantId: r.participantId,
  score: formatRate(r.scorePpm),
  newcomer: r.scoredPeriods === 0,
  scoredPeriods: r.scoredPeriods,
  missedReadings: r.missedReadings,
  lastPeriod: r.scoredPeriods === 0 ? null : Number(r.lastPeriod),
  margin: money(r.nextMargin),
});

/** Reputations: a participant sees its own, the operator everyone's. */
export function reputationRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/participants/:id/reputation',
    {
      schema: {
        summary:
          "A participant's delivery reputation and the margin its next bid holds (itself or the operator)",
        tags: ['wallets'],
        params: S.idParams,
        response: { 200: reputationSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      if (ctx.readModel.participant(id) === undefined)
        throw new RequestError('not-found', `no participant ${id}`, 'id');
      const [reading] = await readReputations(ctx.platform, [id]);
      return { on: reading!.on, weight: formatRate(reading!.weightPpm), ...describeReputation(reading!) };
    },
  );

  app.get(
    '/api/reputation',
    {
      schema: {
        summary: "Every participant's delivery reputation (operator)",
        tags: ['operator'],
        response: {
          200: {
            type: 'object',
            properties: {
              on: S.bool,
              weight: S.str,
              participants: {
                type: 'array',
                items: { type: 'object', properties: { name: S.str, ...reputationProps } },
              },
            },
          },
        },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const participants = ctx.readModel.participants();
      const readings = await readReputations(
        ctx.platform,
        participants.map((p) => p.id),
      );
      const { reputationWeightPpm } = await ctx.platform.read.market.read.parameters();
      return {
        on: reputationWeightPpm > 0,
        weight: formatRate(BigInt(reputationWeightPpm)),
        participants: readings.map((r, i) => ({ name: participants[i]!.name, ...describeReputation(r) })),
      };
    },
  );
}
