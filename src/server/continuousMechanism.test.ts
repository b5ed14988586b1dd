/**
 * A deployment configured for the continuous market: the service starts on it, and the API says
 * which mechanism the market runs and with what settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './testing/testService.ts';

describe('the API on a continuous-market deployment', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService({
      caseStudy: false,
      market: { mechanism: 'continuous', gateClosureSeconds: 240 },
    });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const get = async (path: string) => {
    const response = await fetch(`${t.url}${path}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
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
});
