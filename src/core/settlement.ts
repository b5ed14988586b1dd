/**
 * Imbalance settlement against the public grid (mechanism step 7) and the reward/penalty for
 * accurate bids (step 8) for one participant in one period.
 *
 * Rounding: every amount is computed from the exact average price Σ Q·G / Σ Q with one division, in
 * token base units. What a participant pays is rounded up, what it receives is rounded down, so the
 * grid (the counterparty of last resort) never pays out a fraction nobody owes.
 *
 * A missing reading (none arrived before the reading deadline) is deemed equal to the award — no
 * imbalance flows, because the distribution operator's own metering reconciles that energy — and all
 * the declared energy counts as deviating: no reward, the full penalty.
 */
import type { Side } from './bid.ts';
import type { AveragePrice } from './trade.ts';
import { absBig, divCeil, divFloor, minBig, PPM } from './units.ts';

export interface SettlementParameters {
  /** W′: the factor on A_i for energy the grid supplies (shortfall), ppm. Reference 1.1. */
  readonly shortfallFactorPpm: bigint;
  /** W″: the factor on A_i for energy the grid absorbs (surplus), ppm. Reference 0.9. */
  readonly surplusFactorPpm: bigint;
  /** M′: reward rate on consistent energy, ppm. Reference 0.01. */
  readonly rewardRatePpm: bigint;
  /** M″: penalty rate on deviating energy, ppm. Reference 0.05. */
  readonly penaltyRatePpm: bigint;
}

export const REFERENCE_PARAMETERS: SettlementParameters = {
  shortfallFactorPpm: 1_100_000n,
  surplusFactorPpm: 900_000n,
  rewardRatePpm: 10_000n,
  penaltyRatePpm: 50_000n,
};

export interface Position {
  readonly side: Side;
  readonly declaredWh: bigint;
  readonly awardedWh: bigint;
  /** Energy the meter read in the bid's direction; null when no reading arrived in time. */
  readonly actualWh: bigint | null;
}

export interface SettlementOutcome {
  /** D = |awarded − actual| in Wh (0 for a missing reading). */
  readonly imbalanceWh: bigint;
  /** Paid to the participant when positive, by it when negative. */
  readonly imbalanceAmount: bigint;
  readonly reward: bigint;
  readonly penalty: bigint;
  /** reward − penalty: paid to the participant when positive, by it when negative. */
  readonly incentiveNet: bigint;
  readonly readingMissing: boolean;
}

/** energy × A_i × rate, rounded as stated. */
function priced(energyWh: bigint, price: AveragePrice, ratePpm: bigint, round: 'up' | 'down'): bigint {
  const numerator = energyWh * price.value * ratePpm;
  const denominator = price.quantityWh * PPM;
  return round === 'up' ? divCeil(numerator, denominator) : divFloor(numerator, denominator);
}

export function settlePosition(
  position: Position,
  averagePrice: AveragePrice,
  parameters: SettlementParameters,
): SettlementOutcome {
  const { side, declaredWh, awardedWh, actualWh } = position;
  if (actualWh === null) {
    const penalty = priced(declaredWh, averagePrice, parameters.penaltyRatePpm, 'up');
    return {
      imbalanceWh: 0n,
      imbalanceAmount: 0n,
      reward: 0n,
      penalty,
      incentiveNet: -penalty,
      readingMissing: true,
    };
  }
  const imbalanceWh = absBig(awardedWh - actualWh);
  // The grid supplies the difference when a producer delivers less, or a consumer uses more,
  // than awarded; otherwise it absorbs it.
  const gridSupplies = side === 'sell' ? actualWh < awardedWh : actualWh > awardedWh;
  const imbalanceAmount = gridSupplies
    ? -priced(imbalanceWh, averagePrice, parameters.shortfallFactorPpm, 'up')
    : priced(imbalanceWh, averagePrice, parameters.surplusFactorPpm, 'down');
  const consistentWh = minBig(declaredWh, actualWh);
  const deviatingWh = absBig(declaredWh - actualWh);
  const reward = priced(consistentWh, averagePrice, parameters.rewardRatePpm, 'down');
  const penalty = priced(deviatingWh, averagePrice, parameters.penaltyRatePpm, 'up');
  return {
    imbalanceWh,
    imbalanceAmount,
    reward,
    penalty,
    incentiveNet: reward - penalty,
    readingMissing: false,
  };
}
