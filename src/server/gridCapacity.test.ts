import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  signUpFunded,
  nextOpenPeriod,
  startTestService,
  type Json,
  type TestService,
} from './testing/testService.ts';

/** Feeder and transformer capacity limits through the API, on a real embedded chain. */
describe('grid capacity API', () => {
  let t: TestService;
  let operator: string;
  let solar: { token: string; id: number };
  let shop: { token: string; id: number };
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string) =>
    callApi(t, method, url, body, token);
  const refusal = (answer: { status: number; body: Json }) => [answer.status, answer.body.error?.field];

  beforeAll(async () => {
    t = await startTestService({ caseStudy: false });
    operator = (
      await call('POST', '/api/session', { username: 'operator', password: t.service.operatorPassword })
    ).body.token;
    solar = await signUpFunded(t, operator, 'solar', 'producer');
    shop = await signUpFunded(t, operator, 'shop', 'consumer');
  }, 120_000);
  afterAll(async () => await t?.stop());

  it('lets only the operator set limits, and refuses bad input naming the field', async () => {
    expect((await call('GET', '/api/grid/capacity')).body).toEqual({
      active: false,
      period: null,
      assets: [],
      cuts: [],
    });
    const limit = (path: string, body: unknown, token = operator) =>
      call('PUT', `/api/grid/${path}`, body, token);
    expect((await limit('capacity/feeder/1', { capacity: '1' }, shop.token)).status).toBe(403);
    expect((await call('PUT', '/api/grid/capacity/feeder/1', { capacity: '1' })).status).toBe(401);
    expect((await limit('feeders/1', { transformer: 2 }, shop.token)).status).toBe(403);
    expect(refusal(await limit('capacity/feeder/1', { capacity: 'abc' }))).toEqual([400, 'capacity']);
    expect(refusal(await limit('capacity/feeder/1', { capacity: '-1' }))).toEqual([400, 'capacity']);
    expect(refusal(await limit('capacity/feeder/1', { capacity: '18446744073709552' }))).toEqual([
      400,
      'capacity',
    ]);
    expect(refusal(await limit('capacity/feeder/1', {}))).toEqual([400, 'capacity']);
    expect(refusal(await limit('capacity/pole/1', { capacity: '1' }))).toEqual([400, 'asset']);
    expect(refusal(await limit('capacity/transformer/0', { capacity: '1' }))).toEqual([400, 'id']);
    expect(refusal(await limit('capacity/feeder/1/periods/0', { capacity: '1' }))).toEqual([400, 'period']);
    expect(refusal(await limit('feeders/0', { transformer: 1 }))).toEqual([400, 'feeder']);
    expect(refusal(await limit('feeders/1', { transformer: -1 }))).toEqual([400, 'transformer']);
    expect(refusal(await call('GET', '/api/grid/capacity?period=0'))).toEqual([400, 'period']);
    expect((await call('GET', '/api/grid/capacity')).body.active).toBe(false);
  });

  it('cuts a trade to a feeder’s limit and shows the cut, the use and a period’s own limit', async () => {
    // A level without fees, so the connections can record the feeders.
    await call(
      'PUT',
      '/api/grid/levels/1',
      { nominalVolts: 400, transmission: '0', sameLevelFee: '0' },
      operator,
    );
    for (const [who, feeder] of [
      [solar, 1],
      [shop, 2],
    ] as const)
      expect(
        (await call('PUT', `/api/grid/connections/${who.id}`, { level: 1, feeder }, operator)).status,
      ).toBe(200);
    expect((await call('PUT', '/api/grid/feeders/1', { transformer: 7 }, operator)).status).toBe(200);
    const set = await call('PUT', '/api/grid/capacity/feeder/1', { capacity: '1.5' }, operator);
    expect(set.status).toBe(200);
    expect(set.body.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(set.body.capacity.active).toBe(true);
    expect(set.body.capacity.assets).toEqual([
      { asset: 'feeder', id: 1, transformer: 7, limit: '1.500' },
      { asset: 'feeder', id: 2, transformer: 0, limit: null },
      { asset: 'transformer', id: 7, limit: null },
    ]);

    const period = await nextOpenPeriod(t);
    // The period's own limit replaces the default, and returns to it when removed.
    const own = await call(
      'PUT',
      `/api/grid/capacity/feeder/1/periods/${period}`,
      { capacity: null },
      operator,
    );
    expect(own.body.capacity.assets[0]).toMatchObject({ periodLimit: null, limit: '1.500' });
    const back = await call('DELETE', `/api/grid/capacity/feeder/1/periods/${period}`, undefined, operator);
    expect(back.body.capacity.assets[0]).toMatchObject({ periodLimit: '1.500', used: '0.000' });

    const bid = (who: { token: string }, side: 'sell' | 'buy', quantity: string, price: string) =>
      call('POST', '/api/bids', { side, quantity, price, period: Number(period) }, who.token);
    expect((await bid(solar, 'sell', '2', '0.5')).status).toBe(201);
    expect((await bid(shop, 'buy', '2', '0.6')).status).toBe(201);
    await t.runPeriod(period);

    const detail = (await call('GET', `/api/periods/${period}`)).body;
    expect(detail.trades.map((x: Json) => x.quantity)).toEqual(['1.500']);
    const capacity = (await call('GET', `/api/grid/capacity?period=${period}`)).body;
    expect(capacity.cuts).toEqual([
      expect.objectContaining({
        sellerId: solar.id,
        buyerId: shop.id,
        limit: 'sellerFeeder',
        limitId: 1,
        granted: '1.500',
      }),
    ]);
    expect(capacity.assets).toEqual([
      { asset: 'feeder', id: 1, transformer: 7, limit: '1.500', periodLimit: '1.500', used: '1.500' },
      { asset: 'feeder', id: 2, transformer: 0, limit: null, periodLimit: null, used: '0.000' },
      { asset: 'transformer', id: 7, limit: null, periodLimit: null, used: '0.000' },
    ]);
  }, 240_000);
});
