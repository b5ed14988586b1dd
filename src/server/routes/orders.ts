/**
 * The continuous market's orders through the API: place and cancel (the participant's key signs, the
 * relayer submits), and a period's book with its fills. Only on a deployment whose mechanism is
 * continuous; elsewhere every route answers 409 MECHANISM_NOT_CONTINUOUS.
 */
import type { FastifyInstance } from 'fastify';
import { readSide } from '../../chain/continuousMarket.ts';
import { parseKwh, parsePricePerKwh } from '../../core/units.ts';
import type { ContinuousOrders } from '../../app/continuousOrders.ts';
import { RequestError } from '../../app/errors.ts';
import type { OrderView } from '../../app/readModel.ts';
import { ORDER_STATUSES } from '../../services/indexer/derive.ts';
import type { TradeView } from '../../services/readModel/periods.ts';
import { requireParticipant, sessionOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decimalString, kwh, location, price, S } from '../format.ts';

const fillSchema = {
  type: 'object',
  properties: {
    makerOrderId: S.num,
    takerOrderId: S.num,
    sellerId: S.num,
    buyerId: S.num,
    quantity: S.str,
    price: S.str,
    logIndex: S.num,
    ...S.locationProps,
  },
} as const;

const orderSchema = {
  type: 'object',
  properties: {
    period: S.num,
    orderId: S.num,
    participantId: S.num,
    side: { type: 'string', enum: ['sell', 'buy'] },
    quantity: S.str,
    price: S.str,
    resting: S.str,
    remaining: S.str,
    status: { type: 'string', enum: ORDER_STATUSES },
    ...S.locationProps,
  },
} as const;

const levelSchema = {
  type: 'object',
  properties: { price: S.str, quantity: S.str, orders: S.num },
} as const;

const describeOrder = (o: OrderView) => ({
  period: o.period,
  orderId: o.orderId,
  participantId: o.participantId,
  side: o.side,
  quantity: kwh(o.quantityWh),
  price: price(o.pricePerWh),
  resting: kwh(o.restingWh),
  remaining: kwh(o.remainingWh),
  status: o.status,
  ...location(o),
});

const describeFill = (f: TradeView) => ({
  makerOrderId: f.makerOrderId,
  takerOrderId: f.takerOrderId,
  sellerId: f.sellerId,
  buyerId: f.buyerId,
  quantity: kwh(f.quantityWh),
  price: price(f.pricePerWh),
  logIndex: f.logIndex,
  ...location(f),
});

export function orderRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const orders = (): ContinuousOrders => {
    if (ctx.continuousOrders === undefined)
      throw new RequestError(
        'conflict',
        `this deployment trades by the ${ctx.platform.deployment.mechanism} mechanism (sealed bids: POST /api/bids); orders are for a continuous-market deployment`,
        undefined,
        'MECHANISM_NOT_CONTINUOUS',
      );
    return ctx.continuousOrders;
  };

  app.post(
    '/api/orders',
    {
      schema: {
        summary:
          "Places a limit order in a period's continuous book: it fills at once against crossing resting orders, the rest rests",
        tags: ['orders'],
        body: {
          type: 'object',
          properties: {
            side: { type: 'string', enum: ['sell', 'buy'] },
            quantity: decimalString,
            price: decimalString,
            period: S.period,
          },
          required: ['side', 'quantity', 'price'],
          additionalProperties: false,
        },
        response: {
          201: {
            type: 'object',
            properties: {
              period: S.num,
              orderId: S.num,
              resting: S.str,
              fills: { type: 'array', items: fillSchema },
              voided: { type: 'array', items: S.num },
              ...S.locationProps,
            },
          },
        },
      },
    },
    async (request, reply) => {
      const book = orders();
      const session = requireParticipant(ctx, request);
      const body = request.body as { side: 'sell' | 'buy'; quantity: string; price: string; period?: number };
      const placed = await book.place({
        participantId: session.participantId,
        account: session.account,
        side: body.side,
        quantityWh: parseKwh(body.quantity, 'quantity'),
        pricePerWh: parsePricePerKwh(body.price, 'price'),
        period: body.period === undefined ? undefined : BigInt(body.period),
      });
      await ctx.syncReadModel();
      const fills = ctx.readModel
        .periodDetail(Number(placed.period))
        .trades.filter((t) => t.transactionHash === placed.transactionHash);
      return reply.status(201).send({
        period: Number(placed.period),
        orderId: placed.orderId,
        resting: kwh(placed.restingWh),
        fills: fills.map(describeFill),
        voided: placed.outcome.voided,
        ...location(placed),
      });
    },
  );

  app.delete(
    '/api/orders/:period/:orderId',
    {
      schema: {
        summary: "Cancels what is left of the participant's own resting order",
        tags: ['orders'],
        params: {
          type: 'object',
          properties: { period: S.period, orderId: { type: 'integer', minimum: 1 } },
          required: ['period', 'orderId'],
        },
        response: {
          200: {
            type: 'object',
            properties: { period: S.num, orderId: S.num, cancelled: S.str, ...S.locationProps },
          },
        },
      },
    },
    async (request) => {
      const book = orders();
      const session = requireParticipant(ctx, request);
      const { period, orderId } = request.params as { period: number; orderId: number };
      const cancelled = await book.cancel({
        participantId: session.participantId,
        account: session.account,
        period: BigInt(period),
        orderId,
      });
      await ctx.syncReadModel();
      return { period, orderId, cancelled: kwh(cancelled.remainingWh), ...location(cancelled) };
    },
  );

  app.get(
    '/api/orders/book',
    {
      schema: {
        summary:
          "A period's continuous book: its resting price levels best first, its fills, and the caller's own orders in full",
        tags: ['orders'],
        querystring: { type: 'object', properties: { period: S.period } },
        response: {
          200: {
            type: 'object',
            properties: {
              period: S.num,
              gateClosure: S.num,
              open: S.bool,
              bids: { type: 'array', items: levelSchema },
              asks: { type: 'array', items: levelSchema },
              fills: { type: 'array', items: fillSchema },
              own: { type: 'array', items: orderSchema },
            },
          },
        },
      },
    },
    async (request) => {
      const book = orders();
      const query = request.query as { period?: number };
      const now = await ctx.clock.now();
      const period = BigInt(query.period ?? (await book.nextOpenPeriod(now)));
      const market = book.market;
      const [gateClosure, bids, asks] = await Promise.all([
        market.read.read.gateClosure([period]),
        readSide(market, period, 'buy'),
        readSide(market, period, 'sell'),
      ]);
      // Price levels only: who rests at a level is the owner's business (its own orders come below).
      const levels = (side: typeof bids) => {
        const byPrice: { price: bigint; wh: bigint; orders: number }[] = [];
        for (const o of side) {
          const last = byPrice.at(-1);
          if (last?.price === o.pricePerWh) {
            last.wh += o.remainingWh;
            last.orders += 1;
          } else byPrice.push({ price: o.pricePerWh, wh: o.remainingWh, orders: 1 });
        }
        return byPrice.map((l) => ({ price: price(l.price), quantity: kwh(l.wh), orders: l.orders }));
      };
      await ctx.syncReadModel();
      const detail = ctx.readModel.periodDetail(Number(period));
      const session = sessionOf(ctx, request);
      const own =
        session?.participantId == null
          ? []
          : detail.orders.filter((o) => o.participantId === session.participantId).map(describeOrder);
      return {
        period: Number(period),
        gateClosure: Number(gateClosure),
        open: now < gateClosure,
        bids: levels(bids),
        asks: levels(asks),
        fills: detail.trades.filter((t) => t.stage === 'continuous').map(describeFill),
        own,
      };
    },
  );
}
