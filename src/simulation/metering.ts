/**
 * What a participant's DL/T 645 meter reads, without the meter: the model both the `--meters` run
 * (whose virtual meters and gateway produce these numbers over the wire) and the off-chain run it is
 * compared with use. A meter's forward (import) and reverse (export) registers count 10 Wh steps, so
 * a period's reading is the difference of two floored registers: the actual energy rounded to the
 * register step, with the remainder carried into the next period (no energy is lost over the day).
 * A meter that does not answer at a boundary leaves no snapshot there, so the gateway has no reading
 * for either period that boundary separates.
 */
import type { Side } from '../core/bid.ts';
import type { ReadingIntent } from './market.ts';
import { seededRandom } from './random.ts';
import type { ParticipantSpec } from './scenario.ts';

/** One register step: 0.01 kWh. */
export const REGISTER_STEP_WH = 10n;

export interface MeterFlow {
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

/**
 * Where a period's actual energy flows through the meter: a producer's and a selling prosumer's
 * positive actual is exported, a consumer's imported; a negative actual flows the other way.
 */
export function flowOf(spec: ParticipantSpec, actualWh: bigint): MeterFlow {
  const exported = spec.kind === 'consumer' ? -actualWh : actualWh;
  return exported >= 0n ? { importWh: 0n, exportWh: exported } : { importWh: -exported, exportWh: 0n };
}

const floorToStep = (wh: bigint) => (wh / REGISTER_STEP_WH) * REGISTER_STEP_WH;

/** Each period's register deltas for a meter that measures `actualWh` exactly, from zero registers. */
export function registerReadings(spec: ParticipantSpec, actualWh: readonly bigint[]): MeterFlow[] {
  let importWh = 0n;
  let exportWh = 0n;
  return actualWh.map((actual) => {
    const flow = flowOf(spec, actual);
    const before = { importWh: floorToStep(importWh), exportWh: floorToStep(exportWh) };
    importWh += flow.importWh;
    exportWh += flow.exportWh;
    return {
      importWh: floorToStep(importWh) - before.importWh,
      exportWh: floorToStep(exportWh) - before.exportWh,
    };
  });
}

/**
 * Boundaries 1 … periods + 1 (boundary b opens period b) at which each meter answers: with
 * probability `meterReliability`, drawn per participant so that the pattern does not depend on bids.
 */
export function meterOutages(
  participants: readonly ParticipantSpec[],
  periods: number,
  seed: number,
): boolean[][] {
  return participants.map((spec, i) => {
    const random = seededRandom(seed, `meter outages ${i}`);
    // Index b is boundary b; index 0 is unused.
    return Array.from({ length: periods + 2 }, (_, b) => b > 0 && random.next() >= spec.meterReliability);
  });
}

/** The energy a reading counts in the bid's direction, as the contract takes it. */
export function actualInDirection(side: Side, flow: MeterFlow): bigint {
  const outward = side === 'sell' ? flow.exportWh : flow.importWh;
  const inward = side === 'sell' ? flow.importWh : flow.exportWh;
  return outward > inward ? outward - inward : 0n;
}

export interface MeteredDay {
  /** Register deltas by participant and period index. */
  readonly readings: readonly (readonly MeterFlow[])[];
  /** Offline at boundary b, by participant. */
  readonly outages: readonly (readonly boolean[])[];
  /** The reading of a revealed bid, or nothing when a boundary around the period went unread. */
  intent(participant: number, period: number, side: Side): ReadingIntent | undefined;
}

export function meteredDay(
  participants: readonly ParticipantSpec[],
  actuals: readonly (readonly bigint[])[],
  periods: number,
  seed: number,
): MeteredDay {
  const readings = participants.map((spec, i) => registerReadings(spec, actuals[i]!));
  const outages = meterOutages(participants, periods, seed);
  return {
    readings,
    outages,
    intent(participant, period, side) {
      const down = outages[participant]!;
      if (down[period] || down[period + 1]) return undefined;
      const flow = readings[participant]![period - 1]!;
      return { participant, side, actualWh: actualInDirection(side, flow) };
    },
  };
}
