import type { FastifyInstance } from 'fastify';
import { confirm } from '../../chain/transactions.ts';
import { fromContractParameters, toContractParameters, type PricingRule } from '../../chain/deploy.ts';
import {
  parseBasisPoints,
  parseMoney,
  parsePriceBound,
  parsePricePerKwh,
  parseRate,
} from '../../core/units.ts';
import { RequestError } from '../../app/errors.ts';
import { requireOperator } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decimalString, location, price, S } from '../format.ts';
import { describeParameters, parametersSchema } from './market.ts';

export function operatorRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/meters',
    {
      schema: {
        summary: 'Bound meters and the gateway reading them (operator)',
        tags: ['operator'],
        response: {
          200: {
            type: 'object',
            properties: {
              meters: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    participantId: S.num,
                    number: S.str,
                    address: S.str,
                    lastPeriod: { type: ['integer', 'null'] },
                    status: S.str,
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const unreachable = new Set(ctx.meters.status().unreachable);
      return {
        meters: ctx.readModel.meters().map((m) => ({
          participantId: m.participantId,
          number: m.number,
          address: m.address,
          lastPeriod: m.lastPeriod === null ? null : Number(m.lastPeriod),
          status: unreachable.has(m.number) ? 'unreachable' : 'reporting',
        })),
      };
    },
  );

  app.put(
    '/api/parameters',
    {
      schema: {
        summary: 'The operator sets the market parameters on chain',
        tags: ['operator'],
        body: {
          type: 'object',
          properties: {
            margin: decimalString,
            referencePrice: decimalString,
            shortfallFactor: decimalString,
            surplusFactor: decimalString,
            rewardRate: decimalString,
            penaltyRate: decimalString,
            pricing: { type: 'string', enum: ['mid', 'uniform'] },
            priceFloor: decimalString,
            priceCap: decimalString,
            sellerShareCap: decimalString,
            reputationWeight: decimalString,
          },
          required: [
            'margin',
            'referencePrice',
            'shortfallFactor',
            'surplusFactor',
            'rewardRate',
            'penaltyRate',
          ],
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { parameters: parametersSchema, ...S.locationProps } },
        },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const b = request.body as Record<string, string>;
      const rate = (field: string, max: bigint) => {
        const ppm = parseRate(b[field], field);
        if (ppm > max) throw new RequestError('invalid', `must be at most ${max / 1_000_000n}`, field);
        return Number(ppm);
      };
      const referencePricePerWh = parsePricePerKwh(b.referencePrice, 'referencePrice');
      if (referencePricePerWh === 0n)
        throw new RequestError('invalid', 'must be greater than zero', 'referencePrice');
      // The market rules are optional here: what is left out keeps the value in force.
      const inForce = fromContractParameters(await ctx.platform.read.market.read.parameters());
      const bound = (field: 'priceFloor' | 'priceCap', current: bigint) =>
        b[field] === undefined ? current : parsePriceBound(b[field], field);
      const priceFloorPerWh = bound('priceFloor', inForce.priceFloorPerWh);
      const priceCapPerWh = bound('priceCap', inForce.priceCapPerWh);
      if (priceCapPerWh !== 0n && priceFloorPerWh > priceCapPerWh)
        throw new RequestError('invalid', 'must not be above the price cap (0 means no floor)', 'priceFloor');
      const parameters = {
        marginAmount: parseMoney(b.margin, 'margin'),
        referencePricePerWh,
        shortfallFactorPpm: rate('shortfallFactor', 10_000_000n),
        surplusFactorPpm: rate('surplusFactor', 10_000_000n),
        rewardRatePpm: rate('rewardRate', 1_000_000n),
        penaltyRatePpm: rate('penaltyRate', 1_000_000n),
        pricing: (b.pricing as PricingRule | undefined) ?? inForce.pricing,
        priceFloorPerWh,
        priceCapPerWh,
        sellerShareCapBps:
          b.sellerShareCap === undefined
            ? inForce.sellerShareCapBps
            : Number(parseBasisPoints(b.sellerShareCap, 'sellerShareCap')),
        reputationWeightPpm:
          b.reputationWeight === undefined
            ? inForce.reputationWeightPpm
            : rate('reputationWeight', 1_000_000n),
      };
      const receipt = await ctx.lock.run(() =>
        confirm(ctx.platform.connection, 'set market parameters', () =>
          ctx.platform
            .as(ctx.accounts.operator)
            .market.write.setParameters([toContractParameters(parameters)]),
        ),
      );
      return { parameters: await describeParameters(ctx), ...location(receipt) };
    },
  );

  const periodParams = {
    type: 'object',
    properties: { period: { type: 'integer', minimum: 1, maximum: 16_777_215 } },
    required: ['period'],
  } as const;
  const boundsOf = async (period: bigint) => {
    const [floorPerWh, capPerWh] = await ctx.platform.read.market.read.priceBoundsOf([period]);
    return {
      period: Number(period),
      priceFloor: floorPerWh === 0n ? null : price(floorPerWh),
      priceCap: capPerWh === 0n ? null : price(capPerWh),
    };
  };
  const setBounds = async (period: bigint, floorPerWh: bigint, capPerWh: bigint, set: boolean) => {
    const receipt = await ctx.lock.run(() =>
      confirm(ctx.platform.connection, `set the price bounds of period ${period}`, () =>
        ctx.platform
          .as(ctx.accounts.operator)
          .market.write.setPeriodPriceBounds([period, { floorPerWh, capPerWh, set }]),
      ),
    );
    return { ...(await boundsOf(period)), ...location(receipt) };
  };

  app.get(
    '/api/periods/:period/price-bounds',
    {
      schema: {
        summary: 'The price floor and cap a bid for the period must respect (null: none)',
        tags: ['market'],
        params: periodParams,
      },
    },
    async (request) => await boundsOf(BigInt((request.params as { period: number }).period)),
  );

  app.put(
    '/api/periods/:period/price-bounds',
    {
      schema: {
        summary: 'The operator gives one period its own price floor and cap ("0": none), checked at reveal',
        tags: ['operator'],
        params: periodParams,
        body: {
          type: 'object',
          properties: { priceFloor: decimalString, priceCap: decimalString },
          required: ['priceFloor', 'priceCap'],
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const period = BigInt((request.params as { period: number }).period);
      const b = request.body as { priceFloor: string; priceCap: string };
      const floorPerWh = parsePriceBound(b.priceFloor, 'priceFloor');
      const capPerWh = parsePriceBound(b.priceCap, 'priceCap');
      if (capPerWh !== 0n && floorPerWh > capPerWh)
        throw new RequestError('invalid', 'must not be above the price cap (0 means no floor)', 'priceFloor');
      return await setBounds(period, floorPerWh, capPerWh, true);
    },
  );

  app.delete(
    '/api/periods/:period/price-bounds',
    {
      schema: {
        summary: "The operator returns a period to the market's default price bounds",
        tags: ['operator'],
        params: periodParams,
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      return await setBounds(BigInt((request.params as { period: number }).period), 0n, 0n, false);
    },
  );

  app.get(
    '/api/health',
    { schema: { summary: 'Health of chain, indexer, keeper and gateway', tags: ['operator'] } },
    async () => ctx.health(),
  );
}
