/**
 * Data identifiers (DI3 DI2 DI1 DI0, sent DI0 first) and the formats of their values. Values stay
 * exact: a decimal register is an integer with a scale, never a float.
 */
import { decodeAddress, encodeAddress, type MeterAddress } from './address.ts';
import { decodeBcd, decodeDigitFields, encodeBcd, encodeDigitFields, type DigitField } from './bcd.ts';
import { MeterDataError } from './errors.ts';

export type ValueFormat =
  | {
      readonly kind: 'decimal';
      readonly bytes: number;
      readonly scale: number;
      readonly signed: boolean;
      readonly unit: string;
      readonly pattern: string;
    }
  | { readonly kind: 'date'; readonly bytes: 4; readonly pattern: 'YYMMDDWW' }
  | { readonly kind: 'time'; readonly bytes: 3; readonly pattern: 'hhmmss' }
  | { readonly kind: 'address'; readonly bytes: 6; readonly pattern: 'NNNNNNNNNNNN' };

export interface DataIdentifier {
  readonly id: number;
  readonly name: string;
  readonly format: ValueFormat;
}

export type MeterValue =
  | { readonly kind: 'decimal'; readonly units: bigint; readonly scale: number; readonly unit: string }
  | {
      readonly kind: 'date';
      readonly year: number;
      readonly month: number;
      readonly day: number;
      readonly weekday: number;
    }
  | { readonly kind: 'time'; readonly hour: number; readonly minute: number; readonly second: number }
  | { readonly kind: 'address'; readonly address: MeterAddress };

const energy = (signed: boolean): ValueFormat => ({
  kind: 'decimal',
  bytes: 4,
  scale: 2,
  signed,
  unit: 'kWh',
  pattern: 'XXXXXX.XX',
});
const voltage: ValueFormat = {
  kind: 'decimal',
  bytes: 2,
  scale: 1,
  signed: false,
  unit: 'V',
  pattern: 'XXX.X',
};
const current: ValueFormat = {
  kind: 'decimal',
  bytes: 3,
  scale: 3,
  signed: true,
  unit: 'A',
  pattern: 'XXX.XXX',
};

export const DATA_IDENTIFIERS: readonly DataIdentifier[] = [
  { id: 0x00000000, name: 'combined active total energy', format: energy(true) },
  { id: 0x00010000, name: 'forward active total energy', format: energy(false) },
  { id: 0x00020000, name: 'reverse active total energy', format: energy(false) },
  {
    id: 0x02030000,
    name: 'instantaneous total active power',
    format: { kind: 'decimal', bytes: 3, scale: 4, signed: true, unit: 'kW', pattern: 'XX.XXXX' },
  },
  { id: 0x02010100, name: 'phase A voltage', format: voltage },
  { id: 0x02010200, name: 'phase B voltage', format: voltage },
  { id: 0x02010300, name: 'phase C voltage', format: voltage },
  { id: 0x02020100, name: 'phase A current', format: current },
  { id: 0x02020200, name: 'phase B current', format: current },
  { id: 0x02020300, name: 'phase C current', format: current },
  { id: 0x04000101, name: 'date and week', format: { kind: 'date', bytes: 4, pattern: 'YYMMDDWW' } },
  { id: 0x04000102, name: 'time', format: { kind: 'time', bytes: 3, pattern: 'hhmmss' } },
  {
    id: 0x04000401,
    name: 'communication address',
    format: { kind: 'address', bytes: 6, pattern: 'NNNNNNNNNNNN' },
  },
  { id: 0x04000402, name: 'meter number', format: { kind: 'address', bytes: 6, pattern: 'NNNNNNNNNNNN' } },
];

export const DI = {
  combinedActiveEnergy: 0x00000000,
  forwardActiveEnergy: 0x00010000,
  reverseActiveEnergy: 0x00020000,
  activePower: 0x02030000,
  voltageA: 0x02010100,
  voltageB: 0x02010200,
  voltageC: 0x02010300,
  currentA: 0x02020100,
  currentB: 0x02020200,
  currentC: 0x02020300,
  date: 0x04000101,
  time: 0x04000102,
  address: 0x04000401,
  meterNumber: 0x04000402,
} as const;

export const formatDi = (id: number): string => id.toString(16).padStart(8, '0').toUpperCase();

export function parseDi(text: string, field = 'di'): number {
  if (!/^[0-9a-fA-F]{8}$/.test(text))
    throw new MeterDataError(field, `"${text}" is not a data identifier (8 hex digits such as 00010000)`);
  return Number.parseInt(text, 16);
}

export function findDataIdentifier(id: number): DataIdentifier | undefined {
  return DATA_IDENTIFIERS.find((d) => d.id === id);
}

export function requireDataIdentifier(id: number, field = 'di'): DataIdentifier {
  const found = findDataIdentifier(id);
  if (found === undefined) {
    throw new MeterDataError(
      field,
      `${formatDi(id)} is not a supported data identifier (supported: ${DATA_IDENTIFIERS.map((d) => formatDi(d.id)).join(', ')})`,
    );
  }
  return found;
}

/** DI as sent: DI0 first. */
export function encodeDi(id: number): Uint8Array {
  return Uint8Array.of(id & 0xff, (id >>> 8) & 0xff, (id >>> 16) & 0xff, (id >>> 24) & 0xff);
}

export function decodeDi(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}

const YEAR: DigitField = { name: 'year', min: 0, max: 99 };
const MONTH: DigitField = { name: 'month', min: 1, max: 12 };
const DAY: DigitField = { name: 'day', min: 1, max: 31 };
const HOUR: DigitField = { name: 'hour', min: 0, max: 23 };
const MINUTE: DigitField = { name: 'minute', min: 0, max: 59 };
const SECOND: DigitField = { name: 'second', min: 0, max: 59 };
/** YYMMDDWW: the week day counts from 0, Sunday. */
export const DATE_FIELDS: readonly DigitField[] = [YEAR, MONTH, DAY, { name: 'weekday', min: 0, max: 6 }];
/** hhmmss. */
export const TIME_FIELDS: readonly DigitField[] = [HOUR, MINUTE, SECOND];
/** YYMMDDhhmmss, the data of a broadcast time sync (sent ss first). */
export const DATE_TIME_FIELDS: readonly DigitField[] = [YEAR, MONTH, DAY, HOUR, MINUTE, SECOND];

/** The standard's years are two digits; this platform reads them as 2000–2099. */
export const CENTURY = 2000;

export function encodeValue(format: ValueFormat, value: MeterValue, field = 'value'): Uint8Array {
  switch (format.kind) {
    case 'decimal': {
      if (value.kind !== 'decimal') throw new MeterDataError(field, `expected a ${format.unit} value`);
      if (value.scale !== format.scale)
        throw new MeterDataError(field, `expected ${format.scale} decimal places (${format.pattern})`);
      return encodeBcd(value.units, format.bytes, field, { signed: format.signed });
    }
    case 'date':
      if (value.kind !== 'date') throw new MeterDataError(field, 'expected a date');
      return encodeDigitFields(
        DATE_FIELDS,
        [value.year - CENTURY, value.month, value.day, value.weekday],
        field,
      );
    case 'time':
      if (value.kind !== 'time') throw new MeterDataError(field, 'expected a time of day');
      return encodeDigitFields(TIME_FIELDS, [value.hour, value.minute, value.second], field);
    case 'address': {
      if (value.kind !== 'address') throw new MeterDataError(field, 'expected an address');
      return encodeAddress(value.address);
    }
  }
}

export function decodeValue(format: ValueFormat, bytes: Uint8Array, field = 'value'): MeterValue {
  if (bytes.length !== format.bytes) {
    throw new MeterDataError(field, `${format.pattern} takes ${format.bytes} bytes, got ${bytes.length}`);
  }
  switch (format.kind) {
    case 'decimal':
      return {
        kind: 'decimal',
        units: decodeBcd(bytes, field, { signed: format.signed }),
        scale: format.scale,
        unit: format.unit,
      };
    case 'date': {
      const [year, month, day, weekday] = decodeDigitFields(DATE_FIELDS, bytes, field);
      return { kind: 'date', year: CENTURY + year!, month: month!, day: day!, weekday: weekday! };
    }
    case 'time': {
      const [hour, minute, second] = decodeDigitFields(TIME_FIELDS, bytes, field);
      return { kind: 'time', hour: hour!, minute: minute!, second: second! };
    }
    case 'address':
      return { kind: 'address', address: decodeAddress(bytes) };
  }
}

/** A value as a person reads it: "112280.26 kWh", "2026-11-22 (weekday 0)", "23:45:00". */
export function describeValue(value: MeterValue): string {
  switch (value.kind) {
    case 'decimal': {
      const negative = value.units < 0n;
      const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
      const text =
        value.scale === 0 ? digits : `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
      return `${negative ? '-' : ''}${text} ${value.unit}`;
    }
    case 'date':
      return `${value.year}-${String(value.month).padStart(2, '0')}-${String(value.day).padStart(2, '0')} (weekday ${value.weekday})`;
    case 'time':
      return [value.hour, value.minute, value.second].map((n) => String(n).padStart(2, '0')).join(':');
    case 'address':
      return value.address;
  }
}

/** An energy register (scale 2, kWh) in watt-hours. */
export function energyWh(value: MeterValue): bigint {
  if (value.kind !== 'decimal' || value.unit !== 'kWh' || value.scale !== 2)
    throw new MeterDataError('value', 'is not an energy register');
  return value.units * 10n;
}
