/**
 * A deployment configured for the continuous market: the service starts on it, the API says which
 * mechanism the market runs and with what settings, and participants place and cancel orders through
 * it (their keys sign, the relayer submits); refusals come before anything is signed, naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMoney } from '../core/units.ts';
import {
  callApi,
  signUpFunded,
  startTestService,
  type Json,
  type TestService,
} from './testing/testService.ts';

describe('the API on a continuous-market deployment', () => {
  let t: TestService;
  let operator: string;
  let seller: { token: string; id: number };
  let buyer: { token: string; id: number };
  let period: number;

  beforeAll(async () => {
    t = await startTestService({
      caseStudy: false,
      // A small margin, so that a missing reading's penalty can exceed what the margin keeps back.
      market: { mechanism: 'continuous', gateClosureSeconds: 240, margin: '0.001' },
    });
    const login = await callApi(t, 'POST', '/api/session', {
      username: 'operator',
      password: t.service.operatorPassword,
    });
    operator = login.body.token as string;
    seller = await signUpFunded(t, operator, 'sun', 'producer');
    buyer = await signUpFunded(t, operator, 'home', 'consumer');
    // Past the first period's gate closure: its book is closed, the next one is open.
    const first = await callApi(t, 'GET', '/api/orders/book');
    expect(first.status).toBe(200);
    await t.advanceTo(BigInt(first.body.gateClosure as number) + 1n);
    const book = await callApi(t, 'GET', '/api/orders/book');
    period = book.body.period as number;
    expect(period).toBe((first.body.period as number) + 1);
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  const get = async (path: string) => {
    const response = await fetch(`${t.url}${path}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const order = (who: { token: string }, body: Record<string, unknown>) =>
    callApi(t, 'POST', '/api/orders', { period, ...body }, who.token);
  const nonceOf = async (id: number) => {
    const { account } = t.service.context.readModel.participant(id)!;
    const market = t.service.context.continuousOrders!.market;
    return await market.read.read.nonces([account]);
  };

  it('reports the continuous mechanism, its contract, gate closure and margin', async () => {
    const { deployment } = t.service.context.platform;
    const parameters = await get('/api/parameters');
    expect(parameters).toMatchObject({
      mechanism: 'continuous',
      continuous: {
        contract: deployment.continuousMarket,
        gateClosureSeconds: 240,
        margin: parameters.margin,
      },
    });
    const market = await get('/api/market');
    expect(market).toMatchObject({
      contracts: { market: deployment.market, continuousMarket: deployment.continuousMarket },
      parameters: { mechanism: 'continuous' },
    });
  });

  it('refuses an order before signing it, naming the field', async () => {
    const refusals: [{ token: string }, Record<string, unknown>, number, string, RegExp][] = [
      [buyer, { side: 'sell', quantity: '0.1', price: '0.5' }, 400, 'side', /a consumer cannot sell/],
      [seller, { side: 'buy', quantity: '0.1', price: '0.5' }, 400, 'side', /a producer cannot buy/],
      [seller, { side: 'sell', quantity: '0', price: '0.5' }, 400, 'quantity', /greater than zero/],
      [seller, { side: 'sell', quantity: '0.1', price: '0' }, 400, 'price', /greater than zero/],
      [buyer, { side: 'buy', quantity: '100', price: '1' }, 400, 'quantity', /wallet can spend/],
      [
        buyer,
        { side: 'buy', quantity: '0.1', price: '0.5', period: period - 1 },
        400,
        'period',
        /gate closure/,
      ],
      [buyer, { side: 'buy', quantity: '0.1', price: '0.5', period: period + 200 }, 400, 'period', /ahead/],
      [buyer, { side: 'buy', quantity: '0.1', price: 'cheap' }, 400, 'price', /./],
    ];
    for (const [who, body, status, field, message] of refusals) {
      const answer = await callApi(t, 'POST', '/api/orders', { period, ...body }, who.token);
      expect([answer.status, answer.body.error.field]).toEqual([status, field]);
      expect(answer.body.error.message).toMatch(message);
    }
    const anonymous = await callApi(t, 'POST', '/api/orders', { side: 'buy', quantity: '0.1', price: '0.5' });
    expect(anonymous.status).toBe(401);
    // Nothing was signed, nothing sent: the nonces are untouched and the book is empty.
    expect([await nonceOf(seller.id), await nonceOf(buyer.id)]).toEqual([0n, 0n]);
    expect((await callApi(t, 'GET', `/api/orders/book?period=${period}`)).body).toMatchObject({
      bids: [],
      asks: [],
      fills: [],
    });
  });

  it('refuses the unauthorised, a seller without the margin, and the other side of a period taken', async () => {
    const signUp = async (username: string, kind: string) =>
      (
        await callApi(t, 'POST', '/api/participants', {
          username,
          password: `${username}-password`,
          name: username,
          kind,
          greenSupply: false,
          greenPreference: false,
        })
      ).body as Json;
    const newcomer = await signUp('newcomer', 'consumer');
    const unauthorised = await callApi(
      t,
      'POST',
      '/api/orders',
      { period, side: 'buy', quantity: '0.1', price: '0.5' },
      newcomer.token,
    );
    expect([unauthorised.status, unauthorised.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(unauthorised.body.error.message).toMatch(/not authorised/);

    const broke = await signUp('broke', 'producer');
    await callApi(t, 'POST', `/api/participants/${broke.participant.id}/authorisation`, undefined, operator);
    const noMargin = await order({ token: broke.token }, { side: 'sell', quantity: '0.1', price: '0.5' });
    expect([noMargin.status, noMargin.body.error.field]).toEqual([400, 'quantity']);
    expect(noMargin.body.error.message).toMatch(/margin/);

    // A unit under maintenance in a period may not sell then (checked before its money).
    const { earliestPeriod } = (await callApi(t, 'GET', '/api/maintenance')).body as Json;
    const plan = await callApi(
      t,
      'POST',
      '/api/maintenance',
      {
        participantId: broke.participant.id,
        fromPeriod: earliestPeriod,
        toPeriod: earliestPeriod,
        workOrder: 'WO-7',
      },
      operator,
    );
    expect(plan.status).toBe(200);
    const maintained = await callApi(
      t,
      'POST',
      '/api/orders',
      { period: earliestPeriod, side: 'sell', quantity: '0.1', price: '0.5' },
      broke.token,
    );
    expect([maintained.status, maintained.body.error.field]).toEqual([400, 'period']);
    expect(maintained.body.error.message).toMatch(/under maintenance .* WO-7/);

    const both = await signUpFunded(t, operator, 'both', 'prosumer');
    const buy = await order(both, { side: 'buy', quantity: '0.1', price: '0.1' });
    expect(buy.status).toBe(201);
    const sell = await order(both, { side: 'sell', quantity: '0.1', price: '0.9' });
    expect([sell.status, sell.body.error.field]).toEqual([409, 'side']);
    expect(sell.body.error.message).toMatch(/already trades on the buy side/);
    const cancel = await callApi(
      t,
      'DELETE',
      `/api/orders/${period}/${buy.body.orderId}`,
      undefined,
      both.token,
    );
    expect(cancel.status).toBe(200);
    // With its buy order gone, it may sell in the period after all.
    const retry = await order(both, { side: 'sell', quantity: '0.1', price: '0.9' });
    expect(retry.status).toBe(201);
    const gone = await callApi(
      t,
      'DELETE',
      `/api/orders/${period}/${retry.body.orderId}`,
      undefined,
      both.token,
    );
    expect(gone.status).toBe(200);
  });

  it('places crossing orders: the book, the fill, own orders and cancels', async () => {
    const books: number[] = [];
    t.service.context.events.on('book', (change: { period: number }) => books.push(change.period));
    const ask = await order(seller, { side: 'sell', quantity: '0.3', price: '0.5' });
    expect(ask.status).toBe(201);
    expect(ask.body).toMatchObject({ period, resting: '0.300', fills: [] });
    const askId = ask.body.orderId as number;
    const anonymous = (await callApi(t, 'GET', `/api/orders/book?period=${period}`)).body;
    expect(anonymous.asks).toEqual([{ price: expect.any(String), quantity: '0.300', orders: 1 }]);
    expect(anonymous.own).toEqual([]);
    expect(anonymous.open).toBe(true);
    const askPrice = anonymous.asks[0].price as string;

    const notYours = await callApi(t, 'DELETE', `/api/orders/${period}/${askId}`, undefined, buyer.token);
    expect([notYours.status, notYours.body.error.field]).toEqual([403, 'orderId']);

    const bid = await order(buyer, { side: 'buy', quantity: '0.2', price: '0.6' });
    expect(bid.status).toBe(201);
    expect(bid.body).toMatchObject({
      orderId: askId + 1,
      resting: '0.000',
      fills: [
        {
          makerOrderId: askId,
          takerOrderId: askId + 1,
          sellerId: seller.id,
          buyerId: buyer.id,
          quantity: '0.200',
          price: askPrice,
        },
      ],
    });
    expect(await nonceOf(buyer.id)).toBe(1n);

    const cancel = await callApi(t, 'DELETE', `/api/orders/${period}/${askId}`, undefined, seller.token);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ period, orderId: askId, cancelled: '0.100' });
    const again = await callApi(t, 'DELETE', `/api/orders/${period}/${askId}`, undefined, seller.token);
    expect([again.status, again.body.error.field]).toEqual([404, 'orderId']);

    const book = (await callApi(t, 'GET', `/api/orders/book?period=${period}`, undefined, seller.token)).body;
    expect(book.asks).toEqual([]);
    expect(book.fills).toHaveLength(1);
    expect(book.own.map((o: Json) => [o.orderId, o.side, o.quantity, o.remaining, o.status])).toEqual([
      [askId, 'sell', '0.300', '0.000', 'cancelled'],
    ]);

    // Browsers were told the book changed (server-sent `book` events).
    expect(books).toContain(period);

    // The fill is a trade of the period, with its seven-step flow.
    const fill = book.fills[0];
    const detail = (await callApi(t, 'GET', `/api/periods/${period}`)).body;
    expect(detail.trades).toMatchObject([{ stage: 'continuous', quantity: '0.200' }]);
    const flow = await callApi(t, 'GET', `/api/trades/${fill.transactionHash}/${fill.logIndex}/flow`);
    expect(flow.status).toBe(200);
    const events = flow.body.steps.map((s: Json) => s.records.map((r: Json) => `${r.event}:${r.status}`));
    expect(events[1]).toEqual(['OrderPlaced:recorded', 'OrderPlaced:recorded']);
    expect(events[2]).toEqual(['OrderFilled:recorded']);
    expect(events[3]).toEqual(['TokensMoved:recorded']);
  });

  it('refuses an order of a participant whose debt its wallet cannot pay, and shows the debt', async () => {
    // The seller takes out all it may (the continuous market holds the margin of its unsettled
    // position) and its meter never reports: its position settles as a missing reading after the
    // deadline, and what it cannot pay the grid becomes debt.
    const wallet = async () =>
      (await callApi(t, 'GET', `/api/participants/${seller.id}/wallet`, undefined, seller.token))
        .body as Json;
    const before = await wallet();
    const margin = await t.service.context.continuousOrders!.market.read.read.marginAmount();
    expect(
      parseMoney(before.balance as string, 'balance') - parseMoney(before.withdrawable as string, 'w'),
    ).toBe(margin);
    const over = await callApi(
      t,
      'POST',
      `/api/participants/${seller.id}/withdrawals`,
      { amount: before.balance, reference: 'FIAT-OUT-0' },
      seller.token,
    );
    expect([over.status, over.body.error.field]).toEqual([400, 'amount']);
    const out = await callApi(
      t,
      'POST',
      `/api/participants/${seller.id}/withdrawals`,
      { amount: before.withdrawable, reference: 'FIAT-OUT-1' },
      seller.token,
    );
    expect(out.status).toBe(200);
    await t.advanceTo(t.windowsOf(BigInt(period)).readingDeadline + 60n);
    const market = t.service.context.continuousOrders!.market;
    const debt = await market.read.read.debtOf([seller.id]);
    expect(debt).toBeGreaterThan(0n);
    expect((await wallet()).debt).not.toBe('0');
    const refused = await callApi(
      t,
      'POST',
      '/api/orders',
      { side: 'sell', quantity: '0.1', price: '0.5' },
      seller.token,
    );
    expect([refused.status, refused.body.error.code]).toEqual([403, 'IN_DEBT']);
    expect(refused.body.error.message).toMatch(/owes the public grid/);
  });
});
