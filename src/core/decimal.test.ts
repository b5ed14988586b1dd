import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDecimal, parseDecimal } from './decimal.ts';
import { MarketInputError } from './errors.ts';

describe('parseDecimal', () => {
  it('parses exact decimals into integer units', () => {
    expect(parseDecimal('0.43', 3, 'q')).toBe(430n);
    expect(parseDecimal('12', 3, 'q')).toBe(12_000n);
    expect(parseDecimal('0.730', 15, 'p')).toBe(730_000_000_000_000n);
    expect(parseDecimal('-1.5', 2, 'x', { allowNegative: true })).toBe(-150n);
  });

  it.each([
    [0.5, 'q: expected a decimal string such as "0.25", got the JSON number 0.5 (write it as a string)'],
    [undefined, 'q: expected a decimal string such as "0.25", got nothing (the field is missing)'],
    ['1e3', 'q: "1e3" is not a decimal number'],
    ['.5', 'q: ".5" is not a decimal number'],
    ['', 'q: "" is not a decimal number'],
    ['-1', 'q: must not be negative, got "-1"'],
    ['0.0001', 'q: "0.0001" has more than 3 decimal places (the smallest step is 0.001 kWh)'],
  ])('refuses %j naming the field', (input, message) => {
    const attempt = () => parseDecimal(input, 3, 'q', { unit: 'kWh' });
    expect(attempt).toThrow(MarketInputError);
    expect(attempt).toThrow(message);
  });
});

describe('formatDecimal', () => {
  it('prints the shortest exact decimal, or keeps the places asked for', () => {
    expect(formatDecimal(430n, 3)).toBe('0.43');
    expect(formatDecimal(700n, 3, 2)).toBe('0.70');
    expect(formatDecimal(-582_890_000_000_000_000n, 18)).toBe('-0.58289');
    expect(formatDecimal(5n, 18)).toBe('0.000000000000000005');
    expect(formatDecimal(0n, 18)).toBe('0');
  });

  it('round-trips every integer at every scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 18 }),
        (value, scale) => {
          expect(parseDecimal(formatDecimal(value, scale), scale, 'v', { allowNegative: true })).toBe(value);
        },
      ),
      { seed: 645, numRuns: 500 },
    );
  });
});
