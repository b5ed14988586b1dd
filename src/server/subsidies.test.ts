import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  nextOpenPeriod,
  startTestService,
  type Json,
  type TestService,
} from './testing/testService.ts';

/** Subsidies through the API, with the case study's participants trading on a real embedded chain. */
describe('subsidies API', () => {
  let t: TestService;
  let operator: string;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string) =>
    callApi(t, method, url, body, token);
  const nextPeriod = () => nextOpenPeriod(t);

  beforeAll(async () => {
    t = await startTestService();
    operator = (
      await call('POST', '/api/session', { username: 'operator', password: t.service.operatorPassword })
    ).body.token;
  }, 120_000);
  afterAll(async () => await t?.stop());

  it('lets only the operator set subsidies up, and refuses bad terms naming the field', async () => {
    const carol = await call('POST', '/api/participants', {
      username: 'carol',
      password: 'carol-password',
      name: 'Carol',
      kind: 'consumer',
      greenSupply: false,
      greenPreference: false,
    });
    expect(carol.status).toBe(201);
    const asCarol = carol.body.token as string;
    expect((await call('PUT', '/api/subsidies/first-use-bonus', { amount: '1' }, asCarol)).status).toBe(403);
    expect(
      (await call('POST', '/api/subsidies/funding', { amount: '1', reference: 'x' }, asCarol)).status,
    ).toBe(403);
    // A participant sees its own coupons, not another's.
    expect((await call('GET', '/api/participants/1/subsidies', undefined, asCarol)).status).toBe(403);
    const current = Number(await t.service.context.platform.read.market.read.currentPeriod());
    for (const [body, field] of [
      [{ year: 2026, value: 'lots', expiresAfterPeriod: current + 50 }, 'value'],
      [{ year: 2026, value: '0', expiresAfterPeriod: current + 50 }, 'value'],
      [{ year: 2026, value: '1', expiresAfterPeriod: current }, 'expiresAfterPeriod'],
      [{ year: 1999, value: '1', expiresAfterPeriod: current + 50 }, 'year'],
    ] as const) {
      const refused = await call('POST', '/api/subsidies/coupons', body, operator);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect((await call('GET', '/api/subsidies')).body.programmes).toEqual([]);
  });

  it('pays first-use bonuses and redeems coupons on the next purchases, with hashes and reasons', async () => {
    const funded = await call(
      'POST',
      '/api/subsidies/funding',
      { amount: '100', reference: 'MOF-2026-0042' },
      operator,
    );
    expect(funded.status).toBe(200);
    expect(funded.body).toMatchObject({ balance: '100' });
    expect(
      (await call('PUT', '/api/subsidies/first-use-bonus', { amount: '0.5' }, operator)).body.firstUseBonus,
    ).toBe('0.5');
    const current = Number(await t.service.context.platform.read.market.read.currentPeriod());
    const issued = await call(
      'POST',
      '/api/subsidies/coupons',
      { year: 2026, value: '0.05', expiresAfterPeriod: current + 40 },
      operator,
    );
    expect(issued.status).toBe(200);
    expect(issued.body.programme).toMatchObject({ programmeId: 1, year: 2026, value: '0.05' });
    expect(issued.body.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    const again = await call(
      'POST',
      '/api/subsidies/coupons',
      { year: 2026, value: '1', expiresAfterPeriod: current + 40 },
      operator,
    );
    expect(again.status).toBe(409);

    await t.runPeriod(await nextPeriod());
    await t.runPeriod(await nextPeriod());
    const pool = (await call('GET', '/api/subsidies')).body;
    expect(Number(pool.balance)).toBeLessThan(100);
    // The case study's four participants registered before the issue; each traded and got its bonus,
    // and the buyers (EV charging and the regular load) redeemed their coupons.
    const views = await Promise.all(
      [1, 2, 3, 4].map((id) => call('GET', `/api/participants/${id}/subsidies`, undefined, operator)),
    );
    const traded = views.filter((v) => v.body.firstUsePaid);
    expect(traded.length).toBeGreaterThanOrEqual(3);
    const redeemed = views.filter((v) => v.body.coupons[0].status === 'redeemed');
    expect(redeemed.length).toBeGreaterThanOrEqual(1);
    for (const view of redeemed) {
      const amounts = view.body.payments.map((p: Json) => p.amount);
      expect(amounts).toContain('0.5');
      expect(view.body.payments.every((p: Json) => /^0x[0-9a-f]{64}$/.test(p.transactionHash))).toBe(true);
    }
    // Carol signed up before the issue and holds a coupon; Dave, signing up now, holds none.
    const dave = await call('POST', '/api/participants', {
      username: 'dave',
      password: 'dave-password',
      name: 'Dave',
      kind: 'consumer',
      greenSupply: false,
      greenPreference: false,
    });
    const coupons = async (id: number) =>
      (await call('GET', `/api/participants/${id}/subsidies`, undefined, operator)).body.coupons[0].status;
    expect(await coupons(5)).toBe('available');
    expect(await coupons(dave.body.participant.id)).toBe('not-eligible');
    // Each payment is a statement line with reason subsidy, and the books add up to the pool's spend.
    let paid = 0;
    for (const id of [1, 2, 3, 4]) {
      const statement = (await call('GET', `/api/participants/${id}/statement`, undefined, operator)).body;
      for (const line of statement.lines.filter((l: Json) => l.reason === 'subsidy'))
        paid += Number(line.amount);
    }
    expect(paid).toBeCloseTo(100 - Number(pool.balance), 12);
  }, 240_000);
});
