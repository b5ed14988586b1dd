/**
 * The grid company's tariff and connections: voltage levels with their transmission-and-distribution
 * price and same-level fee, the levy, and each participant's voltage level and feeder. Anyone reads
 * them; the operator sets them. Bad input is refused here first, by the market core's checks, naming
 * the field.
 */
import type { FastifyInstance } from 'fastify';
import {
  readGridConnections,
  readGridTariff,
  setGridConnection,
  setLevy,
  setVoltageLevel,
  type GridConnections,
} from '../../chain/gridConnections.ts';
import {
  checkConnection,
  checkRate,
  checkVoltageLevel,
  feesActive,
  maxWheelingPerWh,
  MAX_VOLTAGE_LEVELS,
  type GridTariff,
} from '../../core/gridFees.ts';
import { parsePricePerKwh } from '../../core/units.ts';
import { RequestError } from '../../app/errors.ts';
import { requireOperator } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decimalString, location, price, S } from '../format.ts';

const levelSchema = {
  type: 'object',
  properties: {
    level: S.num,
    nominalVolts: S.num,
    transmission: S.str,
    sameLevelFee: S.str,
    maxWheeling: S.str,
  },
} as const;

const tariffSchema = {
  type: 'object',
  properties: {
    feesActive: S.bool,
    levy: S.str,
    levels: { type: 'array', items: levelSchema },
    connections: {
      type: 'array',
      items: { type: 'object', properties: { participantId: S.num, level: S.num, feeder: S.num } },
    },
  },
} as const;

const levelParams = {
  type: 'object',
  properties: { level: { type: 'integer', minimum: 1, maximum: MAX_VOLTAGE_LEVELS } },
  required: ['level'],
} as const;

export function gridRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const register = (): GridConnections => {
    if (ctx.gridConnections === undefined)
      throw new RequestError('not-found', 'this deployment has no grid connection register (it predates it)');
    return ctx.gridConnections;
  };

  const describe = async (grid: GridConnections) => {
    const tariff = await readGridTariff(grid);
    await ctx.syncReadModel();
    const ids = ctx.readModel.participants().map((p) => p.id);
    const connections = await readGridConnections(grid, ids);
    return {
      feesActive: feesActive(tariff),
      levy: price(tariff.levyPerWh),
      levels: [...tariff.levels.values()]
        .sort((a, b) => a.level - b.level)
        .map((l) => ({
          level: l.level,
          nominalVolts: l.nominalVolts,
          transmission: price(l.transmissionPerWh),
          sameLevelFee: price(l.sameLevelFeePerWh),
          maxWheeling: price(maxWheelingPerWh(tariff, l.level)),
        })),
      connections: [...connections.entries()]
        .filter(([, c]) => c.level !== 0)
        .map(([participantId, c]) => ({ participantId, level: c.level, feeder: c.feeder })),
    };
  };

  app.get(
    '/api/grid',
    {
      schema: {
        summary: 'The grid tariff (voltage levels, wheeling fees, levy) and participants’ connections',
        tags: ['grid'],
        response: { 200: tariffSchema },
      },
    },
    async () => await describe(register()),
  );

  app.put(
    '/api/grid/levels/:level',
    {
      schema: {
        summary: 'The operator sets a voltage level: nominal voltage, T&D price and same-level fee per kWh',
        tags: ['grid', 'operator'],
        params: levelParams,
        body: {
          type: 'object',
          properties: {
            nominalVolts: { type: 'integer', minimum: 1, maximum: 4_294_967_295 },
            transmission: decimalString,
            sameLevelFee: decimalString,
          },
          required: ['nominalVolts', 'transmission', 'sameLevelFee'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { grid: tariffSchema, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const grid = register();
      const { level } = request.params as { level: number };
      const body = request.body as { nominalVolts: number; transmission: string; sameLevelFee: string };
      const voltageLevel = {
        level,
        nominalVolts: body.nominalVolts,
        transmissionPerWh: parsePricePerKwh(body.transmission, 'transmission'),
        sameLevelFeePerWh: parsePricePerKwh(body.sameLevelFee, 'sameLevelFee'),
      };
      checkVoltageLevel(await readGridTariff(grid), voltageLevel, {
        transmissionPerWh: 'transmission',
        sameLevelFeePerWh: 'sameLevelFee',
      });
      const receipt = await ctx.lock.run(() => setVoltageLevel(grid, ctx.accounts.operator, voltageLevel));
      return { grid: await describe(grid), ...location(receipt) };
    },
  );

  app.put(
    '/api/grid/levy',
    {
      schema: {
        summary: 'The operator sets the levy (government funds and surcharges) per kWh traded',
        tags: ['grid', 'operator'],
        body: {
          type: 'object',
          properties: { levy: decimalString },
          required: ['levy'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { grid: tariffSchema, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const grid = register();
      const levyPerWh = parsePricePerKwh((request.body as { levy: string }).levy, 'levy');
      checkRate('levy', levyPerWh);
      const receipt = await ctx.lock.run(() => setLevy(grid, ctx.accounts.operator, levyPerWh));
      return { grid: await describe(grid), ...location(receipt) };
    },
  );

  app.put(
    '/api/grid/connections/:participantId',
    {
      schema: {
        summary: 'The operator records a participant’s voltage level and feeder',
        tags: ['grid', 'operator'],
        params: {
          type: 'object',
          properties: { participantId: { type: 'integer', minimum: 1 } },
          required: ['participantId'],
        },
        body: {
          type: 'object',
          properties: {
            level: { type: 'integer', minimum: 1, maximum: MAX_VOLTAGE_LEVELS },
            feeder: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
          },
          required: ['level'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { grid: tariffSchema, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const grid = register();
      const { participantId } = request.params as { participantId: number };
      const body = request.body as { level: number; feeder?: number };
      await ctx.syncReadModel();
      if (ctx.readModel.participant(participantId) === undefined)
        throw new RequestError('not-found', `no participant ${participantId}`, 'participantId');
      const connection = { level: body.level, feeder: body.feeder ?? 0 };
      const tariff: GridTariff = await readGridTariff(grid);
      checkConnection(tariff, connection);
      const receipt = await ctx.lock.run(() =>
        setGridConnection(grid, ctx.accounts.operator, participantId, connection),
      );
      return { grid: await describe(grid), ...location(receipt) };
    },
  );
}
