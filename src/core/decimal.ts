import { MarketInputError } from './errors.ts';

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string into an integer count of 10^-scale units, exactly.
 * "0.43" at scale 3 is 430n. More fractional digits than `scale` are refused, never rounded,
 * because a silently rounded quantity or price would move money the user did not ask for.
 */
export function parseDecimal(
  text: unknown,
  scale: number,
  field: string,
  options: { allowNegative?: boolean; unit?: string } = {},
): bigint {
  if (typeof text !== 'string') {
    throw new MarketInputError(field, `expected a decimal string such as "0.25", got ${describe(text)}`);
  }
  const match = DECIMAL.exec(text);
  if (match === null) {
    throw new MarketInputError(field, `"${text}" is not a decimal number`);
  }
  const [, sign, whole, fraction = ''] = match;
  if (sign !== undefined && !options.allowNegative) {
    throw new MarketInputError(field, `must not be negative, got "${text}"`);
  }
  if (fraction.length > scale) {
    const step = scale === 0 ? '1' : `0.${'0'.repeat(scale - 1)}1`;
    const unit = options.unit === undefined ? '' : ` ${options.unit}`;
    throw new MarketInputError(
      field,
      `"${text}" has more than ${scale} decimal places (the smallest step is ${step}${unit})`,
    );
  }
  const digits = `${whole}${fraction.padEnd(scale, '0')}`;
  const value = BigInt(digits);
  return sign === undefined ? value : -value;
}

/**
 * Prints an integer count of 10^-scale units as an exact decimal string: the shortest one, or with
 * at least `minFractionDigits` places (to echo the precision a person wrote, "0.70" for "0.70").
 */
export function formatDecimal(value: bigint, scale: number, minFractionDigits = 0): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const trimmed = digits.slice(digits.length - scale).replace(/0+$/, '');
  const wanted = trimmed.length > minFractionDigits ? trimmed.length : minFractionDigits;
  const keep = wanted < scale ? wanted : scale;
  const fraction = digits.slice(digits.length - scale, digits.length - scale + keep);
  const body = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return negative ? `-${body}` : body;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'number') return `the JSON number ${String(value)} (write it as a string)`;
  return `a ${typeof value}`;
}

/** The number of fractional digits a decimal string was written with ("0.70" → 2). */
export function writtenScale(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}
