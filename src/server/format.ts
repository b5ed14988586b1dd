/** Records as the API writes them: amounts as decimal strings, ids and blocks as numbers. */
import { formatKwh, formatMoney, formatPricePerKwh } from '../core/units.ts';
import type { PeriodWindows } from '../core/periodClock.ts';
import type { Location } from '../app/readModel.ts';

export const kwh = (wh: bigint): string => formatKwh(wh, 3);
export const money = (baseUnits: bigint): string => formatMoney(baseUnits);
export const price = (pricePerWh: bigint): string => formatPricePerKwh(pricePerWh);

/** An average price kept as a fraction, per kWh, rounded down to the price's own precision. */
export const averagePrice = (a: { value: bigint; quantityWh: bigint } | null): string | null =>
  a === null || a.quantityWh === 0n ? null : formatPricePerKwh(a.value / a.quantityWh);

export const location = (l: {
  transactionHash: Location['transactionHash'];
  blockNumber: number | bigint;
}) => ({
  transactionHash: l.transactionHash,
  blockNumber: Number(l.blockNumber),
});

export const windows = (w: PeriodWindows) => ({
  commitOpens: Number(w.commitOpens),
  commitCloses: Number(w.commitCloses),
  revealCloses: Number(w.revealCloses),
  deliveryStarts: Number(w.deliveryStarts),
  deliveryEnds: Number(w.deliveryEnds),
  readingDeadline: Number(w.readingDeadline),
});

/** A value with bigints (contract arguments, decoded events) as JSON: the bigints as decimal strings. */
export const jsonSafe = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

/** Schema fragments shared by routes. */
export const S = {
  str: { type: 'string' },
  num: { type: 'integer' },
  bool: { type: 'boolean' },
  nullableStr: { type: ['string', 'null'] },
  hash: { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$' },
  /** A delivery period as the contracts keep it (24 bits, from 1). */
  period: { type: 'integer', minimum: 1, maximum: 2 ** 24 - 1 },
  locationProps: {
    transactionHash: { type: 'string' },
    blockNumber: { type: 'integer' },
  },
  windows: {
    type: 'object',
    properties: {
      commitOpens: { type: 'integer' },
      commitCloses: { type: 'integer' },
      revealCloses: { type: 'integer' },
      deliveryStarts: { type: 'integer' },
      deliveryEnds: { type: 'integer' },
      readingDeadline: { type: 'integer' },
    },
  },
  idParams: {
    type: 'object',
    properties: { id: { type: 'integer', minimum: 1 } },
    required: ['id'],
  },
} as const;

/** A decimal amount in a request: a string, so no precision is lost on the way. */
export const decimalString = { type: 'string', minLength: 1, maxLength: 80 } as const;
