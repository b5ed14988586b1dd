/**
 * A meter's communication address: 12 decimal digits as printed on its plate, sent as 6 BCD bytes
 * low byte first. `AAAAAAAAAAAA` is the wildcard (any meter; "AA" may also stand for the high bytes
 * only), `999999999999` the broadcast address.
 */
import { MeterDataError } from './errors.ts';

export type MeterAddress = string;

export const WILDCARD_ADDRESS: MeterAddress = 'AAAAAAAAAAAA';
export const BROADCAST_ADDRESS: MeterAddress = '999999999999';

const ADDRESS = /^([0-9]{2}|AA){6}$/;

/** Checks and normalises a written address (case-insensitive "A"). */
export function parseAddress(text: string, field = 'address'): MeterAddress {
  const address = text.trim().toUpperCase();
  if (!ADDRESS.test(address)) {
    throw new MeterDataError(field, `"${text}" is not a meter address (12 digits, or AA pairs as wildcards)`);
  }
  return address;
}

export function encodeAddress(address: MeterAddress): Uint8Array {
  const checked = parseAddress(address);
  const bytes = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    // The last pair of the written address is the first byte on the wire.
    const pair = checked.slice(10 - 2 * i, 12 - 2 * i);
    bytes[i] = Number.parseInt(pair, 16);
  }
  return bytes;
}

export function decodeAddress(bytes: Uint8Array): MeterAddress {
  let text = '';
  for (let i = 5; i >= 0; i--) text += bytes[i]!.toString(16).padStart(2, '0').toUpperCase();
  return parseAddress(text, 'frame.address');
}

export const isBroadcast = (address: MeterAddress): boolean => address === BROADCAST_ADDRESS;

/** Whether a frame sent to `target` (possibly with wildcard pairs) is for the meter at `own`. */
export function addressMatches(target: MeterAddress, own: MeterAddress): boolean {
  if (target === BROADCAST_ADDRESS) return true;
  for (let i = 0; i < 12; i += 2) {
    const pair = target.slice(i, i + 2);
    if (pair !== 'AA' && pair !== own.slice(i, i + 2)) return false;
  }
  return true;
}
