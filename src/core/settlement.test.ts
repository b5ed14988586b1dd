import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REFERENCE_PARAMETERS, settlePosition, type Position } from './settlement.ts';
import type { AveragePrice } from './trade.ts';
import { parseMoney } from './units.ts';

// A = 0.757 per kWh = 757e15 base units per kWh = (757e15 / 1000) per Wh.
const A: AveragePrice = { value: parseMoney('0.757', 'a'), quantityWh: 1000n };
const m = (text: string) => parseMoney(text, 'amount');
const settle = (position: Position) => settlePosition(position, A, REFERENCE_PARAMETERS);

describe('settlePosition: hand-computed examples (W′ 1.1, W″ 0.9, M′ 0.01, M″ 0.05, A 0.757)', () => {
  it('producer delivering too little pays the grid D·A·W′', () => {
    // declared 1.0, awarded 0.8, actual 0.5: D = 0.3; 0.3·0.757·1.1 = 0.24981.
    // E′ = 0.5 → reward 0.5·0.757·0.01 = 0.003785; E″ = 0.5 → penalty 0.5·0.757·0.05 = 0.018925.
    expect(settle({ side: 'sell', declaredWh: 1000n, awardedWh: 800n, actualWh: 500n })).toEqual({
      imbalanceWh: 300n,
      imbalanceAmount: -m('0.24981'),
      reward: m('0.003785'),
      penalty: m('0.018925'),
      incentiveNet: m('0.003785') - m('0.018925'),
      readingMissing: false,
    });
  });

  it('producer delivering too much is paid D·A·W″', () => {
    // awarded 0.4, actual 0.6: D = 0.2; 0.2·0.757·0.9 = 0.13626. declared 0.6 = actual: no penalty.
    const outcome = settle({ side: 'sell', declaredWh: 600n, awardedWh: 400n, actualWh: 600n });
    expect(outcome.imbalanceAmount).toBe(m('0.13626'));
    expect(outcome.reward).toBe(m('0.004542'));
    expect(outcome.penalty).toBe(0n);
  });

  it('consumer using more than bought pays D·A·W′ (the interchange example)', () => {
    const outcome = settle({ side: 'buy', declaredWh: 1000n, awardedWh: 400n, actualWh: 1100n });
    expect(outcome.imbalanceAmount).toBe(-m('0.58289'));
    expect(outcome.reward).toBe(m('0.00757'));
    expect(outcome.penalty).toBe(m('0.003785'));
    expect(outcome.incentiveNet).toBe(m('0.003785'));
  });

  it('consumer using less than bought is paid D·A·W″', () => {
    // awarded 0.5, actual 0.2: D = 0.3; 0.3·0.757·0.9 = 0.20439.
    expect(settle({ side: 'buy', declaredWh: 500n, awardedWh: 500n, actualWh: 200n }).imbalanceAmount).toBe(
      m('0.20439'),
    );
  });

  it('a missing reading moves no imbalance and forfeits the reward on the whole declaration', () => {
    expect(settle({ side: 'buy', declaredWh: 1000n, awardedWh: 400n, actualWh: null })).toEqual({
      imbalanceWh: 0n,
      imbalanceAmount: 0n,
      reward: 0n,
      penalty: m('0.03785'),
      incentiveNet: -m('0.03785'),
      readingMissing: true,
    });
  });

  it('rounds what the participant pays up and what it receives down', () => {
    // A = 1 base unit over 3 Wh; D = 1 Wh: exact amounts are 1.1/3 and 0.9/3 base units.
    const third: AveragePrice = { value: 1n, quantityWh: 3n };
    const short = settlePosition(
      { side: 'sell', declaredWh: 1n, awardedWh: 1n, actualWh: 0n },
      third,
      REFERENCE_PARAMETERS,
    );
    const surplus = settlePosition(
      { side: 'sell', declaredWh: 1n, awardedWh: 0n, actualWh: 1n },
      third,
      REFERENCE_PARAMETERS,
    );
    expect(short.imbalanceAmount).toBe(-1n);
    expect(surplus.imbalanceAmount).toBe(0n);
    expect(short.penalty).toBe(1n);
    expect(surplus.reward).toBe(0n);
  });
});

describe('settlePosition: properties', () => {
  it('is zero-imbalance and reward-only when the meter reads exactly the declaration and award', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.constantFrom('sell' as const, 'buy' as const),
        (q, side) => {
          const o = settle({ side, declaredWh: q, awardedWh: q, actualWh: q });
          expect(o.imbalanceAmount).toBe(0n);
          expect(o.penalty).toBe(0n);
          expect(o.incentiveNet).toBe(o.reward);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('charges the shortfall at least as much as it pays the same surplus', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        (award, d) => {
          const short = settle({
            side: 'sell',
            declaredWh: award,
            awardedWh: award,
            actualWh: award > d ? award - d : 0n,
          });
          const over = settle({ side: 'sell', declaredWh: award, awardedWh: award, actualWh: award + d });
          expect(
            -short.imbalanceAmount <= over.imbalanceAmount * 2n || short.imbalanceWh < over.imbalanceWh,
          ).toBe(true);
          expect(over.imbalanceAmount >= 0n && short.imbalanceAmount <= 0n).toBe(true);
        },
      ),
      { seed: 8, numRuns: 200 },
    );
  });
});
