import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMoney } from '../core/units.ts';
import {
  callApi,
  signUpFunded,
  nextOpenPeriod,
  startTestService,
  type Json,
  type TestService,
} from './testing/testService.ts';

/** Wheeling fees and levies through the API, on a real embedded chain. */
describe('grid tariff API', () => {
  let t: TestService;
  let operator: string;
  let solar: { token: string; id: number };
  let shop: { token: string; id: number };
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string) =>
    callApi(t, method, url, body, token);
  const signUp = (username: string, kind: 'producer' | 'consumer') =>
    signUpFunded(t, operator, username, kind);
  const nextPeriod = () => nextOpenPeriod(t);
  /** A signed money figure of the API in base units. */
  const units = (text: string): bigint =>
    text.startsWith('-') ? -parseMoney(text.slice(1), 'amount') : parseMoney(text, 'amount');
  const refusal = (answer: { status: number; body: Json }) => [
    answer.status,
    answer.body.error?.field,
    answer.body.error?.message,
  ];

  beforeAll(async () => {
    t = await startTestService({ caseStudy: false });
    operator = (
      await call('POST', '/api/session', { username: 'operator', password: t.service.operatorPassword })
    ).body.token;
    solar = await signUp('solar', 'producer');
    shop = await signUp('shop', 'consumer');
  }, 120_000);
  afterAll(async () => await t?.stop());

  it('lets only the operator set the tariff, and refuses bad input naming the field', async () => {
    expect((await call('GET', '/api/grid')).body).toEqual({
      feesActive: false,
      levy: '0',
      levels: [],
      connections: [],
    });
    expect((await call('PUT', '/api/grid/levy', { levy: '0.03' }, shop.token)).status).toBe(403);
    expect((await call('PUT', '/api/grid/levy', { levy: '0.03' })).status).toBe(401);
    const level = (n: number, body: object) => call('PUT', `/api/grid/levels/${n}`, body, operator);
    expect(
      refusal(await level(1, { nominalVolts: 400, transmission: 'abc', sameLevelFee: '0.015' })),
    ).toEqual([400, 'transmission', expect.stringContaining('transmission')]);
    expect(refusal(await level(1, { nominalVolts: 400, transmission: '1000.5', sameLevelFee: '0' }))[1]).toBe(
      'transmission',
    );
    expect(refusal(await level(1, { nominalVolts: 400, transmission: '0.2', sameLevelFee: '-1' }))[1]).toBe(
      'sameLevelFee',
    );
    expect((await level(9, { nominalVolts: 400, transmission: '0.2', sameLevelFee: '0' })).status).toBe(400);
    expect((await level(1, { nominalVolts: 400, transmission: '0.2', sameLevelFee: '0.015' })).status).toBe(
      200,
    );
    const set = await level(2, { nominalVolts: 10_000, transmission: '0.17', sameLevelFee: '0.015' });
    expect(set.status).toBe(200);
    expect(set.body.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(set.body.grid.levels).toEqual([
      { level: 1, nominalVolts: 400, transmission: '0.2', sameLevelFee: '0.015', maxWheeling: '0.03' },
      { level: 2, nominalVolts: 10_000, transmission: '0.17', sameLevelFee: '0.015', maxWheeling: '0.015' },
    ]);
    // Level 3 must be above 10 kV.
    expect(refusal(await level(3, { nominalVolts: 5_000, transmission: '0.1', sameLevelFee: '0' }))).toEqual([
      400,
      'nominalVolts',
      expect.stringContaining('level 2 is 10000 V'),
    ]);
    expect(refusal(await call('PUT', '/api/grid/levy', { levy: '1001' }, operator))[1]).toBe('levy');
    expect((await call('PUT', '/api/grid/levy', { levy: '0.03' }, operator)).body.grid.feesActive).toBe(true);
    const connect = (id: number, body: object) => call('PUT', `/api/grid/connections/${id}`, body, operator);
    expect(refusal(await connect(shop.id, { level: 4 }))).toEqual([
      400,
      'level',
      expect.stringContaining('voltage level 4 is not set'),
    ]);
    expect(refusal(await connect(99, { level: 1 }))[1]).toBe('participantId');
    expect((await connect(shop.id, { level: 1, feeder: 4_294_967_296 })).status).toBe(400);
  });

  it('charges the buyer its wheeling fee and levy, and its statement adds up', async () => {
    const period = await nextPeriod();
    const bid = (who: { token: string }, side: 'sell' | 'buy', quantity: string, price: string) =>
      call('POST', '/api/bids', { side, quantity, price, period: Number(period) }, who.token);
    // Not connected while wheeling fees apply: it may not buy.
    const unconnected = await bid(shop, 'buy', '2', '0.6');
    expect(unconnected.status).toBe(403);
    expect(unconnected.body.error.message).toContain('voltage level');

    const connect = (id: number, level: number) =>
      call('PUT', `/api/grid/connections/${id}`, { level, feeder: 12 }, operator);
    expect((await connect(solar.id, 2)).status).toBe(200);
    const connected = await connect(shop.id, 1);
    expect(connected.body.grid.connections).toEqual([
      { participantId: solar.id, level: 2, feeder: 12 },
      { participantId: shop.id, level: 1, feeder: 12 },
    ]);
    // 9.9 spendable: 15 kWh at 0.6 is 9, with at most 0.06 per kWh of charges 9.9 — 16 kWh is too much.
    const dear = await bid(shop, 'buy', '16', '0.6');
    expect(refusal(dear)).toEqual([400, 'quantity', expect.stringContaining('wheeling fee and levy')]);
    expect((await bid(solar, 'sell', '2', '0.5')).status).toBe(201);
    expect((await bid(shop, 'buy', '2', '0.6')).status).toBe(201);
    await t.runPeriod(period);

    // Mid price 0.55 per kWh; wheeling 0.2 − 0.17 = 0.03 (above the 0.015 same-level fee); levy 0.03.
    const statement = (await call('GET', `/api/participants/${shop.id}/statement`, undefined, shop.token))
      .body;
    expect(statement.totals).toMatchObject({ trade: '-1.1', 'wheeling-fee': '-0.06', levy: '-0.06' });
    expect(statement.opening).toBe('0');
    const [, balance] = await t.service.context.platform.read.market.read.participantState([shop.id]);
    expect(units(statement.closing)).toBe(balance);
    expect(statement.balance).toBe(statement.closing);
    const total = (lines: { amount: string }[]) => lines.reduce((sum, l) => sum + units(l.amount), 0n);
    expect(total(statement.lines)).toBe(balance);
    // From after the deposit: opening 10, and opening + the lines still close at the balance.
    const deposit = statement.lines.find((l: Json) => l.reason === 'deposit');
    const later = (
      await call(
        'GET',
        `/api/participants/${shop.id}/statement?from=${deposit.time + 1}`,
        undefined,
        shop.token,
      )
    ).body;
    expect(later.opening).toBe('10');
    expect(later.lines.some((l: Json) => l.reason === 'deposit')).toBe(false);
    expect(units(later.opening) + total(later.lines)).toBe(balance);
    expect(later.closing).toBe(statement.closing);
    // The grid received exactly the charges, and the settlement of the period shows them.
    const gridLines = statement.lines.filter((l: Json) => l.reason === 'wheeling-fee' || l.reason === 'levy');
    expect(
      gridLines.every((l: Json) => l.counterparty === t.service.context.accounts.publicGrid.address),
    ).toBe(true);
    const settlements = (await call('GET', `/api/participants/${shop.id}/settlements`, undefined, shop.token))
      .body.settlements;
    expect(settlements.find((s: Json) => s.period === Number(period))).toMatchObject({
      wheelingFees: '0.06',
      levies: '0.06',
    });
    const detail = (await call('GET', `/api/periods/${period}`)).body;
    expect(detail.trades.map((x: Json) => [x.quantity, x.price, x.wheelingFee, x.levy])).toEqual([
      ['2.000', '0.55', '0.06', '0.06'],
    ]);
    const seller = (await call('GET', `/api/participants/${solar.id}/statement`, undefined, solar.token))
      .body;
    expect(seller.totals).toMatchObject({ trade: '1.1' });
    expect(seller.totals['wheeling-fee']).toBeUndefined();
  }, 240_000);
});
