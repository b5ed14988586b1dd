/**
 * The messages of DL/T 645-2007 this platform speaks, built from and read into frames:
 * read data (11H) and its normal, follow-up and error replies, read follow-up data (12H),
 * read communication address (13H), broadcast time sync (08H).
 */
import {
  BROADCAST_ADDRESS,
  decodeAddress,
  encodeAddress,
  WILDCARD_ADDRESS,
  type MeterAddress,
} from './address.ts';
import { decodeDigitFields, encodeDigitFields } from './bcd.ts';
import { FUNCTION, type Control } from './control.ts';
import {
  CENTURY,
  DATE_TIME_FIELDS,
  decodeDi,
  decodeValue,
  encodeDi,
  encodeValue,
  findDataIdentifier,
  formatDi,
  type MeterValue,
} from './dataIdentifiers.ts';
import { MeterDataError } from './errors.ts';
import type { Frame } from './frame.ts';

/** The bits of the error word in an abnormal reply. */
export const ERROR_REASONS = [
  { bit: 0, reason: 'other-error', text: 'other error' },
  { bit: 1, reason: 'no-requested-data', text: 'no requested data' },
  { bit: 2, reason: 'unauthorised', text: 'password error or unauthorised' },
  { bit: 3, reason: 'baud-rate-unchangeable', text: 'communication rate cannot be changed' },
  { bit: 4, reason: 'year-zones-exceeded', text: 'annual time zone count exceeded' },
  { bit: 5, reason: 'day-periods-exceeded', text: 'daily time period count exceeded' },
  { bit: 6, reason: 'tariffs-exceeded', text: 'tariff count exceeded' },
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number]['reason'];

export interface DateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export type MeterMessage =
  | { readonly type: 'read-request'; readonly address: MeterAddress; readonly di: number }
  | {
      readonly type: 'read-follow-up-request';
      readonly address: MeterAddress;
      readonly di: number;
      readonly sequence: number;
    }
  | {
      readonly type: 'read-response';
      readonly address: MeterAddress;
      readonly di: number;
      /** The value's bytes (BCD, low byte first). */
      readonly raw: Uint8Array;
      /** Decoded when the identifier is one the codec knows and the bytes are valid for it. */
      readonly value: MeterValue | undefined;
      /** Why a known identifier's bytes could not be decoded (bad BCD digit, wrong length). */
      readonly valueError?: string;
      /** More frames follow; read them with read-follow-up requests. */
      readonly followUp: boolean;
      /** Set on replies to a follow-up request. */
      readonly sequence: number | undefined;
    }
  | { readonly type: 'read-address-request'; readonly address: MeterAddress }
  | { readonly type: 'read-address-response'; readonly address: MeterAddress }
  | { readonly type: 'time-sync'; readonly address: MeterAddress; readonly time: DateTime }
  | {
      readonly type: 'error-response';
      readonly address: MeterAddress;
      /** The function that failed (e.g. 11H). */
      readonly function: number;
      readonly errorWord: number;
      readonly reasons: readonly ErrorReason[];
    }
  | { readonly type: 'unsupported'; readonly frame: Frame };

const request = (code: number): Control => ({ direction: 'request', abnormal: false, followUp: false, code });
const response = (code: number, followUp = false): Control => ({
  direction: 'response',
  abnormal: false,
  followUp,
  code,
});

export const readRequest = (address: MeterAddress, di: number): Frame => ({
  address,
  control: request(FUNCTION.readData),
  data: encodeDi(di),
});

export const readFollowUpRequest = (address: MeterAddress, di: number, sequence: number): Frame => ({
  address,
  control: request(FUNCTION.readFollowUp),
  data: Uint8Array.of(...encodeDi(di), sequence & 0xff),
});

export const readAddressRequest = (): Frame => ({
  address: WILDCARD_ADDRESS,
  control: request(FUNCTION.readAddress),
  data: new Uint8Array(),
});

/** Broadcast time sync: every meter on the bus sets its clock; none answers. */
export const timeSyncBroadcast = (time: DateTime): Frame => ({
  address: BROADCAST_ADDRESS,
  control: request(FUNCTION.broadcastTimeSync),
  data: encodeDigitFields(
    DATE_TIME_FIELDS,
    [time.year - CENTURY, time.month, time.day, time.hour, time.minute, time.second],
    'time',
  ),
});

/** A meter's normal reply to a read: the DI, the value's bytes, and (for follow-up replies) the sequence. */
export function readResponse(
  address: MeterAddress,
  di: number,
  raw: Uint8Array,
  options: { followUp?: boolean; sequence?: number } = {},
): Frame {
  const code = options.sequence === undefined ? FUNCTION.readData : FUNCTION.readFollowUp;
  const tail = options.sequence === undefined ? [] : [options.sequence & 0xff];
  return {
    address,
    control: response(code, options.followUp),
    data: Uint8Array.of(...encodeDi(di), ...raw, ...tail),
  };
}

/** A normal reply carrying a known identifier's value. */
export function readValueResponse(address: MeterAddress, di: number, value: MeterValue): Frame {
  const identifier = findDataIdentifier(di);
  if (identifier === undefined) throw new MeterDataError('di', `no format is known for ${formatDi(di)}`);
  return readResponse(address, di, encodeValue(identifier.format, value));
}

export const readAddressResponse = (address: MeterAddress): Frame => ({
  address,
  control: response(FUNCTION.readAddress),
  data: encodeAddress(address),
});

export function errorResponse(
  address: MeterAddress,
  failedFunction: number,
  reasons: readonly ErrorReason[],
): Frame {
  const word = reasons.reduce((w, r) => w | (1 << ERROR_REASONS.find((e) => e.reason === r)!.bit), 0);
  return {
    address,
    control: { direction: 'response', abnormal: true, followUp: false, code: failedFunction },
    data: Uint8Array.of(word),
  };
}

export const errorReasons = (word: number): ErrorReason[] =>
  ERROR_REASONS.filter((e) => word & (1 << e.bit)).map((e) => e.reason);

export const describeReason = (reason: ErrorReason): string =>
  ERROR_REASONS.find((e) => e.reason === reason)!.text;

/** Reads a frame as one of the messages above ('unsupported' for other functions or shapes). */
export function interpretFrame(frame: Frame): MeterMessage {
  const { address, control, data } = frame;
  if (control.direction === 'response' && control.abnormal) {
    const errorWord = data[0] ?? 0;
    return {
      type: 'error-response',
      address,
      function: control.code,
      errorWord,
      reasons: errorReasons(errorWord),
    };
  }
  switch (control.code) {
    case FUNCTION.readData:
      if (data.length < 4) break;
      if (control.direction === 'request') return { type: 'read-request', address, di: decodeDi(data) };
      return readResponseMessage(frame, data.subarray(4), undefined);
    case FUNCTION.readFollowUp:
      if (data.length < 5) break;
      if (control.direction === 'request')
        return { type: 'read-follow-up-request', address, di: decodeDi(data), sequence: data[4]! };
      return readResponseMessage(frame, data.subarray(4, data.length - 1), data[data.length - 1]!);
    case FUNCTION.readAddress:
      if (control.direction === 'request') return { type: 'read-address-request', address };
      if (data.length === 6) {
        try {
          return { type: 'read-address-response', address: decodeAddress(data) };
        } catch {
          break;
        }
      }
      break;
    case FUNCTION.broadcastTimeSync: {
      if (data.length !== 6) break;
      let fields: number[];
      try {
        fields = decodeDigitFields(DATE_TIME_FIELDS, data, 'time');
      } catch {
        break;
      }
      const [year, month, day, hour, minute, second] = fields;
      return {
        type: 'time-sync',
        address,
        time: {
          year: CENTURY + year!,
          month: month!,
          day: day!,
          hour: hour!,
          minute: minute!,
          second: second!,
        },
      };
    }
  }
  return { type: 'unsupported', frame };
}

function readResponseMessage(frame: Frame, raw: Uint8Array, sequence: number | undefined): MeterMessage {
  const di = decodeDi(frame.data);
  const message = {
    type: 'read-response' as const,
    address: frame.address,
    di,
    raw: raw.slice(),
    followUp: frame.control.followUp,
    sequence,
  };
  const identifier = findDataIdentifier(di);
  if (identifier === undefined) return { ...message, value: undefined };
  try {
    return { ...message, value: decodeValue(identifier.format, raw, 'value') };
  } catch (error) {
    return { ...message, value: undefined, valueError: (error as Error).message };
  }
}
