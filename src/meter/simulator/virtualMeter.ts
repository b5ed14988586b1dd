/**
 * A simulated three-phase bidirectional meter. Its forward (import) and reverse (export) active
 * energy registers integrate a power profile minute by minute over the meter's clock, in integer
 * watt-minutes, and it answers real DL/T 645-2007 frames for its own address.
 */
import { addressMatches, BROADCAST_ADDRESS, type MeterAddress } from '../dlt645/address.ts';
import { DI, encodeValue, findDataIdentifier, type MeterValue } from '../dlt645/dataIdentifiers.ts';
import type { Frame } from '../dlt645/frame.ts';
import {
  errorResponse,
  interpretFrame,
  readAddressResponse,
  readResponse,
  type DateTime,
} from '../dlt645/messages.ts';
import { FUNCTION } from '../dlt645/control.ts';
import type { PowerProfile } from './profiles.ts';

const MINUTE = 60_000;
/** One register step, 0.01 kWh, in watt-minutes. */
const WATT_MINUTES_PER_STEP = 600n;
/** The registers count to 999999.99 kWh and then start again from zero. */
const REGISTER_STEPS = 100_000_000n;

export interface VirtualMeterOptions {
  readonly address: MeterAddress;
  readonly profile: PowerProfile;
  /** The simulation's clock in ms; the meter adds its own offset after a time sync. */
  readonly clock: () => number;
  /** Register contents when the meter is created, in 0.01 kWh steps. */
  readonly forwardSteps?: bigint;
  readonly reverseSteps?: bigint;
  /** Extra identifiers and their value bytes (e.g. a block too long for one frame). */
  readonly extraRegisters?: ReadonlyMap<number, Uint8Array>;
  /** Split replies longer than this into follow-up frames (to exercise 12H). */
  readonly followUpChunk?: number;
}

export interface VirtualMeter {
  readonly address: MeterAddress;
  /** The reply to a frame on the bus, or undefined when this meter stays silent. */
  handle(frame: Frame): Frame | undefined;
  /** The registers now, in 0.01 kWh steps. */
  registers(): { forwardSteps: bigint; reverseSteps: bigint };
  /** The meter's own clock (simulation clock plus the offset its last time sync set). */
  now(): number;
}

export function createVirtualMeter(options: VirtualMeterOptions): VirtualMeter {
  const { address, profile } = options;
  let clockOffset = 0;
  const now = () => options.clock() + clockOffset;
  // The registers count from the moment the meter is created (installed).
  let integratedUntil = Math.floor(options.clock() / MINUTE) * MINUTE;
  let forwardWattMinutes = (options.forwardSteps ?? 0n) * WATT_MINUTES_PER_STEP;
  let reverseWattMinutes = (options.reverseSteps ?? 0n) * WATT_MINUTES_PER_STEP;
  const pendingFollowUps = new Map<string, Uint8Array[]>();

  function integrate(): void {
    // Energy follows the simulation clock, not the meter's (possibly mis-set) display clock.
    const until = Math.floor(options.clock() / MINUTE) * MINUTE;
    for (; integratedUntil < until; integratedUntil += MINUTE) {
      const watts = BigInt(Math.round(profile(integratedUntil)));
      if (watts >= 0n) forwardWattMinutes += watts;
      else reverseWattMinutes -= watts;
    }
  }

  const registers = () => {
    integrate();
    return {
      forwardSteps: (forwardWattMinutes / WATT_MINUTES_PER_STEP) % REGISTER_STEPS,
      reverseSteps: (reverseWattMinutes / WATT_MINUTES_PER_STEP) % REGISTER_STEPS,
    };
  };

  function valueOf(di: number): MeterValue | undefined {
    const date = new Date(now());
    const watts = profile(options.clock());
    const volts = 2_300n + BigInt(Math.round(Math.sin(options.clock() / 97_000) * 40));
    switch (di) {
      case DI.forwardActiveEnergy:
        return { kind: 'decimal', units: registers().forwardSteps, scale: 2, unit: 'kWh' };
      case DI.reverseActiveEnergy:
        return { kind: 'decimal', units: registers().reverseSteps, scale: 2, unit: 'kWh' };
      case DI.combinedActiveEnergy: {
        const r = registers();
        return {
          kind: 'decimal',
          units: (r.forwardSteps + r.reverseSteps) % REGISTER_STEPS,
          scale: 2,
          unit: 'kWh',
        };
      }
      case DI.activePower:
        // kW with four decimals: watts / 1000 → units of 0.1 W.
        return { kind: 'decimal', units: BigInt(Math.round(watts * 10)), scale: 4, unit: 'kW' };
      case DI.voltageA:
      case DI.voltageB:
      case DI.voltageC:
        return { kind: 'decimal', units: volts, scale: 1, unit: 'V' };
      case DI.currentA:
      case DI.currentB:
      case DI.currentC:
        // Balanced three phases: I = P / (3·V), in mA.
        return {
          kind: 'decimal',
          units: BigInt(Math.round((watts / 3 / (Number(volts) / 10)) * 1000)),
          scale: 3,
          unit: 'A',
        };
      case DI.date:
        return {
          kind: 'date',
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
          weekday: date.getUTCDay(),
        };
      case DI.time:
        return {
          kind: 'time',
          hour: date.getUTCHours(),
          minute: date.getUTCMinutes(),
          second: date.getUTCSeconds(),
        };
      case DI.address:
      case DI.meterNumber:
        return { kind: 'address', address };
    }
    return undefined;
  }

  function rawOf(di: number): Uint8Array | undefined {
    const extra = options.extraRegisters?.get(di);
    if (extra !== undefined) return extra;
    const identifier = findDataIdentifier(di);
    const value = valueOf(di);
    return identifier === undefined || value === undefined
      ? undefined
      : encodeValue(identifier.format, value);
  }

  function setClock(time: DateTime): void {
    const target = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
    clockOffset = target - options.clock();
  }

  return {
    address,
    registers,
    now,
    handle(frame) {
      const message = interpretFrame(frame);
      if (message.type === 'time-sync') {
        if (frame.address === BROADCAST_ADDRESS) setClock(message.time);
        return undefined;
      }
      if (frame.control.direction !== 'request' || !addressMatches(frame.address, address)) return undefined;
      switch (message.type) {
        case 'read-request': {
          const raw = rawOf(message.di);
          if (raw === undefined) return errorResponse(address, FUNCTION.readData, ['no-requested-data']);
          const chunk = options.followUpChunk;
          if (chunk === undefined || raw.length <= chunk) return readResponse(address, message.di, raw);
          const parts: Uint8Array[] = [];
          for (let at = chunk; at < raw.length; at += chunk) parts.push(raw.subarray(at, at + chunk));
          pendingFollowUps.set(`${message.di}`, parts);
          return readResponse(address, message.di, raw.subarray(0, chunk), { followUp: true });
        }
        case 'read-follow-up-request': {
          const parts = pendingFollowUps.get(`${message.di}`);
          const part = parts?.[message.sequence - 1];
          if (parts === undefined || part === undefined)
            return errorResponse(address, FUNCTION.readFollowUp, ['no-requested-data']);
          const more = message.sequence < parts.length;
          if (!more) pendingFollowUps.delete(`${message.di}`);
          return readResponse(address, message.di, part, { followUp: more, sequence: message.sequence });
        }
        case 'read-address-request':
          return readAddressResponse(address);
        default:
          return errorResponse(address, frame.control.code, ['other-error']);
      }
    },
  };
}
