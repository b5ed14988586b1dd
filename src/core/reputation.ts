/**
 * Node reputation: a score per participant built from its delivery record, used by the market for
 * priority at equal price and for the size of the margin a bid holds. The same integer arithmetic as
 * contracts/libraries/ReputationMath.sol, to the unit.
 *
 * - Scores and accuracies are parts per million (0 … 1,000,000); a newcomer starts at START_PPM.
 * - Accuracy of a settled participant-period: how far the actual energy fell outside the range from
 *   the award to the declared quantity (inside it the participant did what it bid: it delivered or
 *   took at least its award and no more than it declared), as a share of the declared quantity,
 *   rounded against the participant; a missing reading scores 0.
 * - Ageing: score' = floor((score × (10⁶ − w) + accuracy × w) / 10⁶), w the weight of the newest
 *   period (the market's `reputationWeightPpm`; 0 turns reputation off). A period k settlements back
 *   weighs (1 − w)^k of the newest, so old behaviour fades with a half-life of about ln 2 / w periods.
 * - Margin: base × (2 − score), rounded up: the base at a perfect score, twice it at 0.
 */
import type { Position } from './settlement.ts';
import { MarketInputError } from './errors.ts';
import { divCeil, PPM } from './units.ts';

/** The score of a participant with no settled period yet: 0.9. */
export const START_PPM = 900_000n;

/** What the market keeps of a participant's delivery record (the contract's ReputationMath.Record). */
export interface ReputationRecord {
  readonly scorePpm: bigint;
  /** Participant-periods scored so far; 0 for a newcomer. */
  readonly scoredPeriods: number;
  readonly missedReadings: number;
  /** The period of the last scored settlement (0: none). */
  readonly lastPeriod: bigint;
}

export const NEWCOMER: ReputationRecord = {
  scorePpm: START_PPM,
  scoredPeriods: 0,
  missedReadings: 0,
  lastPeriod: 0n,
};

/** The accuracy of one settled participant-period, ppm. */
export function accuracyPpm(position: Pick<Position, 'declaredWh' | 'awardedWh' | 'actualWh'>): bigint {
  const { declaredWh, awardedWh, actualWh } = position;
  if (actualWh === null) return 0n;
  const outsideWh =
    actualWh < awardedWh ? awardedWh - actualWh : actualWh > declaredWh ? actualWh - declaredWh : 0n;
  if (outsideWh >= declaredWh) return 0n;
  return PPM - divCeil(outsideWh * PPM, declaredWh);
}

/** The score after one more period of the given accuracy, the older record aged by weight w (ppm). */
export function agedScore(scorePpm: bigint, accuracy: bigint, weightPpm: bigint): bigint {
  return (scorePpm * (PPM - weightPpm) + accuracy * weightPpm) / PPM;
}

/** The record after one settled participant-period; unchanged while reputation is off (weight 0). */
export function scoreSettlement(
  record: ReputationRecord,
  period: bigint,
  position: Pick<Position, 'declaredWh' | 'awardedWh' | 'actualWh'>,
  weightPpm: bigint,
): ReputationRecord {
  if (weightPpm === 0n) return record;
  return {
    scorePpm: agedScore(record.scorePpm, accuracyPpm(position), weightPpm),
    scoredPeriods: record.scoredPeriods + 1,
    missedReadings: record.missedReadings + (position.actualWh === null ? 1 : 0),
    lastPeriod: period,
  };
}

/** The margin a bid carrying `scorePpm` holds (no reputation carried: the base). */
export function marginFor(baseMargin: bigint, scorePpm: bigint | undefined): bigint {
  return scorePpm === undefined ? baseMargin : divCeil(baseMargin * (2n * PPM - scorePpm), PPM);
}

/** Why a reputation weight outside 0 … 1 is refused. */
export const REPUTATION_WEIGHT_RANGE = 'must be from 0 (reputation off) to 1 (only the last period counts)';

/** Refuses a score outside 0 … 1 (in ppm), naming the field. */
export function checkScore(scorePpm: bigint, field: string): void {
  if (scorePpm < 0n || scorePpm > PPM) throw new MarketInputError(field, 'must be a score from 0 to 1');
}
