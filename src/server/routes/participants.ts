import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import {
  authoriseParticipant,
  deposit,
  revokeParticipant,
  withdraw,
  withdrawableNow,
} from '../../chain/participants.ts';
import { readReputation } from '../../chain/reputation.ts';
import { parseMoney } from '../../core/units.ts';
import { RequestError } from '../../app/errors.ts';
import type { ParticipantView, SettlementView } from '../../app/readModel.ts';
import { requireOperator, requireSelfOrOperator, SESSION_COOKIE } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decimalString, kwh, location, money, S } from '../format.ts';
import { describeUser, sessionCookie, userSchema } from './session.ts';

export const participantSchema = {
  type: 'object',
  properties: {
    id: S.num,
    name: S.str,
    kind: { type: 'string', enum: ['producer', 'consumer', 'prosumer'] },
    greenSupply: S.bool,
    greenPreference: S.bool,
    authorised: S.bool,
    account: S.str,
    meter: {
      type: ['object', 'null'],
      properties: { address: S.str, number: S.str },
    },
    ...S.locationProps,
  },
} as const;

export const describeParticipant = (p: ParticipantView) => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  greenSupply: p.greenSupply,
  greenPreference: p.greenPreference,
  authorised: p.authorised,
  account: p.account,
  meter: p.meter,
  ...location(p),
});

const txSchema = {
  type: 'object',
  properties: { ...S.locationProps, balance: S.str },
} as const;

export const moneyBody = {
  type: 'object',
  properties: { amount: decimalString, reference: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['amount', 'reference'],
  additionalProperties: false,
} as const;

export function participantRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const find = (id: number): ParticipantView => {
    const p = ctx.readModel.participant(id);
    if (p === undefined) throw new RequestError('not-found', `no participant ${id}`, 'id');
    return p;
  };
  /** A transaction's location and the wallet's balance after it. */
  const withBalance = async (receipt: { transactionHash: Hex; blockNumber: bigint }, p: ParticipantView) => ({
    ...location(receipt),
    balance: money(await ctx.platform.read.token.read.balanceOf([p.account])),
  });
  /** The read model catches up with a transaction just mined before the answer is written. */
  const fresh = async (id: number) => {
    await ctx.syncReadModel();
    return find(id);
  };

  app.post(
    '/api/participants',
    {
      schema: {
        summary: 'Sign up: registers a participant on chain (the relayer pays) and logs it in',
        tags: ['participants'],
        body: {
          type: 'object',
          properties: {
            username: S.str,
            password: S.str,
            name: S.str,
            kind: { type: 'string', enum: ['producer', 'consumer', 'prosumer'] },
            greenSupply: S.bool,
            greenPreference: S.bool,
          },
          required: ['username', 'password', 'name', 'kind', 'greenSupply', 'greenPreference'],
          additionalProperties: false,
        },
        response: {
          201: {
            type: 'object',
            properties: { participant: participantSchema, user: userSchema, token: S.str },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        username: string;
        password: string;
        name: string;
        kind: 'producer' | 'consumer' | 'prosumer';
        greenSupply: boolean;
        greenPreference: boolean;
      };
      const { session, participantId } = await ctx.users.signUp(body);
      void reply.setCookie(SESSION_COOKIE, session.token, sessionCookie);
      return reply.status(201).send({
        participant: describeParticipant(await fresh(participantId)),
        user: describeUser(session),
        token: session.token,
      });
    },
  );

  app.get(
    '/api/participants',
    {
      schema: {
        summary: 'Every registered participant (public profiles)',
        tags: ['participants'],
        response: {
          200: { type: 'object', properties: { participants: { type: 'array', items: participantSchema } } },
        },
      },
    },
    async () => ({ participants: ctx.readModel.participants().map(describeParticipant) }),
  );

  app.get(
    '/api/participants/:id',
    {
      schema: {
        summary: 'One participant',
        tags: ['participants'],
        params: S.idParams,
        response: { 200: participantSchema },
      },
    },
    async (request) => describeParticipant(find((request.params as { id: number }).id)),
  );

  for (const [method, verb] of [
    ['POST', 'authorise'],
    ['DELETE', 'revoke'],
  ] as const) {
    app.route({
      method,
      url: '/api/participants/:id/authorisation',
      schema: {
        summary:
          verb === 'authorise' ? 'The operator authorises a participant to bid' : 'The operator revokes it',
        tags: ['operator'],
        params: S.idParams,
        response: { 200: participantSchema },
      },
      handler: async (request) => {
        requireOperator(ctx, request);
        const { id } = request.params as { id: number };
        find(id);
        await ctx.lock.run(() =>
          (verb === 'authorise' ? authoriseParticipant : revokeParticipant)(
            ctx.platform,
            ctx.accounts.operator,
            id,
          ),
        );
        return describeParticipant(await fresh(id));
      },
    });
  }

  app.post(
    '/api/participants/:id/meter',
    {
      schema: {
        summary: "The operator binds a participant's smart meter; the gateway makes its signing key",
        tags: ['operator'],
        params: S.idParams,
        body: {
          type: 'object',
          properties: { meterNumber: S.str },
          required: ['meterNumber'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              meter: { type: 'object', properties: { address: S.str, number: S.str } },
              ...S.locationProps,
            },
          },
        },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const { id } = request.params as { id: number };
      const { meterNumber } = request.body as { meterNumber: string };
      const participant = find(id);
      if (participant.meter !== null)
        throw new RequestError(
          'conflict',
          `participant ${id} has meter ${participant.meter.number} already`,
          'meterNumber',
        );
      const { meter, receipt } = await ctx.meters.bind(id, meterNumber, participant.kind);
      await ctx.syncReadModel();
      return {
        meter: { address: meter.address, number: meter.meterNumber },
        transactionHash: receipt.transactionHash,
        blockNumber: Number(receipt.blockNumber),
      };
    },
  );

  app.get(
    '/api/participants/:id/wallet',
    {
      schema: {
        summary: "A participant's wallet",
        tags: ['wallets'],
        params: S.idParams,
        response: {
          200: {
            type: 'object',
            properties: { account: S.str, balance: S.str, debt: S.str, withdrawable: S.str, margin: S.str },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      find(id);
      const [account, balance, debt] = await ctx.platform.read.market.read.participantState([id]);
      const withdrawable = await withdrawableNow(ctx.platform, id);
      const { nextMargin } = await readReputation(ctx.platform, id);
      // On the continuous mechanism a participant also owes what that market's settlements left unpaid.
      const continuousDebt =
        ctx.continuousOrders === undefined ? 0n : await ctx.continuousOrders.market.read.read.debtOf([id]);
      return {
        account,
        balance: money(balance),
        debt: money(debt + continuousDebt),
        withdrawable: money(withdrawable),
        margin: money(nextMargin),
      };
    },
  );

  app.get(
    '/api/participants/:id/statement',
    {
      schema: {
        summary:
          'Every token movement of a participant with its reason (from `from`, unix seconds, if given): opening balance + the lines = closing balance',
        tags: ['wallets'],
        params: S.idParams,
        querystring: {
          type: 'object',
          properties: { from: { type: 'integer', minimum: 0 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              lines: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    reason: S.str,
                    amount: S.str,
                    counterparty: S.str,
                    period: S.num,
                    logIndex: S.num,
                    time: S.num,
                    trade: {
                      type: ['object', 'null'],
                      properties: { transactionHash: S.str, logIndex: S.num },
                    },
                    ...S.locationProps,
                  },
                },
              },
              opening: S.str,
              /** Each reason's lines added up, signed from the participant's side. */
              totals: { type: 'object', additionalProperties: S.str },
              closing: S.str,
              balance: S.str,
            },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      const participant = find(id);
      const { from } = request.query as { from?: number };
      await ctx.syncReadModel();
      const statement = ctx.readModel.statement(participant.account);
      const { balance } = statement;
      const earlier = statement.lines.filter((l) => from !== undefined && l.time < from);
      const lines = statement.lines.filter((l) => from === undefined || l.time >= from);
      const opening = earlier.reduce((sum, l) => sum + l.amount, 0n);
      const totals = new Map<string, bigint>();
      for (const l of lines) totals.set(l.reason, (totals.get(l.reason) ?? 0n) + l.amount);
      return {
        opening: money(opening),
        totals: Object.fromEntries([...totals].map(([reason, total]) => [reason, money(total)])),
        closing: money(opening + lines.reduce((sum, l) => sum + l.amount, 0n)),
        lines: lines.map((l) => ({
          reason: l.reason,
          amount: money(l.amount),
          counterparty: l.counterparty,
          period: Number(l.period),
          logIndex: l.logIndex,
          time: Number(l.time),
          trade: l.trade,
          ...location(l),
        })),
        balance: money(balance),
      };
    },
  );

  app.post(
    '/api/participants/:id/deposits',
    {
      schema: {
        summary: 'The settlement agent mints tokens against a fiat deposit',
        tags: ['wallets'],
        params: S.idParams,
        body: moneyBody,
        response: { 200: txSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      const participant = find(id);
      const { value, reference } = moneyRequest(request.body);
      const receipt = await ctx.lock.run(() =>
        deposit(ctx.platform, ctx.accounts.settlementAgent, participant.account, value, reference),
      );
      return await withBalance(receipt, participant);
    },
  );

  app.post(
    '/api/participants/:id/withdrawals',
    {
      schema: {
        summary: "A withdrawal: the participant's key signs its consent, the agent burns and pays out",
        tags: ['wallets'],
        params: S.idParams,
        body: moneyBody,
        response: { 200: txSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      const session = requireSelfOrOperator(ctx, request, id);
      if (session.participantId !== id)
        throw new RequestError('forbidden', "a withdrawal needs the participant's own consent: log in as it");
      const participant = find(id);
      const { value, reference } = moneyRequest(request.body);
      const withdrawable = await withdrawableNow(ctx.platform, id);
      if (value > withdrawable)
        throw new RequestError('invalid', `at most ${money(withdrawable)} can be withdrawn now`, 'amount');
      const receipt = await ctx.lock.run(() =>
        withdraw(ctx.platform, ctx.accounts.settlementAgent, session.account, value, reference),
      );
      return await withBalance(receipt, participant);
    },
  );

  app.get(
    '/api/participants/:id/settlements',
    {
      schema: { summary: "A participant's settlements", tags: ['records'], params: S.idParams },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      find(id);
      return { settlements: ctx.readModel.settlementsOf(id).map(describeSettlement) };
    },
  );

  app.get(
    '/api/participants/:id/readings',
    {
      schema: { summary: "A participant's meter readings", tags: ['records'], params: S.idParams },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      find(id);
      return {
        readings: ctx.readModel.readingsOf(id).map((r) => ({
          period: Number(r.period),
          meter: r.meter,
          importWh: r.importWh.toString(),
          exportWh: r.exportWh.toString(),
          ...location(r),
        })),
      };
    },
  );

  app.get(
    '/api/participants/:id/energy',
    {
      schema: {
        summary: 'Declared, awarded and actual energy per period of a chain day',
        tags: ['records'],
        params: S.idParams,
        querystring: {
          type: 'object',
          properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
          required: ['date'],
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      requireSelfOrOperator(ctx, request, id);
      find(id);
      const { from, to } = ctx.periodsOfDay((request.query as { date: string }).date);
      return {
        series: ctx.readModel.energySeries(id, Number(from), Number(to)).map((p) => ({
          period: Number(p.period),
          side: p.side,
          declared: kwh(p.declaredWh),
          awarded: kwh(p.awardedWh),
          actual: p.actualWh === null ? null : kwh(p.actualWh),
        })),
      };
    },
  );
}

/** A deposit's or withdrawal's amount (positive, at most 18 decimals) and fiat reference. */
export function moneyRequest(body: unknown): { value: bigint; reference: string } {
  const { amount, reference } = body as { amount: string; reference: string };
  const value = parseMoney(amount, 'amount');
  if (value <= 0n) throw new RequestError('invalid', 'must be greater than zero', 'amount');
  return { value, reference };
}

/** A settlement's energy and money figures, as every route that shows one writes them. */
export const settlementFigures = (
  s: Pick<
    SettlementView,
    | 'declaredWh'
    | 'awardedWh'
    | 'actualWh'
    | 'readingMissing'
    | 'imbalanceWh'
    | 'imbalanceAmount'
    | 'reward'
    | 'penalty'
    | 'wheelingFees'
    | 'levies'
  >,
) => ({
  declared: kwh(s.declaredWh),
  awarded: kwh(s.awardedWh),
  actual: kwh(s.actualWh),
  readingMissing: s.readingMissing,
  imbalanceEnergy: kwh(s.imbalanceWh),
  imbalanceAmount: money(s.imbalanceAmount),
  reward: money(s.reward),
  penalty: money(s.penalty),
  wheelingFees: money(s.wheelingFees),
  levies: money(s.levies),
});

export const describeSettlement = (s: SettlementView) => ({
  period: Number(s.period),
  participantId: s.participantId,
  ...settlementFigures(s),
  ...location(s),
});
