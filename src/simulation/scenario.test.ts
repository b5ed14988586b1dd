import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from './scenario.ts';
import { ScenarioError } from './scenarioError.ts';

const caseStudy = JSON.parse(readFileSync('scenarios/case-study.json', 'utf8')) as Record<string, unknown> & {
  participants: Record<string, unknown>[];
};

const refusal = (json: unknown) => {
  try {
    parseScenario(json, 'scenarios/x.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message;
  }
  throw new Error('the scenario was accepted');
};

const withParticipant = (index: number, change: Record<string, unknown>) => ({
  ...caseStudy,
  participants: caseStudy.participants.map((p, i) => (i === index ? { ...p, ...change } : p)),
});

describe('scenario files', () => {
  it('reads the bundled scenarios', () => {
    const s = loadScenario('scenarios/case-study.json');
    expect(s.participants.map((p) => p.name)).toEqual([
      'Wind producer',
      'Controllable source',
      'EV charging',
      'Regular load',
    ]);
    expect(s.periods).toBe(96);
    expect(s.market.shortfallFactorPpm).toBe(1_100_000n);
    expect(loadScenario('scenarios/feeder.json').participants).toHaveLength(100);
  });

  it('reads the market-power safeguards, and names a bad one', () => {
    const market = caseStudy.market as object;
    const s = parseScenario(
      {
        ...caseStudy,
        market: { ...market, pricing: 'uniform', priceFloor: '0.3', priceCap: '0.9', sellerShareCap: '0.25' },
      },
      'scenarios/x.json',
    );
    expect(s.market).toMatchObject({
      pricing: 'uniform',
      priceFloorPerWh: 300_000_000_000_000n,
      priceCapPerWh: 900_000_000_000_000n,
      sellerShareCapBps: 2_500,
    });
    // Absent: mid-price, no bounds, no cap.
    expect(parseScenario(caseStudy, 'x.json').market).toMatchObject({
      pricing: 'mid',
      priceFloorPerWh: 0n,
      priceCapPerWh: 0n,
      sellerShareCapBps: 0,
    });
    expect(refusal({ ...caseStudy, market: { ...market, pricing: 'pay-as-bid' } })).toBe(
      'scenarios/x.json: market.pricing: must be one of "mid", "uniform", got "pay-as-bid"',
    );
    expect(refusal({ ...caseStudy, market: { ...market, priceFloor: '0.9', priceCap: '0.3' } })).toBe(
      'scenarios/x.json: market.priceFloor: must not be above priceCap (0 means none)',
    );
    expect(refusal({ ...caseStudy, market: { ...market, sellerShareCap: '1.5' } })).toMatch(
      /^scenarios\/x\.json: market\.sellerShareCap: /,
    );
  });

  it('names the file, the field and the reason', () => {
    expect(refusal(withParticipant(2, { strategy: { type: 'markup', markup: 5 } }))).toBe(
      'scenarios/x.json: participants[2].strategy.markup: must be a decimal string, got 5',
    );
    expect(refusal(withParticipant(0, { profile: { type: 'ev', chargers: 1, powerKw: '3' } }))).toBe(
      'scenarios/x.json: participants[0].profile.type: a producer cannot have a "ev" profile (allowed: wind, pv, controllable, series)',
    );
    expect(refusal(withParticipant(1, { deposit: '1.0000000000000000001' }))).toBe(
      'scenarios/x.json: participants[1].deposit: "1.0000000000000000001" has more than 18 decimal places (the smallest step is 0.000000000000000001)',
    );
    expect(refusal(withParticipant(3, { colour: 'red' }))).toMatch(
      /participants\[3\]\.colour: unknown field/,
    );
    expect(refusal({ ...caseStudy, periods: 0 })).toBe(
      'scenarios/x.json: periods: must be a whole number from 1 to 672, got 0',
    );
    expect(refusal(withParticipant(1, { name: 'Wind producer' }))).toBe(
      'scenarios/x.json: participants[1].name: "Wind producer" is used by an earlier participant',
    );
    expect(refusal({ ...caseStudy, market: { ...(caseStudy.market as object), margin: undefined } })).toBe(
      'scenarios/x.json: market.margin: must be a decimal string, got nothing (the field is missing)',
    );
  });

  it('takes an optional reputation weight from 0 to 1 (absent: off)', () => {
    expect(loadScenario('scenarios/case-study.json').market.reputationWeightPpm).toBe(0n);
    const market = (reputationWeight: string) => ({
      ...caseStudy,
      market: { ...(caseStudy.market as object), reputationWeight },
    });
    expect(parseScenario(market('0.05'), 'x.json').market.reputationWeightPpm).toBe(50_000n);
    expect(refusal(market('1.5'))).toBe(
      'scenarios/x.json: market.reputationWeight: must be from 0 (reputation off) to 1 (only the last period counts)',
    );
    expect(refusal(market('-0.1'))).toMatch(/^scenarios\/x\.json: market\.reputationWeight: /);
  });

  it('takes a series profile with one value per period', () => {
    const series = { type: 'series', kwh: Array.from({ length: 96 }, () => '0.25') };
    const s = parseScenario(withParticipant(3, { profile: series }), 'x.json');
    expect(s.participants[3]!.profile).toEqual({
      type: 'series',
      wh: Array.from({ length: 96 }, () => 250n),
    });
    expect(refusal(withParticipant(3, { profile: { type: 'series', kwh: ['1'] } }))).toBe(
      'scenarios/x.json: participants[3].profile.kwh: must have one value per period (96), got 1',
    );
  });

  it('refuses a missing file by name', () => {
    expect(() => loadScenario('scenarios/none.json')).toThrow('scenarios/none.json: (file): no such file');
  });
});
