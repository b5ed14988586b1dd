import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, signUpFunded, startTestService, type TestService } from './testing/testService.ts';

/** Maintenance plans through the API, on a real embedded chain. */
describe('maintenance plans API', () => {
  let t: TestService;
  let operator: string;
  let solar: { token: string; id: number };
  let household: { token: string; id: number };
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string) =>
    callApi(t, method, url, body, token);
  const signUp = (username: string, kind: 'producer' | 'consumer') =>
    signUpFunded(t, operator, username, kind);

  beforeAll(async () => {
    t = await startTestService({ caseStudy: false });
    operator = (
      await call('POST', '/api/session', { username: 'operator', password: t.service.operatorPassword })
    ).body.token;
    solar = await signUp('solar', 'producer');
    household = await signUp('household', 'consumer');
  }, 120_000);
  afterAll(async () => await t?.stop());

  it('publishes a window, refuses the unit’s sell bids in it, and frees it when cancelled', async () => {
    const { earliestPeriod } = (await call('GET', '/api/maintenance')).body;
    const from = earliestPeriod + 1;
    const published = await call(
      'POST',
      '/api/maintenance',
      { participantId: solar.id, fromPeriod: from, toPeriod: from + 2, workOrder: 'WO-2026-117 inverter' },
      operator,
    );
    expect(published.status).toBe(200);
    expect(published.body.plan).toMatchObject({
      unitId: solar.id,
      fromPeriod: from,
      toPeriod: from + 2,
      cancelled: false,
      workOrder: 'WO-2026-117 inverter',
    });
    expect(published.body.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await call('GET', '/api/maintenance')).body.plans).toHaveLength(1);

    const sell = (period: number) =>
      call('POST', '/api/bids', { side: 'sell', quantity: '1', price: '0.5', period }, solar.token);
    const refused = await sell(from + 1);
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('period');
    expect(refused.body.error.message).toContain('maintenance');
    expect(refused.body.error.message).toContain('WO-2026-117 inverter');
    // Outside the window the unit sells as usual.
    expect((await sell(from + 3)).status).toBe(201);
    expect((await sell(from - 1)).status).toBe(201);

    const cancelled = await call(
      'DELETE',
      `/api/maintenance/${published.body.plan.planId}`,
      undefined,
      operator,
    );
    expect(cancelled.body.plan.cancelled).toBe(true);
    expect(
      (await call('DELETE', `/api/maintenance/${published.body.plan.planId}`, undefined, operator)).status,
    ).toBe(409);
    // The refused bid wrote nothing: the same period takes a bid now.
    expect((await sell(from + 1)).status).toBe(201);
  });

  it('refuses bad windows naming the field, and anyone but the operator', async () => {
    const { earliestPeriod } = (await call('GET', '/api/maintenance')).body;
    const window = {
      participantId: solar.id,
      fromPeriod: earliestPeriod,
      toPeriod: earliestPeriod,
      workOrder: 'WO-1',
    };
    for (const [body, field] of [
      [{ ...window, participantId: household.id }, 'participantId'],
      [{ ...window, participantId: 999 }, 'participantId'],
      [{ ...window, fromPeriod: earliestPeriod - 1, toPeriod: earliestPeriod }, 'fromPeriod'],
      [{ ...window, toPeriod: earliestPeriod - 1 }, 'toPeriod'],
      [{ ...window, toPeriod: earliestPeriod + 2880 }, 'toPeriod'],
      [{ ...window, workOrder: '工单'.repeat(6) }, 'workOrder'],
    ] as const) {
      const answer = await call('POST', '/api/maintenance', body, operator);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect((await call('POST', '/api/maintenance', window, solar.token)).status).toBe(403);
    expect((await call('DELETE', '/api/maintenance/1', undefined, solar.token)).status).toBe(403);
    expect((await call('DELETE', '/api/maintenance/77', undefined, operator)).status).toBe(404);
    expect((await call('GET', '/api/maintenance')).body.plans).toHaveLength(1);
  });
});
