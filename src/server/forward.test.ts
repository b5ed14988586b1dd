import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, signUpFunded, startTestService, type TestService } from './testing/testService.ts';

/** Forward rights (large-user direct purchase) through the API, on a real embedded chain. */
describe('forward rights API', () => {
  let t: TestService;
  let operator: string;
  let solar: { token: string; id: number };
  let factory: { token: string; id: number };
  let mill: { token: string; id: number };
  let household: { token: string; id: number };
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string) =>
    callApi(t, method, url, body, token);

  beforeAll(async () => {
    t = await startTestService({ caseStudy: false });
    operator = (
      await call('POST', '/api/session', { username: 'operator', password: t.service.operatorPassword })
    ).body.token;
    solar = await signUpFunded(t, operator, 'solar', 'producer');
    factory = await signUpFunded(t, operator, 'factory', 'consumer');
    mill = await signUpFunded(t, operator, 'mill', 'consumer');
    household = await signUpFunded(t, operator, 'household', 'consumer');
  }, 120_000);
  afterAll(async () => await t?.stop());

  it('registers, issues, sells and resells rights; the region collects its fee; the holder may not bid', async () => {
    for (const p of [factory, mill])
      expect(
        (await call('PUT', `/api/forward/participants/${p.id}`, { largeUser: true }, operator)).status,
      ).toBe(200);
    expect((await call('PUT', `/api/forward/participants/${solar.id}`, { region: 7 }, operator)).status).toBe(
      200,
    );
    const fee = await call('PUT', '/api/forward/regions/7', { fee: '0.015' }, operator);
    expect(fee.body.fee).toBe('0.015');

    const { earliestPeriod } = (await call('GET', '/api/forward')).body;
    const first = earliestPeriod + 1;
    const registered = await call(
      'POST',
      '/api/forward/offers',
      { firstPeriod: first, lastPeriod: first + 1, energy: '2', price: '0.4' },
      solar.token,
    );
    expect(registered.status).toBe(200);
    const offerId = registered.body.createdId;
    expect((await call('POST', `/api/forward/offers/${offerId}/issue`, undefined, solar.token)).status).toBe(
      403,
    );
    expect((await call('POST', `/api/forward/offers/${offerId}/issue`, undefined, operator)).status).toBe(
      200,
    );

    const bought = await call(
      'POST',
      `/api/forward/offers/${offerId}/purchases`,
      { energy: '1.5' },
      factory.token,
    );
    expect(bought.status).toBe(200);
    const sale = await call(
      'POST',
      '/api/forward/sales',
      { offerId, buyerId: mill.id, energy: '0.5', price: '0.45' },
      factory.token,
    );
    expect(sale.status).toBe(200);
    expect(
      (await call('POST', `/api/forward/sales/${sale.body.createdId}/accept`, undefined, mill.token)).status,
    ).toBe(200);

    const listing = (await call('GET', '/api/forward')).body;
    expect(listing.offers[0]).toMatchObject({
      offerId,
      issued: true,
      energy: '2',
      sold: '1.5',
      region: 7,
      fee: '0.015',
    });
    // 1.5 kWh in each of two periods at 0.015 per kWh.
    expect(listing.regions.find((r: { region: number }) => r.region === 7)).toMatchObject({
      collected: '0.045',
    });
    expect(listing.sales).toEqual([]);
    const standing = (await call('GET', `/api/forward/participants/${mill.id}`)).body;
    expect(standing).toMatchObject({ largeUser: true, holdings: [{ offerId, energy: '0.5', periods: 2 }] });

    // A holder's flow in the offer's periods is the forward delivery's: the bid book refuses its bids.
    const bid = await call(
      'POST',
      '/api/bids',
      { side: 'buy', quantity: '1', price: '0.5', period: first },
      mill.token,
    );
    expect(bid.status).toBe(409);
    expect(bid.body.error.field).toBe('period');
    expect(bid.body.error.message).toContain('forward');
    const producerBid = await call(
      'POST',
      '/api/bids',
      { side: 'sell', quantity: '1', price: '0.5', period: first + 1 },
      solar.token,
    );
    expect(producerBid.status).toBe(409);
    // Outside the window they bid as usual.
    expect(
      (
        await call(
          'POST',
          '/api/bids',
          { side: 'buy', quantity: '1', price: '0.5', period: first + 2 },
          mill.token,
        )
      ).status,
    ).toBe(201);
  });

  it('refuses bad requests naming the field, and writes nothing', async () => {
    const { earliestPeriod, offers } = (await call('GET', '/api/forward')).body;
    const offer = { firstPeriod: earliestPeriod, lastPeriod: earliestPeriod, energy: '1', price: '0.4' };
    for (const [body, field, token] of [
      [{ ...offer, energy: 'lots' }, 'energy', solar.token],
      [{ ...offer, energy: '0' }, 'energy', solar.token],
      [{ ...offer, price: '0' }, 'price', solar.token],
      [
        { ...offer, firstPeriod: earliestPeriod - 1, lastPeriod: earliestPeriod - 1 },
        'firstPeriod',
        solar.token,
      ],
      [{ ...offer, lastPeriod: earliestPeriod - 1 }, 'lastPeriod', solar.token],
      [offer, 'participantId', household.token],
    ] as const) {
      const answer = await call('POST', '/api/forward/offers', body, token);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.field).toBe(field);
    }
    const purchase = await call(
      'POST',
      '/api/forward/offers/1/purchases',
      { energy: '0.1' },
      household.token,
    );
    expect([purchase.status, purchase.body.error.field]).toEqual([400, 'participantId']);
    const tooMuch = await call('POST', '/api/forward/offers/1/purchases', { energy: '5' }, factory.token);
    expect([tooMuch.status, tooMuch.body.error.field]).toEqual([400, 'energy']);
    const unknown = await call('POST', '/api/forward/sales/99/accept', undefined, mill.token);
    expect([unknown.status, unknown.body.error.field]).toEqual([400, 'saleId']);
    const toSelf = await call(
      'POST',
      '/api/forward/sales',
      { offerId: 1, buyerId: mill.id, energy: '0.1', price: '0.4' },
      mill.token,
    );
    expect([toSelf.status, toSelf.body.error.field]).toEqual([400, 'buyerId']);
    expect(
      (await call('PUT', `/api/forward/participants/${solar.id}`, { largeUser: true }, operator)).body.error
        .field,
    ).toBe('participantId');
    expect((await call('PUT', '/api/forward/regions/1', { fee: '0.01' }, factory.token)).status).toBe(403);
    expect((await call('GET', '/api/forward')).body.offers).toEqual(offers);
  });
  // Last: it moves the clock past the first offer's trading.
  it('refuses at its commit a bid placed before its participant bought rights for the period', async () => {
    const { earliestPeriod } = (await call('GET', '/api/forward')).body;
    const period = earliestPeriod + 3;
    const placed = await call(
      'POST',
      '/api/bids',
      { side: 'buy', quantity: '1', price: '0.5', period },
      factory.token,
    );
    expect(placed.status).toBe(201);
    const offer = await call(
      'POST',
      '/api/forward/offers',
      { firstPeriod: period, lastPeriod: period, energy: '1', price: '0.4' },
      solar.token,
    );
    await call('POST', `/api/forward/offers/${offer.body.createdId}/issue`, undefined, operator);
    const bought = await call(
      'POST',
      `/api/forward/offers/${offer.body.createdId}/purchases`,
      { energy: '0.5' },
      factory.token,
    );
    expect(bought.status).toBe(200);
    await t.advanceTo(t.windowsOf(BigInt(period)).commitOpens + 1n);
    const { bids } = (await call('GET', `/api/bids?participant=${factory.id}`, undefined, factory.token))
      .body;
    const bid = bids.find((b: { period: number }) => b.period === period);
    expect(bid.status).toBe('refused');
    expect(bid.error).toContain('BidUnitHasForwardSchedule');
  });
});
