/**
 * Packed BCD as DL/T 645 carries it: two decimal digits per byte, least significant byte first.
 * Signed formats use the top bit of the most significant byte as the sign.
 */
import { MeterDataError } from './errors.ts';

/** Decodes `bytes` (low byte first) into an integer. */
export function decodeBcd(bytes: Uint8Array, field: string, options: { signed?: boolean } = {}): bigint {
  let value = 0n;
  let negative = false;
  for (let i = bytes.length - 1; i >= 0; i--) {
    let byte = bytes[i]!;
    if (options.signed && i === bytes.length - 1 && byte & 0x80) {
      negative = true;
      byte &= 0x7f;
    }
    const high = byte >> 4;
    const low = byte & 0x0f;
    if (high > 9 || low > 9) {
      throw new MeterDataError(field, `byte 0x${byte.toString(16).padStart(2, '0')} is not two BCD digits`);
    }
    value = value * 100n + BigInt(high * 10 + low);
  }
  return negative ? -value : value;
}

/** Encodes an integer into `length` BCD bytes, low byte first. */
export function encodeBcd(
  value: bigint,
  length: number,
  field: string,
  options: { signed?: boolean } = {},
): Uint8Array {
  const negative = value < 0n;
  if (negative && !options.signed) throw new MeterDataError(field, `must not be negative, got ${value}`);
  let magnitude = negative ? -value : value;
  if (magnitude >= 10n ** BigInt(length * 2))
    throw new MeterDataError(field, `${value} does not fit ${length} BCD bytes`);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const pair = Number(magnitude % 100n);
    magnitude /= 100n;
    bytes[i] = (Math.trunc(pair / 10) << 4) | (pair % 10);
  }
  // A signed value keeps the top bit free for its sign.
  if (options.signed && bytes[length - 1]! & 0x80) {
    throw new MeterDataError(field, `${value} does not fit ${length} signed BCD bytes`);
  }
  if (negative) bytes[length - 1]! |= 0x80;
  return bytes;
}

/** One two-digit field of a packed date or time (YY, MM, DD, WW, hh, mm, ss) and its valid range. */
export interface DigitField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/**
 * Packs two-digit fields, most significant first as written (YYMMDDWW), into BCD bytes sent low byte
 * first — so the last field written is the first byte on the wire.
 */
export function encodeDigitFields(
  fields: readonly DigitField[],
  values: readonly number[],
  field: string,
): Uint8Array {
  let packed = 0n;
  fields.forEach((f, i) => {
    const value = values[i]!;
    if (!Number.isInteger(value) || value < f.min || value > f.max)
      throw new MeterDataError(`${field}.${f.name}`, `${value} is outside ${f.min}–${f.max}`);
    packed = packed * 100n + BigInt(value);
  });
  return encodeBcd(packed, fields.length, field);
}

/** The inverse of encodeDigitFields: refuses a field outside its range (a month of 13 is no date). */
export function decodeDigitFields(fields: readonly DigitField[], bytes: Uint8Array, field: string): number[] {
  const packed = decodeBcd(bytes, field);
  return fields.map((f, i) => {
    const value = Number((packed / 100n ** BigInt(fields.length - 1 - i)) % 100n);
    if (value < f.min || value > f.max)
      throw new MeterDataError(`${field}.${f.name}`, `${value} is outside ${f.min}–${f.max}`);
    return value;
  });
}
