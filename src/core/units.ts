/**
 * Units of the market. Every amount is an integer:
 * - energy in watt-hours (Wh); the smallest quantity step is 1 Wh;
 * - money in the settlement token's base units (18 decimals: 10^18 base units = 1 currency unit);
 * - prices in base units per Wh (so quantity × price is money, with no division);
 *   one currency unit per kWh is 10^15 base units per Wh;
 * - rates and factors (W', W'', M', M'') in parts per million.
 */
import { formatDecimal, parseDecimal } from './decimal.ts';
import { MarketInputError } from './errors.ts';

export const TOKEN_DECIMALS = 18;
/** Decimal places of a kWh figure that still fit a whole Wh. */
export const KWH_DECIMALS = 3;
/** Decimal places of a currency-per-kWh price that still fit a whole base unit per Wh. */
export const PRICE_DECIMALS = TOKEN_DECIMALS - KWH_DECIMALS;
export const RATE_DECIMALS = 6;
export const PPM = 1_000_000n;
export const WH_PER_KWH = 1_000n;
export const BASE_UNITS_PER_CURRENCY_UNIT = 10n ** BigInt(TOKEN_DECIMALS);

export const parseKwh = (text: unknown, field: string): bigint =>
  parseDecimal(text, KWH_DECIMALS, field, { unit: 'kWh' });
export const formatKwh = (wh: bigint, minFractionDigits = 0): string =>
  formatDecimal(wh, KWH_DECIMALS, minFractionDigits);

export const parsePricePerKwh = (text: unknown, field: string): bigint =>
  parseDecimal(text, PRICE_DECIMALS, field, { unit: 'per kWh' });
export const formatPricePerKwh = (pricePerWh: bigint): string => formatDecimal(pricePerWh, PRICE_DECIMALS);

export const parseMoney = (text: unknown, field: string): bigint => parseDecimal(text, TOKEN_DECIMALS, field);
export const formatMoney = (baseUnits: bigint): string => formatDecimal(baseUnits, TOKEN_DECIMALS);

export const parseRate = (text: unknown, field: string): bigint => parseDecimal(text, RATE_DECIMALS, field);
export const formatRate = (ppm: bigint): string => formatDecimal(ppm, RATE_DECIMALS);

/** A price bound (floor or cap) per kWh, as the contract keeps it: under 2^80 base units per Wh; 0 means none. */
export function parsePriceBound(text: unknown, field: string): bigint {
  const perWh = parsePricePerKwh(text, field);
  if (perWh >= 1n << 80n) throw new MarketInputError(field, 'is too large');
  return perWh;
}

export const BASIS_POINTS_DECIMALS = 4;
/** A fraction from 0 to 1 with up to 4 decimals, in basis points (0.25 → 2,500). */
export function parseBasisPoints(text: unknown, field: string): bigint {
  const bps = parseDecimal(text, BASIS_POINTS_DECIMALS, field);
  if (bps > 10_000n) throw new MarketInputError(field, 'must be at most 1 (the whole)');
  return bps;
}
export const formatBasisPoints = (bps: bigint): string => formatDecimal(bps, BASIS_POINTS_DECIMALS);

/** floor(a / b) for non-negative a and positive b. */
export const divFloor = (a: bigint, b: bigint): bigint => a / b;
/** ceil(a / b) for non-negative a and positive b. */
export const divCeil = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const absBig = (a: bigint): bigint => (a < 0n ? -a : a);
