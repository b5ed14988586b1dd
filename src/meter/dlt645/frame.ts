/**
 * Whole DL/T 645-2007 frames:
 *
 *   [FE FE FE FE] 68 A0..A5 68 C L DATA(L bytes, each +33H) CS 16
 *
 * CS is the sum mod 256 of every byte from the first 68H to the end of the data. `data` in a Frame is
 * the plain data, the +33H offset already removed.
 */
import { decodeAddress, encodeAddress, type MeterAddress } from './address.ts';
import { decodeControl, encodeControl, type Control } from './control.ts';
import { FrameError } from './errors.ts';

export const START = 0x68;
export const END = 0x16;
export const WAKE_UP = 0xfe;
export const DATA_OFFSET = 0x33;
/** The standard caps the data field of a read at 200 bytes; nothing longer is a frame. */
export const MAX_DATA_LENGTH = 200;
/** Bytes of a frame besides its data: 68, address, 68, C, L, CS, 16. */
export const FRAME_OVERHEAD = 12;

export interface Frame {
  readonly address: MeterAddress;
  readonly control: Control;
  /** The data field without the +33H offset. */
  readonly data: Uint8Array;
}

export function checksum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum = (sum + bytes[i]!) & 0xff;
  return sum;
}

/** Encodes a frame; `wakeUp` leading FE bytes wake a meter's receiver (4 by convention). */
export function encodeFrame(frame: Frame, options: { wakeUp?: number } = {}): Uint8Array {
  const wakeUp = options.wakeUp ?? 0;
  if (frame.data.length > MAX_DATA_LENGTH) {
    throw new FrameError(
      'FRAME_LENGTH',
      `data field of ${frame.data.length} bytes exceeds ${MAX_DATA_LENGTH}`,
    );
  }
  const bytes = new Uint8Array(wakeUp + FRAME_OVERHEAD + frame.data.length);
  bytes.fill(WAKE_UP, 0, wakeUp);
  let at = wakeUp;
  bytes[at++] = START;
  bytes.set(encodeAddress(frame.address), at);
  at += 6;
  bytes[at++] = START;
  bytes[at++] = encodeControl(frame.control);
  bytes[at++] = frame.data.length;
  for (const byte of frame.data) bytes[at++] = (byte + DATA_OFFSET) & 0xff;
  bytes[at] = checksum(bytes, wakeUp, at);
  bytes[at + 1] = END;
  return bytes;
}

/**
 * Decodes exactly one frame (leading FE bytes allowed). Throws a FrameError naming what is wrong;
 * the streaming parser (parser.ts) is the tolerant way to read a byte stream.
 */
export function decodeFrame(input: Uint8Array): Frame {
  let start = 0;
  while (start < input.length && input[start] === WAKE_UP) start++;
  const bytes = input.subarray(start);
  if (bytes.length < FRAME_OVERHEAD) {
    throw new FrameError(
      'FRAME_TRUNCATED',
      `a frame has at least ${FRAME_OVERHEAD} bytes, got ${bytes.length}`,
    );
  }
  if (bytes[0] !== START || bytes[7] !== START) {
    throw new FrameError('FRAME_DELIMITER', 'a frame starts with 68H, six address bytes and 68H again');
  }
  const length = bytes[9]!;
  if (length > MAX_DATA_LENGTH) {
    throw new FrameError('FRAME_LENGTH', `length field ${length} exceeds ${MAX_DATA_LENGTH}`, { length });
  }
  if (bytes.length !== FRAME_OVERHEAD + length) {
    throw new FrameError(
      'FRAME_LENGTH',
      `length field says ${length} data bytes, so ${FRAME_OVERHEAD + length} bytes in all, but the frame has ${bytes.length}`,
      { length, size: bytes.length },
    );
  }
  const expected = checksum(bytes, 0, 10 + length);
  const actual = bytes[10 + length]!;
  if (expected !== actual) {
    throw new FrameError(
      'FRAME_CHECKSUM',
      `checksum is ${hexByte(actual)} but the bytes sum to ${hexByte(expected)}`,
      { expected, actual },
    );
  }
  if (bytes[11 + length] !== END) {
    throw new FrameError('FRAME_DELIMITER', `a frame ends with 16H, got ${hexByte(bytes[11 + length]!)}`);
  }
  const data = bytes.slice(10, 10 + length).map((b) => (b - DATA_OFFSET) & 0xff);
  let address: MeterAddress;
  try {
    address = decodeAddress(bytes.subarray(1, 7));
  } catch {
    throw new FrameError(
      'FRAME_FIELD',
      `address bytes ${toHex(bytes.subarray(1, 7))} are not BCD digits or AAH wildcards`,
    );
  }
  return { address, control: decodeControl(bytes[8]!), data };
}

export const hexByte = (byte: number): string => `${byte.toString(16).padStart(2, '0').toUpperCase()}H`;

/** "FE FE 68 …" or "fefe68…" into bytes; refuses anything that is not whole hex bytes. */
export function parseHex(text: string, field = 'frame'): Uint8Array {
  const compact = text.replace(/[\s:,-]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(compact)) {
    throw new FrameError('FRAME_FIELD', `${field}: "${text}" is not a sequence of hex bytes`);
  }
  return Uint8Array.from(compact.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
