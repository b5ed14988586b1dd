import type { FastifyInstance } from 'fastify';
import { periodAt, periodWindows, phaseAt } from '../../core/periodClock.ts';
import { compareBuyers, compareSellers, type Bid } from '../../core/bid.ts';
import { asCoreBids } from '../../chain/periodRecords.ts';
import { dateOf } from '../../app/days.ts';
import { RequestError } from '../../app/errors.ts';
import type { PeriodSummaryView } from '../../app/readModel.ts';
import type { ApiContext } from '../context.ts';
import { averagePrice, kwh, location, money, price, S, windows } from '../format.ts';
import { describeSettlement } from './participants.ts';
import { formatBasisPoints, formatRate } from '../../core/units.ts';
import { PRICING_RULES } from '../../chain/deploy.ts';
import { openContinuousMarket } from '../../chain/continuousMarket.ts';
import { MARKET_MECHANISMS } from '../../core/mechanism.ts';

const summary = (ctx: ApiContext, p: PeriodSummaryView) => ({
  period: Number(p.period),
  deliveryStarts: Number(p.deliveryStarts),
  stage: p.stage,
  settled: p.settled,
  commitments: p.commitments,
  revealed: p.revealed,
  tradeCount: p.tradeCount,
  tradedEnergy: kwh(p.tradedWh),
  averagePrice: averagePrice(p.averagePrice),
});

const summarySchema = {
  type: 'object',
  properties: {
    period: S.num,
    deliveryStarts: S.num,
    stage: S.str,
    settled: S.bool,
    commitments: S.num,
    revealed: S.num,
    tradeCount: S.num,
    tradedEnergy: S.str,
    averagePrice: S.nullableStr,
  },
} as const;

/** The continuous market's own settings, when the deployment runs it. */
async function describeContinuous(ctx: ApiContext) {
  const { deployment } = ctx.platform;
  if (deployment.mechanism !== 'continuous' || deployment.continuousMarket === undefined) return null;
  const cda = openContinuousMarket(ctx.platform.connection, deployment.continuousMarket);
  const [gateClosureSeconds, margin] = await Promise.all([
    cda.read.read.gateClosureSeconds(),
    cda.read.read.marginAmount(),
  ]);
  return { contract: cda.address, gateClosureSeconds: Number(gateClosureSeconds), margin: money(margin) };
}

export async function describeParameters(ctx: ApiContext) {
  const p = await ctx.platform.read.market.read.parameters();
  return {
    mechanism: ctx.platform.deployment.mechanism ?? 'periodic',
    continuous: await describeContinuous(ctx),
    margin: money(p.marginAmount),
    referencePrice: price(p.referencePricePerWh),
    shortfallFactor: formatRate(BigInt(p.rates.shortfallFactorPpm)),
    surplusFactor: formatRate(BigInt(p.rates.surplusFactorPpm)),
    rewardRate: formatRate(BigInt(p.rates.rewardRatePpm)),
    penaltyRate: formatRate(BigInt(p.rates.penaltyRatePpm)),
    pricing: PRICING_RULES[p.pricing] ?? 'mid',
    priceFloor: p.priceFloorPerWh === 0n ? null : price(p.priceFloorPerWh),
    priceCap: p.priceCapPerWh === 0n ? null : price(p.priceCapPerWh),
    sellerShareCap: p.sellerShareCapBps === 0 ? null : formatBasisPoints(BigInt(p.sellerShareCapBps)),
    reputationWeight: p.reputationWeightPpm === 0 ? null : formatRate(BigInt(p.reputationWeightPpm)),
  };
}

export const parametersSchema = {
  type: 'object',
  properties: {
    mechanism: { type: 'string', enum: [...MARKET_MECHANISMS] },
    continuous: {
      type: ['object', 'null'],
      properties: { contract: S.str, gateClosureSeconds: S.num, margin: S.str },
    },
    margin: S.str,
    referencePrice: S.str,
    shortfallFactor: S.str,
    surplusFactor: S.str,
    rewardRate: S.str,
    penaltyRate: S.str,
    pricing: { type: 'string', enum: ['mid', 'uniform'] },
    priceFloor: S.nullableStr,
    priceCap: S.nullableStr,
    sellerShareCap: S.nullableStr,
    reputationWeight: S.nullableStr,
  },
} as const;

/** Stepwise curves: sellers by ask ascending, buyers by bid descending, cumulative kWh at each price. */
function curves(bids: readonly Bid[]) {
  const step = (sorted: readonly Bid[]) => {
    let total = 0n;
    return sorted.map((b) => {
      total += b.quantityWh;
      return { quantity: kwh(total), price: price(b.pricePerWh) };
    });
  };
  return {
    supply: step(bids.filter((b) => b.side === 'sell').sort(compareSellers)),
    demand: step(bids.filter((b) => b.side === 'buy').sort(compareBuyers)),
  };
}

export function marketRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // A period's page changes only with the read model and the phase; with a thousand bids it is worth
  // computing once per block rather than once per request.
  const periodPages = new Map<string, unknown>();
  app.get(
    '/api/market',
    {
      schema: {
        summary: 'The market: contracts, schedule, clock, the periods under way, parameters',
        tags: ['market'],
      },
    },
    async () => {
      const now = await ctx.clock.now();
      const delivery = periodAt(ctx.schedule, now);
      const bidding = ctx.bidBook.nextBiddingPeriod(now);
      const { deployment } = ctx.platform;
      return {
        chainId: deployment.chainId,
        contracts: {
          registry: deployment.registry,
          token: deployment.token,
          market: deployment.market,
          ...(deployment.continuousMarket === undefined
            ? {}
            : { continuousMarket: deployment.continuousMarket }),
        },
        token: ctx.config.token,
        schedule: {
          genesis: Number(ctx.schedule.genesis),
          periodSeconds: ctx.schedule.periodSeconds,
          commitSeconds: ctx.schedule.commitSeconds,
          revealSeconds: ctx.schedule.revealSeconds,
          readingSeconds: ctx.schedule.readingSeconds,
        },
        clock: { chainTime: Number(now), speed: ctx.clock.speed },
        delivery: {
          period: Number(delivery),
          windows: delivery === 0n ? null : windows(periodWindows(ctx.schedule, delivery)),
        },
        bidding: {
          period: Number(bidding),
          phase: phaseAt(ctx.schedule, bidding, now),
          windows: windows(periodWindows(ctx.schedule, bidding)),
        },
        parameters: await describeParameters(ctx),
      };
    },
  );

  app.get(
    '/api/periods',
    {
      schema: {
        summary: 'Period summaries (at most 200)',
        tags: ['market'],
        querystring: {
          type: 'object',
          properties: { from: { type: 'integer', minimum: 0 }, to: { type: 'integer', minimum: 0 } },
        },
        response: {
          200: { type: 'object', properties: { periods: { type: 'array', items: summarySchema } } },
        },
      },
    },
    async (request) => {
      const query = request.query as { from?: number; to?: number };
      const current = periodAt(ctx.schedule, await ctx.clock.now());
      const to = BigInt(query.to ?? Number(current + 1n));
      // Period 0 does not exist: a range reaching back before period 1 starts there.
      const from = BigInt(Math.max(1, query.from ?? Number(to) - 95));
      if (to < from) throw new RequestError('invalid', 'must not be before from', 'to');
      if (to - from >= 200n) throw new RequestError('invalid', 'at most 200 periods at once', 'to');
      return { periods: ctx.readModel.periodSummaries(Number(from), Number(to)).map((p) => summary(ctx, p)) };
    },
  );

  app.get(
    '/api/periods/:period',
    {
      schema: {
        summary: 'One period: windows, phase, revealed bids, trades, curves, settlements',
        tags: ['market'],
        params: {
          type: 'object',
          properties: { period: { type: 'integer', minimum: 1 } },
          required: ['period'],
        },
      },
    },
    async (request) => {
      const period = BigInt((request.params as { period: number }).period);
      const now = await ctx.clock.now();
      const w = periodWindows(ctx.schedule, period);
      const key = `${period}:${ctx.indexedBlock()}:${phaseAt(ctx.schedule, period, now)}`;
      const cached = periodPages.get(key);
      if (cached !== undefined) return cached;
      const detail = ctx.readModel.periodDetail(Number(period));
      // The chain publishes reveals as they land; the API shows a period's bids only once bidding is over
      // for everyone, so no page hints at a bid while others may still be revealing.
      const open = now < w.revealCloses;
      const bids = open ? [] : detail.bids;
      const coreBids = asCoreBids(period, bids);
      const page = {
        ...summary(ctx, detail),
        windows: windows(w),
        phase: phaseAt(ctx.schedule, period, now),
        bids: bids.map((b) => ({
          participantId: b.participantId,
          side: b.side,
          green: b.green,
          quantity: kwh(b.quantityWh),
          price: price(b.pricePerWh),
          ...location(b),
        })),
        trades: detail.trades.map((t) => ({
          sellerId: t.sellerId,
          buyerId: t.buyerId,
          quantity: kwh(t.quantityWh),
          price: price(t.pricePerWh),
          stage: t.stage,
          wheelingFee: money(t.wheelingFee),
          levy: money(t.levy),
          logIndex: t.logIndex,
          ...location(t),
        })),
        curves: curves(coreBids),
        settlements: detail.settlements.map(describeSettlement),
      };
      periodPages.set(key, page);
      if (periodPages.size > 64) periodPages.delete(periodPages.keys().next().value!);
      return page;
    },
  );

  app.get(
    '/api/days/:date',
    {
      schema: {
        summary: "A chain day's periods and average price",
        tags: ['market'],
        params: { type: 'object', properties: { date: { type: 'string' } }, required: ['date'] },
      },
    },
    async (request) => {
      const { date } = request.params as { date: string };
      const { from, to } = ctx.periodsOfDay(date);
      const periods = to < from ? [] : ctx.readModel.periodSummaries(Number(from), Number(to));
      let value = 0n;
      let quantityWh = 0n;
      for (const p of periods) {
        if (p.averagePrice !== null) {
          value += p.averagePrice.value;
          quantityWh += p.averagePrice.quantityWh;
        }
      }
      return {
        date,
        periods: periods.map((p) => summary(ctx, p)),
        averagePrice: averagePrice(quantityWh === 0n ? null : { value, quantityWh }),
        tradedEnergy: kwh(quantityWh),
      };
    },
  );

  app.get('/api/today', { schema: { summary: "The chain's date now", tags: ['market'] } }, async () => ({
    date: dateOf(await ctx.clock.now()),
  }));

  app.get(
    '/api/parameters',
    {
      schema: {
        summary: 'The market parameters in force',
        tags: ['market'],
        response: { 200: parametersSchema },
      },
    },
    async () => await describeParameters(ctx),
  );
}
