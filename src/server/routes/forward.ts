/**
 * Forward rights (large-user direct purchase): anyone reads the offers, open sales and the fees
 * collected per region; a producer registers offers, the operator issues them, sets large users,
 * regions and their fees; large users buy rights and sell them to each other. Participants sign
 * their actions and the platform's relayer sends them. A refusal of the contract names the field.
 */
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../app/errors.ts';
import {
  actBySignature,
  issueForwardOffer,
  readForwardOffers,
  setLargeUser,
  setRegion,
  setRegionFee,
  type ForwardAction,
  type ForwardRights,
} from '../../chain/forwardRights.ts';
import { ContractRefusedError } from '../../chain/errors.ts';
import {
  FORWARD_REFUSALS,
  periodsOf,
  type ForwardOffer,
  type ForwardRefusal,
  type ForwardSale,
} from '../../core/forwardRights.ts';
import { formatKwh, formatMoney, formatPricePerKwh, parseKwh, parsePricePerKwh } from '../../core/units.ts';
import { requireOperator, requireParticipant } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decimalString, location, S } from '../format.ts';

/** The request field each refusal is about. */
const FIELD_OF: Record<ForwardRefusal, string> = {
  ForwardNotRegistered: 'participantId',
  ForwardNotAuthorised: 'participantId',
  ForwardNotProducer: 'participantId',
  ForwardNotLargeUser: 'participantId',
  ForwardWindowInvalid: 'lastPeriod',
  ForwardTooSoon: 'firstPeriod',
  ForwardQuantityOutOfRange: 'energy',
  ForwardPriceOutOfRange: 'price',
  ForwardUnitUnderMaintenance: 'firstPeriod',
  ForwardOfferUnknown: 'offerId',
  ForwardOfferAlreadyIssued: 'offerId',
  ForwardOfferNotIssued: 'offerId',
  ForwardTradingClosed: 'offerId',
  ForwardRightsUnavailable: 'energy',
  ForwardBudgetNotCovered: 'energy',
  ForwardTooManyOffers: 'offerId',
  ForwardSaleUnknown: 'saleId',
  ForwardSaleNotYours: 'saleId',
  ForwardSaleToSelf: 'buyerId',
};

const offerSchema = {
  type: 'object',
  properties: {
    offerId: S.num,
    producerId: S.num,
    firstPeriod: S.num,
    lastPeriod: S.num,
    energy: S.str,
    sold: S.str,
    price: S.str,
    issued: S.bool,
    region: S.num,
    fee: S.str,
  },
} as const;

const saleSchema = {
  type: 'object',
  properties: { saleId: S.num, offerId: S.num, sellerId: S.num, buyerId: S.num, energy: S.str, price: S.str },
} as const;

const describeOffer = (o: ForwardOffer) => ({
  offerId: o.offerId,
  producerId: o.producerId,
  firstPeriod: Number(o.firstPeriod),
  lastPeriod: Number(o.lastPeriod),
  energy: formatKwh(o.whPerPeriod),
  sold: formatKwh(o.soldWhPerPeriod),
  price: formatPricePerKwh(o.pricePerWh),
  issued: o.issued,
  region: o.region,
  fee: formatPricePerKwh(o.feePerWh),
});

const describeSale = (s: ForwardSale) => ({
  saleId: s.saleId,
  offerId: s.offerId,
  sellerId: s.sellerId,
  buyerId: s.buyerId,
  energy: formatKwh(s.whPerPeriod),
  price: formatPricePerKwh(s.pricePerWh),
});

const okSchema = { 200: { type: 'object', properties: { ...S.locationProps, createdId: S.num } } } as const;

export function forwardRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const rights = (): ForwardRights => {
    if (ctx.forwardRights === undefined)
      throw new RequestError('not-found', 'this deployment has no forward rights (it predates them)');
    return ctx.forwardRights;
  };

  /** Sends a contract call; its refusal becomes a request error naming the field. */
  async function refusalsNamed<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await ctx.lock.run(send);
    } catch (error) {
      if (error instanceof ContractRefusedError && error.errorName in FIELD_OF) {
        const refusal = error.errorName as ForwardRefusal;
        throw new RequestError('invalid', FORWARD_REFUSALS[refusal], FIELD_OF[refusal]);
      }
      throw error;
    }
  }

  /** A participant's signed action, relayed. */
  async function act(request: Parameters<typeof requireParticipant>[1], action: ForwardAction) {
    const session = requireParticipant(ctx, request);
    const { createdId, receipt } = await refusalsNamed(() =>
      actBySignature(rights(), session.account, ctx.accounts.relayer, action),
    );
    return { ...location(receipt), ...(createdId === undefined ? {} : { createdId }) };
  }

  app.get(
    '/api/forward',
    {
      schema: {
        summary: 'Forward offers, open sales of rights and the region fees collected',
        tags: ['forward'],
        response: {
          200: {
            type: 'object',
            properties: {
              offers: { type: 'array', items: offerSchema },
              sales: { type: 'array', items: saleSchema },
              earliestPeriod: S.num,
              regions: {
                type: 'array',
                items: { type: 'object', properties: { region: S.num, fee: S.str, collected: S.str } },
              },
            },
          },
        },
      },
    },
    async () => {
      const r = rights();
      const { offers, sales } = await readForwardOffers(r);
      const current = await r.read.read.currentPeriod();
      const regionIds = [...new Set([0, ...offers.map((o) => o.region)])].sort((a, b) => a - b);
      const regions = await Promise.all(
        regionIds.map(async (region) => ({
          region,
          fee: formatPricePerKwh(await r.read.read.regionFeePerWh([region])),
          collected: formatMoney(await r.read.read.regionFeesCollected([region])),
        })),
      );
      return {
        offers: offers.map(describeOffer),
        sales: sales.filter((s) => s.open).map(describeSale),
        earliestPeriod: Number(current + 2n),
        regions,
      };
    },
  );

  app.get(
    '/api/forward/participants/:id',
    {
      schema: {
        summary: "A participant's forward standing: large user, region, rights held and debt",
        tags: ['forward'],
        params: S.idParams,
      },
    },
    async (request) => {
      const r = rights();
      const { id } = request.params as { id: number };
      const { offers } = await readForwardOffers(r);
      const holdings = [];
      for (const o of offers) {
        const held = await r.read.read.holdingOf([BigInt(o.offerId), id]);
        if (held > 0n)
          holdings.push({
            offerId: o.offerId,
            energy: formatKwh(held),
            periods: Number(periodsOf(o)),
            firstPeriod: Number(o.firstPeriod),
            lastPeriod: Number(o.lastPeriod),
          });
      }
      return {
        participantId: id,
        largeUser: await r.read.read.isLargeUser([id]),
        region: await r.read.read.regionOf([id]),
        debt: formatMoney(await r.read.read.debtOf([id])),
        holdings,
      };
    },
  );

  app.post(
    '/api/forward/offers',
    {
      schema: {
        summary:
          'A producer registers a forward offer: energy (kWh) in each period of a window, at a price per kWh',
        tags: ['forward'],
        body: {
          type: 'object',
          properties: {
            firstPeriod: S.period,
            lastPeriod: S.period,
            energy: decimalString,
            price: decimalString,
          },
          required: ['firstPeriod', 'lastPeriod', 'energy', 'price'],
          additionalProperties: false,
        },
        response: okSchema,
      },
    },
    async (request) => {
      const body = request.body as { firstPeriod: number; lastPeriod: number; energy: string; price: string };
      return await act(request, {
        action: 'register',
        firstPeriod: BigInt(body.firstPeriod),
        lastPeriod: BigInt(body.lastPeriod),
        whPerPeriod: parseKwh(body.energy, 'energy'),
        pricePerWh: parsePricePerKwh(body.price, 'price'),
      });
    },
  );

  const offerParams = {
    type: 'object',
    properties: { offerId: { type: 'integer', minimum: 1 } },
    required: ['offerId'],
  } as const;

  app.post(
    '/api/forward/offers/:offerId/issue',
    {
      schema: {
        summary: 'The operator issues a registered offer as rights',
        tags: ['forward', 'operator'],
        params: offerParams,
        response: okSchema,
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const { offerId } = request.params as { offerId: number };
      return location(await refusalsNamed(() => issueForwardOffer(rights(), ctx.accounts.operator, offerId)));
    },
  );

  app.post(
    '/api/forward/offers/:offerId/purchases',
    {
      schema: {
        summary: "A large user buys rights from the offer's producer: energy (kWh) per period",
        tags: ['forward'],
        params: offerParams,
        body: {
          type: 'object',
          properties: { energy: decimalString },
          required: ['energy'],
          additionalProperties: false,
        },
        response: okSchema,
      },
    },
    async (request) => {
      const { offerId } = request.params as { offerId: number };
      const { energy } = request.body as { energy: string };
      return await act(request, { action: 'buy', offerId, whPerPeriod: parseKwh(energy, 'energy') });
    },
  );

  app.post(
    '/api/forward/sales',
    {
      schema: {
        summary: 'A holder offers rights (kWh per period) to a named large user at a price per kWh',
        tags: ['forward'],
        body: {
          type: 'object',
          properties: {
            offerId: { type: 'integer', minimum: 1 },
            buyerId: { type: 'integer', minimum: 1 },
            energy: decimalString,
            price: decimalString,
          },
          required: ['offerId', 'buyerId', 'energy', 'price'],
          additionalProperties: false,
        },
        response: okSchema,
      },
    },
    async (request) => {
      const body = request.body as { offerId: number; buyerId: number; energy: string; price: string };
      return await act(request, {
        action: 'offer-sale',
        offerId: body.offerId,
        buyerId: body.buyerId,
        whPerPeriod: parseKwh(body.energy, 'energy'),
        pricePerWh: parsePricePerKwh(body.price, 'price'),
      });
    },
  );

  const saleParams = {
    type: 'object',
    properties: { saleId: { type: 'integer', minimum: 1 } },
    required: ['saleId'],
  } as const;

  app.post(
    '/api/forward/sales/:saleId/accept',
    {
      schema: {
        summary: 'The named buyer accepts a sale and pays the seller',
        tags: ['forward'],
        params: saleParams,
        response: okSchema,
      },
    },
    async (request) => {
      const { saleId } = request.params as { saleId: number };
      return await act(request, { action: 'accept-sale', saleId });
    },
  );

  app.delete(
    '/api/forward/sales/:saleId',
    {
      schema: {
        summary: 'The seller withdraws a sale',
        tags: ['forward'],
        params: saleParams,
        response: okSchema,
      },
    },
    async (request) => {
      const { saleId } = request.params as { saleId: number };
      return await act(request, { action: 'cancel-sale', saleId });
    },
  );

  app.put(
    '/api/forward/participants/:id',
    {
      schema: {
        summary: 'The operator marks a consumer as a large user and puts a participant in a fee region',
        tags: ['forward', 'operator'],
        params: S.idParams,
        body: {
          type: 'object',
          properties: { largeUser: S.bool, region: { type: 'integer', minimum: 0, maximum: 65_535 } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const { id } = request.params as { id: number };
      const body = request.body as { largeUser?: boolean; region?: number };
      const r = rights();
      let receipt;
      if (body.largeUser !== undefined)
        receipt = await refusalsNamed(() => setLargeUser(r, ctx.accounts.operator, id, body.largeUser!));
      if (body.region !== undefined)
        receipt = await refusalsNamed(() => setRegion(r, ctx.accounts.operator, id, body.region!));
      if (receipt === undefined) throw new RequestError('invalid', 'give largeUser or region', 'largeUser');
      return { participantId: id, ...location(receipt) };
    },
  );

  app.put(
    '/api/forward/regions/:region',
    {
      schema: {
        summary: "The operator sets a region's fee per kWh on forward purchases issued from now on",
        tags: ['forward', 'operator'],
        params: {
          type: 'object',
          properties: { region: { type: 'integer', minimum: 0, maximum: 65_535 } },
          required: ['region'],
        },
        body: {
          type: 'object',
          properties: { fee: decimalString },
          required: ['fee'],
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      requireOperator(ctx, request);
      const { region } = request.params as { region: number };
      const feePerWh = parsePricePerKwh((request.body as { fee: string }).fee, 'fee');
      if (feePerWh >= 1n << 80n) throw new RequestError('invalid', 'is too large', 'fee');
      const receipt = await refusalsNamed(() =>
        setRegionFee(rights(), ctx.accounts.operator, region, feePerWh),
      );
      return { region, fee: formatPricePerKwh(feePerWh), ...location(receipt) };
    },
  );
}
