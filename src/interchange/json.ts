/** Small readers for the interchange JSON: each names the field it refuses and why. */
import { MarketInputError } from '../core/errors.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

export function expectObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MarketInputError(field, `expected a JSON object, got ${kindOf(value)}`);
  }
  return value as JsonObject;
}

export function expectArray(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new MarketInputError(field, `expected a JSON array, got ${kindOf(value)}`);
  return value;
}

export function expectString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new MarketInputError(field, `expected a non-empty string, got ${kindOf(value)}`);
  }
  return value;
}

export function expectBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new MarketInputError(field, `expected true or false, got ${kindOf(value)}`);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const list = allowed.map((a) => `"${a}"`).join(' or ');
  throw new MarketInputError(field, `expected ${list}, got ${kindOf(value)}`);
}

export function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return `a ${typeof value}`;
}
