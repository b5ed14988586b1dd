/**
 * Subsidies: the pool's programme for everyone, each participant's coupons and payments for itself
 * and the operator, and the operator's steps (offer the bonus, issue a year's coupons, fund the pool
 * through the settlement agent). The keeper pays what is due; nobody claims by hand.
 */
import type { FastifyInstance } from 'fastify';
import { deposit } from '../../chain/participants.ts';
import { readProgrammes, issueCoupons, setFirstUseBonus, type SubsidyPool } from '../../chain/subsidyPool.ts';
import { parseMoney } from '../../core/units.ts';
import { RequestError } from '../../app/errors.ts';
import { requireOperator, requireSelfOrOperator } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decimalString, location, money, S } from '../format.ts';
import { moneyBody, moneyRequest } from './participants.ts';

const programmeSchema = {
  type: 'object',
  properties: {
    programmeId: S.num,
    year: S.num,
    value: S.str,
    eligibleUpToId: S.num,
    validFromPeriod: S.num,
    expiresAfterPeriod: S.num,
  },
} as const;

const couponSchema = {
  type: 'object',
  properties: {
    ...programmeSchema.properties,
    status: { type: 'string', enum: ['available', 'redeemed', 'expired', 'not-eligible'] },
  },
} as const;

const describeProgramme = (p: Awaited<ReturnType<typeof readProgrammes>>[number]) => ({
  programmeId: p.programmeId,
  year: p.year,
  value: money(p.value),
  eligibleUpToId: p.eligibleUpToId,
  validFromPeriod: Number(p.validFromPeriod),
  expiresAfterPeriod: Number(p.expiresAfterPeriod),
});

export function subsidyRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const pool = (): SubsidyPool => {
    if (ctx.subsidyPool === undefined)
      throw new RequestError('not-found', 'this deployment has no subsidy pool (it predates subsidies)');
    return ctx.subsidyPool;
  };

  app.get(
    '/api/subsidies',
    {
      schema: {
        summary: "The subsidy pool: its balance, the first-use bonus and every year's coupons",
        tags: ['subsidies'],
        response: {
          200: {
            type: 'object',
            properties: {
              pool: S.str,
              balance: S.str,
              firstUseBonus: S.str,
              programmes: { type: 'array', items: programmeSchema },
            },
          },
        },
      },
    },
    async () => {
      const p = pool();
      const [balance, bonus, programmes] = await Promise.all([
        ctx.platform.read.token.read.balanceOf([p.address]),
        p.read.read.firstUseBonus(),
        readProgrammes(p),
      ]);
      return {
        pool: p.address,
        balance: money(balance),
        firstUseBonus: money(bonus),
        programmes: programmes.map(describeProgramme),
      };
    },
  );

  app.get(
    '/api/participants/:id/subsidies',
    {
      schema: {
        summary: "A participant's first-use bonus, coupons and subsidy payments",
        tags: ['subsidies'],
        params: S.idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              firstUsePaid: S.bool,
              coupons: { type: 'array', items: couponSchema },
              payments: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { amount: S.str, period: S.num, ...S.locationProps },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      const participant = ctx.readModel.participant(id);
      if (participant === undefined) throw new RequestError('not-found', `no participant ${id}`, 'id');
      const p = pool();
      const current = await ctx.platform.read.market.read.currentPeriod();
      const programmes = await readProgrammes(p);
      const coupons = await Promise.all(
        programmes.map(async (c) => {
          const redeemed = await p.read.read.couponRedeemed([BigInt(c.programmeId), id]);
          const status =
            id > c.eligibleUpToId
              ? 'not-eligible'
              : redeemed
                ? 'redeemed'
                : current > c.expiresAfterPeriod
                  ? 'expired'
                  : 'available';
          return { ...describeProgramme(c), status };
        }),
      );
      await ctx.syncReadModel();
      const payments = ctx.readModel
        .statement(participant.account)
        .lines.filter((l) => l.reason === 'subsidy')
        .map((l) => ({ amount: money(l.amount), period: Number(l.period), ...location(l) }));
      return { firstUsePaid: await p.read.read.firstUsePaid([id]), coupons, payments };
    },
  );

  app.put(
    '/api/subsidies/first-use-bonus',
    {
      schema: {
        summary: 'The operator offers a first-use bonus (0 withdraws it)',
        tags: ['subsidies', 'operator'],
        body: {
          type: 'object',
          properties: { amount: decimalString },
          required: ['amount'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { firstUseBonus: S.str, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const p = pool();
      const amount = parseMoney((request.body as { amount: string }).amount, 'amount');
      const receipt = await ctx.lock.run(() => setFirstUseBonus(p, ctx.accounts.operator, amount));
      return { firstUseBonus: money(amount), ...location(receipt) };
    },
  );

  app.post(
    '/api/subsidies/coupons',
    {
      schema: {
        summary: "The operator issues a year's coupons to every participant registered now",
        tags: ['subsidies', 'operator'],
        body: {
          type: 'object',
          properties: {
            year: { type: 'integer', minimum: 2000, maximum: 65535 },
            value: decimalString,
            expiresAfterPeriod: S.period,
          },
          required: ['year', 'value', 'expiresAfterPeriod'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { programme: programmeSchema, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const p = pool();
      const body = request.body as { year: number; value: string; expiresAfterPeriod: number };
      const value = parseMoney(body.value, 'value');
      if (value <= 0n) throw new RequestError('invalid', 'must be greater than zero', 'value');
      const current = await ctx.platform.read.market.read.currentPeriod();
      if (BigInt(body.expiresAfterPeriod) <= current)
        throw new RequestError(
          'invalid',
          `must be a period after the current one (${current}): coupons are redeemed on later purchases`,
          'expiresAfterPeriod',
        );
      if ((await p.read.read.programmeOfYear([body.year])) !== 0n)
        throw new RequestError('conflict', `the ${body.year} coupons were already issued`, 'year');
      const issued = await ctx.lock.run(() =>
        issueCoupons(p, ctx.accounts.operator, {
          year: body.year,
          value,
          expiresAfterPeriod: BigInt(body.expiresAfterPeriod),
        }),
      );
      const programme = (await readProgrammes(p)).find((c) => c.programmeId === issued.programmeId)!;
      return { programme: describeProgramme(programme), ...location(issued) };
    },
  );

  app.post(
    '/api/subsidies/funding',
    {
      schema: {
        summary: "The settlement agent mints the government's fiat transfer into the pool",
        tags: ['subsidies', 'operator'],
        body: moneyBody,
        response: { 200: { type: 'object', properties: { balance: S.str, ...S.locationProps } } },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const p = pool();
      const { value, reference } = moneyRequest(request.body);
      const receipt = await ctx.lock.run(() =>
        deposit(ctx.platform, ctx.accounts.settlementAgent, p.address, value, reference),
      );
      return {
        balance: money(await ctx.platform.read.token.read.balanceOf([p.address])),
        ...location(receipt),
      };
    },
  );
}
