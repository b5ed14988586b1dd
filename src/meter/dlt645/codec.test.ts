import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addressMatches,
  BROADCAST_ADDRESS,
  decodeAddress,
  encodeAddress,
  parseAddress,
  WILDCARD_ADDRESS,
} from './address.ts';
import { decodeBcd, encodeBcd } from './bcd.ts';
import { decodeControl, encodeControl } from './control.ts';
import {
  DATA_IDENTIFIERS,
  decodeValue,
  describeValue,
  encodeValue,
  energyWh,
  type MeterValue,
  type ValueFormat,
} from './dataIdentifiers.ts';
import { FrameError, MeterDataError } from './errors.ts';
import { decodeFrame, encodeFrame, parseHex } from './frame.ts';
import {
  errorResponse,
  interpretFrame,
  readAddressRequest,
  readAddressResponse,
  readFollowUpRequest,
  readRequest,
  readResponse,
  readValueResponse,
  timeSyncBroadcast,
} from './messages.ts';

/** A value that fits a format. */
function valueFor(format: ValueFormat): fc.Arbitrary<MeterValue> {
  switch (format.kind) {
    case 'decimal': {
      const max = format.signed
        ? 8n * 10n ** BigInt(format.bytes * 2 - 1) - 1n
        : 10n ** BigInt(format.bytes * 2) - 1n;
      return fc
        .bigInt({ min: format.signed ? -max : 0n, max })
        .map((units) => ({ kind: 'decimal' as const, units, scale: format.scale, unit: format.unit }));
    }
    case 'date':
      return fc
        .record({
          year: fc.integer({ min: 2000, max: 2099 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 31 }),
          weekday: fc.integer({ min: 0, max: 6 }),
        })
        .map((d) => ({ kind: 'date' as const, ...d }));
    case 'time':
      return fc
        .record({
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.integer({ min: 0, max: 59 }),
        })
        .map((t) => ({ kind: 'time' as const, ...t }));
    case 'address':
      return fc
        .bigInt({ min: 0n, max: 10n ** 12n - 1n })
        .map((n) => ({ kind: 'address' as const, address: n.toString().padStart(12, '0') }));
  }
}

const address = fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }).map((n) => n.toString().padStart(12, '0'));

describe('BCD', () => {
  it('round-trips unsigned and signed values, low byte first', () => {
    expect(encodeBcd(11228026n, 4, 'v')).toEqual(Uint8Array.of(0x26, 0x80, 0x22, 0x11));
    expect(encodeBcd(-12345n, 3, 'v', { signed: true })).toEqual(Uint8Array.of(0x45, 0x23, 0x81));
    expect(decodeBcd(Uint8Array.of(0x45, 0x23, 0x81), 'v', { signed: true })).toBe(-12345n);
  });

  it('refuses digits that are not BCD and values that do not fit', () => {
    expect(() => decodeBcd(Uint8Array.of(0x1a), 'register')).toThrow(
      'register: byte 0x1a is not two BCD digits',
    );
    expect(() => encodeBcd(10_000n, 2, 'v')).toThrow(MeterDataError);
    expect(() => encodeBcd(800_000n, 3, 'v', { signed: true })).toThrow('does not fit 3 signed BCD bytes');
  });
});

describe('addresses', () => {
  it('are written as on the plate and sent low byte first; AA pairs are wildcards', () => {
    expect(encodeAddress('000000000161')).toEqual(Uint8Array.of(0x61, 0x01, 0, 0, 0, 0));
    expect(decodeAddress(Uint8Array.of(0x61, 0x01, 0, 0, 0, 0))).toBe('000000000161');
    expect(addressMatches(WILDCARD_ADDRESS, '123456789012')).toBe(true);
    expect(addressMatches('AAAAAA789012', '123456789012')).toBe(true);
    expect(addressMatches('AAAAAA789013', '123456789012')).toBe(false);
    expect(addressMatches(BROADCAST_ADDRESS, '123456789012')).toBe(true);
    expect(() => parseAddress('12345')).toThrow('address: "12345" is not a meter address');
  });
});

describe('control codes', () => {
  it('round-trip every combination', () => {
    for (let byte = 0; byte < 256; byte++) expect(encodeControl(decodeControl(byte))).toBe(byte);
  });
});

describe('every supported data identifier', () => {
  it.each(DATA_IDENTIFIERS.map((d) => [d.name, d] as const))(
    '%s: value → reply frame → value',
    (_, identifier) => {
      fc.assert(
        fc.property(address, valueFor(identifier.format), (meter, value) => {
          const bytes = encodeFrame(readValueResponse(meter, identifier.id, value), { wakeUp: 2 });
          const message = interpretFrame(decodeFrame(bytes));
          expect(message).toMatchObject({
            type: 'read-response',
            address: meter,
            di: identifier.id,
            followUp: false,
          });
          expect(message.type === 'read-response' && message.value).toEqual(value);
          expect(decodeValue(identifier.format, encodeValue(identifier.format, value))).toEqual(value);
        }),
        { seed: 645, numRuns: 60 },
      );
    },
  );

  it('refuses a date or time whose digits are no calendar value, naming the field', () => {
    const date = DATA_IDENTIFIERS.find((d) => d.name === 'date and week')!.format;
    const time = DATA_IDENTIFIERS.find((d) => d.name === 'time')!.format;
    // 26-13-22 weekday 0: BCD bytes WW DD MM YY.
    expect(() => decodeValue(date, Uint8Array.of(0x00, 0x22, 0x13, 0x26), 'date')).toThrow(
      'date.month: 13 is outside 1–12',
    );
    expect(() => decodeValue(time, Uint8Array.of(0x00, 0x60, 0x12), 'time')).toThrow(
      'time.minute: 60 is outside 0–59',
    );
    expect(() =>
      encodeValue(date, { kind: 'date', year: 2026, month: 2, day: 30, weekday: 7 }, 'date'),
    ).toThrow('date.weekday: 7 is outside 0–6');
    expect(decodeValue(date, Uint8Array.of(0x01, 0x11, 0x01, 0x16))).toEqual({
      kind: 'date',
      year: 2016,
      month: 1,
      day: 11,
      weekday: 1,
    });
  });

  it('reads an energy register in watt-hours and describes values for people', () => {
    const value: MeterValue = { kind: 'decimal', units: 11228026n, scale: 2, unit: 'kWh' };
    expect(energyWh(value)).toBe(112_280_260n);
    expect(describeValue({ kind: 'decimal', units: -5n, scale: 4, unit: 'kW' })).toBe('-0.0005 kW');
    expect(describeValue({ kind: 'time', hour: 9, minute: 5, second: 0 })).toBe('09:05:00');
  });
});

describe('every supported message', () => {
  it('round-trips through bytes', () => {
    fc.assert(
      fc.property(
        address,
        fc.constantFrom(...DATA_IDENTIFIERS.map((d) => d.id)),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 20 }),
        (meter, di, sequence, raw) => {
          const roundTrip = (f: ReturnType<typeof readRequest>) =>
            interpretFrame(decodeFrame(encodeFrame(f, { wakeUp: 4 })));
          expect(roundTrip(readRequest(meter, di))).toEqual({ type: 'read-request', address: meter, di });
          expect(roundTrip(readFollowUpRequest(meter, di, sequence))).toEqual({
            type: 'read-follow-up-request',
            address: meter,
            di,
            sequence,
          });
          expect(roundTrip(readResponse(meter, di, raw, { followUp: true }))).toMatchObject({
            type: 'read-response',
            di,
            raw,
            followUp: true,
            sequence: undefined,
          });
          expect(roundTrip(readResponse(meter, di, raw, { sequence }))).toMatchObject({
            type: 'read-response',
            di,
            raw,
            sequence,
          });
          expect(roundTrip(readAddressResponse(meter))).toEqual({
            type: 'read-address-response',
            address: meter,
          });
          expect(roundTrip(errorResponse(meter, 0x11, ['no-requested-data', 'unauthorised']))).toEqual({
            type: 'error-response',
            address: meter,
            function: 0x11,
            errorWord: 0b110,
            reasons: ['no-requested-data', 'unauthorised'],
          });
        },
      ),
      { seed: 2007, numRuns: 100 },
    );
    expect(interpretFrame(decodeFrame(encodeFrame(readAddressRequest())))).toEqual({
      type: 'read-address-request',
      address: WILDCARD_ADDRESS,
    });
    expect(
      interpretFrame(readResponse('000000000001', 0x00010000, Uint8Array.of(0, 0, 0x0a, 0))),
    ).toMatchObject({
      value: undefined,
      valueError: 'value: byte 0x0a is not two BCD digits',
    });
    const time = { year: 2026, month: 11, day: 22, hour: 23, minute: 45, second: 7 };
    const sync = timeSyncBroadcast(time);
    // ss mm hh DD MM YY on the wire, second first.
    expect([...sync.data]).toEqual([0x07, 0x45, 0x23, 0x22, 0x11, 0x26]);
    expect(interpretFrame(decodeFrame(encodeFrame(sync)))).toEqual({
      type: 'time-sync',
      address: BROADCAST_ADDRESS,
      time,
    });
    // A time sync whose digits are no time is not taken for one.
    expect(interpretFrame({ ...sync, data: Uint8Array.of(0x07, 0x45, 0x24, 0x22, 0x11, 0x26) }).type).toBe(
      'unsupported',
    );
    expect(() => timeSyncBroadcast({ ...time, hour: 24 })).toThrow('time.hour: 24 is outside 0–23');
  });
});

describe('decodeFrame refuses broken frames with a typed error', () => {
  const good = '68 01 00 00 00 00 00 68 11 04 33 33 34 33 B3 16';
  it.each([
    [
      '68 01 00 00 00 00 00 68 11 04 33 33 34 33 B4 16',
      'FRAME_CHECKSUM',
      'checksum is B4H but the bytes sum to B3H',
    ],
    ['68 01 00 00 00 00 00 68 11 04 33 33 34 33 B3 17', 'FRAME_DELIMITER', 'a frame ends with 16H, got 17H'],
    ['68 01 00 00 00 00 00 68 11 05 33 33 34 33 B3 16', 'FRAME_LENGTH', 'length field says 5 data bytes'],
    ['68 01 00 00 00 00 00 69 11 04 33 33 34 33 B3 16', 'FRAME_DELIMITER', 'a frame starts with 68H'],
    ['68 01 00 00', 'FRAME_TRUNCATED', 'a frame has at least 12 bytes'],
  ])('%s', (hex, code, message) => {
    const attempt = () => decodeFrame(parseHex(hex));
    expect(attempt).toThrow(FrameError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as FrameError).code).toBe(code);
    }
    expect(() => decodeFrame(parseHex(good))).not.toThrow();
  });
});
