/** Reading reputations from the market: each participant's record, and the margin its next bid holds. */
import { marginFor, type ReputationRecord } from '../core/reputation.ts';
import type { Platform } from './platform.ts';

export interface ReputationReading extends ReputationRecord {
  readonly participantId: number;
  /** Reputation is on (the market's weight is above 0): scores move and bids carry them. */
  readonly on: boolean;
  readonly weightPpm: bigint;
  /** The margin a bid committed now would hold: the base, scaled by the score while reputation is on. */
  readonly nextMargin: bigint;
}

/** The reputation of each listed participant, as the contract keeps it (a newcomer's is the start value). */
export async function readReputations(
  platform: Platform,
  participantIds: readonly number[],
): Promise<ReputationReading[]> {
  const { marginAmount, reputationWeightPpm } = await platform.read.market.read.parameters();
  const weightPpm = BigInt(reputationWeightPpm);
  const on = weightPpm > 0n;
  return await Promise.all(
    participantIds.map(async (participantId) => {
      const [scorePpm, scoredPeriods, missedReadings, lastPeriod] =
        await platform.read.market.read.reputationOf([participantId]);
      return {
        participantId,
        on,
        weightPpm,
        scorePpm,
        scoredPeriods: Number(scoredPeriods),
        missedReadings: Number(missedReadings),
        lastPeriod,
        nextMargin: marginFor(marginAmount, on ? scorePpm : undefined),
      };
    }),
  );
}

export const readReputation = async (platform: Platform, participantId: number): Promise<ReputationReading> =>
  (await readReputations(platform, [participantId]))[0]!;
