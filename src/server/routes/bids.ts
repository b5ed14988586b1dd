import type { FastifyInstance } from 'fastify';
import { parseKwh, parsePricePerKwh } from '../../core/units.ts';
import { RequestError } from '../../app/errors.ts';
import type { StoredBid } from '../../app/platformStore.ts';
import { requireParticipant, requireSelfOrOperator } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decimalString, kwh, price, S } from '../format.ts';

const txOrNull = { type: ['object', 'null'], properties: S.locationProps } as const;

export const bidSchema = {
  type: 'object',
  properties: {
    participant: S.num,
    period: S.num,
    side: S.str,
    quantity: S.str,
    price: S.str,
    status: { type: 'string', enum: ['scheduled', 'committed', 'revealed', 'refused', 'expired'] },
    commitment: S.str,
    commit: txOrNull,
    reveal: txOrNull,
    error: S.nullableStr,
  },
} as const;

/** A participant's own sealed bid: only ever served to itself (and, once revealed, to anyone). */
export const describeBid = (b: StoredBid) => ({
  participant: b.participantId,
  period: Number(b.period),
  side: b.side,
  quantity: kwh(b.quantityWh),
  price: price(b.pricePerWh),
  status: b.status,
  commitment: b.commitment,
  commit:
    b.commitTx === null
      ? null
      : { transactionHash: b.commitTx.transactionHash, blockNumber: Number(b.commitTx.blockNumber) },
  reveal:
    b.revealTx === null
      ? null
      : { transactionHash: b.revealTx.transactionHash, blockNumber: Number(b.revealTx.blockNumber) },
  error: b.error,
});

export function bidRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post(
    '/api/bids',
    {
      schema: {
        summary: 'Places a sealed bid; the server commits and reveals it for the participant',
        tags: ['bids'],
        body: {
          type: 'object',
          properties: {
            side: { type: 'string', enum: ['sell', 'buy'] },
            quantity: decimalString,
            price: decimalString,
            period: { type: 'integer', minimum: 1 },
          },
          required: ['side', 'quantity', 'price'],
          additionalProperties: false,
        },
        response: { 201: bidSchema },
      },
    },
    async (request, reply) => {
      const session = requireParticipant(ctx, request);
      const body = request.body as { side: 'sell' | 'buy'; quantity: string; price: string; period?: number };
      const bid = await ctx.bidBook.place({
        participantId: session.participantId,
        account: session.account,
        side: body.side,
        quantityWh: parseKwh(body.quantity, 'quantity'),
        pricePerWh: parsePricePerKwh(body.price, 'price'),
        period: body.period === undefined ? undefined : BigInt(body.period),
      });
      ctx.nudge();
      return reply.status(201).send(describeBid(bid));
    },
  );

  app.get(
    '/api/bids',
    {
      schema: {
        summary:
          "A participant's own bids, sealed ones included (itself or the operator after they are revealed)",
        tags: ['bids'],
        querystring: {
          type: 'object',
          properties: {
            participant: { type: 'integer', minimum: 1 },
            from: { type: 'integer', minimum: 1 },
            to: { type: 'integer', minimum: 1 },
          },
        },
        response: { 200: { type: 'object', properties: { bids: { type: 'array', items: bidSchema } } } },
      },
    },
    async (request) => {
      const query = request.query as { participant?: number; from?: number; to?: number };
      const participant = query.participant ?? requireParticipant(ctx, request).participantId;
      const session = requireSelfOrOperator(ctx, request, participant);
      const from = BigInt(query.from ?? 1);
      const to = BigInt(query.to ?? 2 ** 31);
      if (to < from) throw new RequestError('invalid', 'must not be before from', 'to');
      const bids = ctx.bidBook.list(participant, from, to);
      // Sealed means sealed: the operator sees a participant's bid only once the chain has it revealed.
      const visible =
        session.participantId === participant ? bids : bids.filter((b) => b.status === 'revealed');
      return { bids: visible.map(describeBid) };
    },
  );
}
