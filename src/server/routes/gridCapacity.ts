/**
 * Grid security: which transformer each feeder hangs on, and the capacity limits (kWh per period) of
 * feeders and transformers, by default and for one period. Anyone reads them, with what a period's
 * trades used and the trades they cut; the operator sets them. Bad input is refused here first,
 * naming the field.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  configuredCapacityAssets,
  readGridConnections,
  readPeriodCapacity,
  setCapacityLimit,
  setFeederTransformer,
  setPeriodCapacityLimit,
  type GridConnections,
} from '../../chain/gridConnections.ts';
import { periodCapacityCuts } from '../../chain/periodRecords.ts';
import {
  CAPACITY_ASSETS,
  checkAssetId,
  checkCapacityWh,
  checkTransformerId,
  type CapacityAsset,
} from '../../core/gridCapacity.ts';
import { parseKwh } from '../../core/units.ts';
import { RequestError } from '../../app/errors.ts';
import { requireOperator } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { kwh, location, S } from '../format.ts';

const assetSchema = {
  type: 'object',
  properties: {
    asset: S.str,
    id: S.num,
    transformer: S.num,
    /** The default limit in kWh per period; null: none. */
    limit: S.nullableStr,
    /** With `period`: the limit in force that period, and what its trades used. */
    periodLimit: S.nullableStr,
    used: S.str,
  },
} as const;
const capacitySchema = {
  type: 'object',
  properties: {
    active: S.bool,
    period: { type: ['integer', 'null'] },
    assets: { type: 'array', items: assetSchema },
    cuts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sellerId: S.num,
          buyerId: S.num,
          limit: S.str,
          limitId: S.num,
          granted: S.str,
          ...S.locationProps,
        },
      },
    },
  },
} as const;
const answer = { 200: { type: 'object', properties: { capacity: capacitySchema, ...S.locationProps } } };
const assetParams = {
  type: 'object',
  properties: {
    asset: { type: 'string', enum: [...CAPACITY_ASSETS] },
    id: { type: 'integer', minimum: 1, maximum: 4_294_967_295 },
  },
  required: ['asset', 'id'],
} as const;
const periodAssetParams = {
  ...assetParams,
  properties: { ...assetParams.properties, period: S.period },
  required: [...assetParams.required, 'period'],
} as const;
/** `capacity`: kWh per period as a decimal string; null: no limit. */
const limitBody = {
  type: 'object',
  properties: { capacity: { type: ['string', 'null'], minLength: 1, maxLength: 80 } },
  required: ['capacity'],
  additionalProperties: false,
} as const;

/** A limit in a request: kWh per period, or null for none. */
function parseLimit(text: string | null): bigint | null {
  if (text === null) return null;
  const wh = parseKwh(text, 'capacity');
  checkCapacityWh('capacity', wh);
  return wh;
}

export function gridCapacityRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const register = (): GridConnections => {
    if (ctx.gridConnections === undefined)
      throw new RequestError('not-found', 'this deployment has no grid connection register (it predates it)');
    return ctx.gridConnections;
  };

  const describe = async (grid: GridConnections, period: bigint | null) => {
    await ctx.syncReadModel();
    const connections = await readGridConnections(
      grid,
      ctx.readModel.participants().map((p) => p.id),
    );
    const { feeders, transformers } = await configuredCapacityAssets(
      grid,
      ctx.platform.deployment.fromBlock,
      [...connections.values()].map((c) => c.feeder),
    );
    const market = ctx.platform.deployment.market;
    const assets = await Promise.all(
      [
        ...feeders.map((id) => ['feeder', id] as const),
        ...transformers.map((id) => ['transformer', id] as const),
      ].map(async ([asset, id]) => {
        const base = await grid.read.read.capacityOf([CAPACITY_ASSETS.indexOf(asset), id]);
        const own = period === null ? undefined : await readPeriodCapacity(grid, market, period, asset, id);
        return {
          asset,
          id,
          ...(asset === 'feeder' ? { transformer: await grid.read.read.transformerOf([id]) } : {}),
          limit: base.limited ? kwh(base.capacityWh) : null,
          ...(own === undefined
            ? {}
            : { periodLimit: own.limitWh === null ? null : kwh(own.limitWh), used: kwh(own.usedWh) }),
        };
      }),
    );
    const cuts = period === null ? [] : await periodCapacityCuts(ctx.platform, period);
    return {
      active: await grid.read.read.capacityActive(),
      period: period === null ? null : Number(period),
      assets,
      cuts: cuts.map((c) => ({
        sellerId: c.sellerId,
        buyerId: c.buyerId,
        limit: c.limit,
        limitId: c.limitId,
        granted: kwh(c.grantedWh),
        ...location(c),
      })),
    };
  };

  app.get(
    '/api/grid/capacity',
    {
      schema: {
        summary:
          'Feeder and transformer capacity limits (kWh per period); with `period`, the limits in force, what its trades used, and the trades they cut',
        tags: ['grid'],
        querystring: {
          type: 'object',
          properties: { period: S.period },
          additionalProperties: false,
        },
        response: { 200: capacitySchema },
      },
    },
    async (request) => {
      const { period } = request.query as { period?: number };
      return await describe(register(), period === undefined ? null : BigInt(period));
    },
  );

  app.put(
    '/api/grid/feeders/:feeder',
    {
      schema: {
        summary: 'The operator hangs a feeder on a transformer (0: none)',
        tags: ['grid', 'operator'],
        params: {
          type: 'object',
          properties: { feeder: { type: 'integer', minimum: 1, maximum: 4_294_967_295 } },
          required: ['feeder'],
        },
        body: {
          type: 'object',
          properties: { transformer: { type: 'integer' } },
          required: ['transformer'],
          additionalProperties: false,
        },
        response: answer,
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const grid = register();
      const { feeder } = request.params as { feeder: number };
      const { transformer } = request.body as { transformer: number };
      checkAssetId('feeder', feeder);
      checkTransformerId('transformer', transformer);
      const receipt = await ctx.lock.run(() =>
        setFeederTransformer(grid, ctx.accounts.operator, feeder, transformer),
      );
      return { capacity: await describe(grid, null), ...location(receipt) };
    },
  );

  app.put(
    '/api/grid/capacity/:asset/:id',
    {
      schema: {
        summary:
          'The operator sets the default limit of a feeder or transformer, kWh per period (null: none)',
        tags: ['grid', 'operator'],
        params: assetParams,
        body: limitBody,
        response: answer,
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const grid = register();
      const { asset, id } = request.params as { asset: CapacityAsset; id: number };
      const capacityWh = parseLimit((request.body as { capacity: string | null }).capacity);
      const receipt = await ctx.lock.run(() =>
        setCapacityLimit(grid, ctx.accounts.operator, asset, id, capacityWh),
      );
      return { capacity: await describe(grid, null), ...location(receipt) };
    },
  );

  const setOwn = async (request: FastifyRequest, capacityWh: bigint | null | undefined) => {
    requireOperator(ctx, request);
    const grid = register();
    const { asset, id, period } = request.params as { asset: CapacityAsset; id: number; period: number };
    const receipt = await ctx.lock.run(() =>
      setPeriodCapacityLimit(grid, ctx.accounts.operator, BigInt(period), asset, id, capacityWh),
    );
    return { capacity: await describe(grid, BigInt(period)), ...location(receipt) };
  };

  app.put(
    '/api/grid/capacity/:asset/:id/periods/:period',
    {
      schema: {
        summary:
          'The operator gives a feeder or transformer its own limit in one period, kWh (null: none that period)',
        tags: ['grid', 'operator'],
        params: periodAssetParams,
        body: limitBody,
        response: answer,
      },
    },
    async (request) =>
      await setOwn(request, parseLimit((request.body as { capacity: string | null }).capacity)),
  );

  app.delete(
    '/api/grid/capacity/:asset/:id/periods/:period',
    {
      schema: {
        summary: 'The operator returns a feeder or transformer to its default limit in one period',
        tags: ['grid', 'operator'],
        params: periodAssetParams,
        response: answer,
      },
    },
    async (request) => await setOwn(request, undefined),
  );
}
