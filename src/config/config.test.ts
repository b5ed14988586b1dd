import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError, describeConfig } from './config.ts';

describe('buildConfig', () => {
  it('runs the embedded mode with the reference parameters by default', () => {
    const config = buildConfig(undefined, 'defaults', '/srv');
    expect(config.dataDir).toBe('/srv/data');
    expect(config.chain).toEqual({ mode: 'embedded', port: 0, stateIntervalSeconds: 5 });
    expect(config.market).toMatchObject({
      periodSeconds: 900,
      shortfallFactorPpm: 1_100_000n,
      penaltyRatePpm: 50_000n,
      marginAmount: 10n ** 17n,
    });
    expect(describeConfig(config).market).toMatchObject({
      margin: '0.1',
      shortfallFactor: '1.1',
      referencePrice: '0.5',
    });
  });

  it('takes file values over defaults and flags over the file', () => {
    const config = buildConfig({ dataDir: 'state', market: { penaltyRate: '0.1' } }, 'w.json', '/srv', {
      dataDir: '/elsewhere',
    });
    expect(config.dataDir).toBe('/elsewhere');
    expect(config.market.penaltyRatePpm).toBe(100_000n);
    expect(config.market.rewardRatePpm).toBe(10_000n);
  });

  it('takes the market rules, none by default', () => {
    expect(buildConfig(undefined, 'defaults', '/srv').market).toMatchObject({
      pricing: 'mid',
      priceFloorPerWh: 0n,
      priceCapPerWh: 0n,
      sellerShareCapBps: 0,
    });
    const market = { pricing: 'uniform', priceFloor: '0.3', priceCap: '1.5', sellerShareCap: '0.25' };
    const config = buildConfig({ market }, 'w.json', '/srv');
    expect(config.market).toMatchObject({
      pricing: 'uniform',
      priceFloorPerWh: 300_000_000_000_000n,
      priceCapPerWh: 1_500_000_000_000_000n,
      sellerShareCapBps: 2_500,
    });
    expect(describeConfig(config).market).toMatchObject(market);
  });

  it('runs the periodic market by default; the continuous one when chosen, without the case study', () => {
    expect(buildConfig(undefined, 'defaults', '/srv').market).toMatchObject({
      mechanism: 'periodic',
      gateClosureSeconds: 300,
    });
    const file = {
      market: { mechanism: 'continuous', gateClosureSeconds: 60 },
      caseStudy: { enabled: false },
    };
    const config = buildConfig(file, 'w.json', '/srv');
    expect(config.market).toMatchObject({ mechanism: 'continuous', gateClosureSeconds: 60 });
    expect(describeConfig(config).market).toMatchObject(file.market);
  });

  it.each([
    [
      { market: { mechanism: 'sealed' } },
      'w.json: market.mechanism: must be "periodic" or "continuous", got "sealed"',
    ],
    [
      { market: { mechanism: 'continuous' } },
      'w.json: caseStudy.enabled: the case study bids sealed bids in periodic auctions; set it to false with market.mechanism "continuous"',
    ],
    [
      { market: { gateClosureSeconds: 901 } },
      'w.json: market.gateClosureSeconds: must be a whole number from 0 to 900, got 901',
    ],
    [
      { market: { periodSeconds: 10 } },
      'w.json: market.periodSeconds: must be a whole number from 60 to 86400, got 10',
    ],
    [
      { market: { commitSeconds: 500, revealSeconds: 400 } },
      'w.json: market.revealSeconds: commitSeconds + revealSeconds must leave time to clear within periodSeconds (900)',
    ],
    [
      { market: { margin: -1 } },
      'w.json: market.margin: expected a decimal string such as "0.25", got the JSON number -1 (write it as a string)',
    ],
    [{ market: { rewardRate: '2' } }, 'w.json: market.rewardRate: must be at most 1'],
    [{ market: { referencePrice: '0' } }, 'w.json: market.referencePrice: must be greater than zero'],
    [
      { market: { pricing: 'pay-as-bid' } },
      'w.json: market.pricing: must be "mid" or "uniform", got "pay-as-bid"',
    ],
    [
      { market: { priceFloor: '2', priceCap: '1' } },
      'w.json: market.priceFloor: must not be above market.priceCap (0 means none)',
    ],
    [{ market: { sellerShareCap: '1.01' } }, 'w.json: market.sellerShareCap: must be at most 1 (the whole)'],
    [
      { market: { sellerShareCap: '0.12345' } },
      'w.json: market.sellerShareCap: "0.12345" has more than 4 decimal places (the smallest step is 0.0001)',
    ],
    [{ chain: { mode: 'cloud' } }, 'w.json: chain.mode: must be "embedded" or "rpc", got "cloud"'],
    [
      { chain: { mode: 'rpc', url: 'ftp://x' } },
      'w.json: chain.url: must be an http(s) JSON-RPC address, got "ftp://x"',
    ],
    [
      { colour: 'blue' },
      'w.json: colour: unknown setting (known: dataDir, chain, market, token, maxClearingEntriesPerTransaction, server, clock, caseStudy, keys)',
    ],
    [[], 'w.json: (root): expected a JSON object'],
    [{ clock: { speed: 0 } }, 'w.json: clock.speed: must be a whole number from 1 to 3600, got 0'],
    [
      { chain: { mode: 'rpc', url: 'http://node:8545' }, clock: { speed: 10 } },
      'w.json: clock.speed: must be 1 on a JSON-RPC network: only the embedded chain can move its clock',
    ],
    [
      { chain: { mode: 'rpc', url: 'http://node:8545' }, clock: { speed: 1 } },
      'w.json: keys.passwordFile: a JSON-RPC network needs the file holding the password of the platform keystores',
    ],
    [{ server: { port: 70000 } }, 'w.json: server.port: must be a whole number from 0 to 65535, got 70000'],
    [{ caseStudy: { enabled: 'yes' } }, 'w.json: caseStudy.enabled: must be true or false, got "yes"'],
  ])('refuses %j naming the field', (file, message) => {
    expect(() => buildConfig(file, 'w.json', '/srv')).toThrow(ConfigError);
    expect(() => buildConfig(file, 'w.json', '/srv')).toThrow(message);
  });
});
