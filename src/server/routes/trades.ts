import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import { periodWindows } from '../../core/periodClock.ts';
import { RequestError } from '../../app/errors.ts';
import { sessionOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { S } from '../format.ts';
import { describeTradeFlow, tradeFlowSchema } from '../tradeFlow.ts';

export function tradeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/trades/:transactionHash/:logIndex/flow',
    {
      schema: {
        summary:
          "A trade's seven steps (registration, bids, matching, contract, delivery, metering, settlement) with their records",
        tags: ['market'],
        params: {
          type: 'object',
          properties: { transactionHash: S.hash, logIndex: { type: 'integer', minimum: 0 } },
          required: ['transactionHash', 'logIndex'],
        },
        response: { 200: tradeFlowSchema },
      },
    },
    async (request) => {
      const { transactionHash, logIndex } = request.params as { transactionHash: Hex; logIndex: number };
      const records = ctx.readModel.tradeFlow(transactionHash, logIndex);
      if (records === undefined)
        throw new RequestError(
          'not-found',
          `no trade is recorded at log ${logIndex} of transaction ${transactionHash} (a trade is named by its TradeMatched event's transaction hash and log index)`,
          'transactionHash',
        );
      // Meter readings are private to their participant and the operator, as on the readings route.
      const session = sessionOf(ctx, request);
      const mayRead = (id: number) => session?.role === 'operator' || session?.participantId === id;
      const w = periodWindows(ctx.schedule, BigInt(records.trade.period));
      return describeTradeFlow(records, w, await ctx.clock.now(), mayRead);
    },
  );
}
