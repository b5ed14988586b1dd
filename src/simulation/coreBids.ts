import type { Bid } from '../core/bid.ts';
import { bidRank } from '../chain/typedData.ts';
import type { RevealedBid } from './market.ts';

/**
 * Revealed bids as the core clears them: keyed by participant index, ranked as the contract ranks
 * registry id index + 1 in this period.
 */
export const coreBidsOf = (period: number, revealed: readonly RevealedBid[]): Bid[] =>
  revealed.map((b) => ({
    participant: String(b.participant),
    side: b.side,
    green: b.green,
    quantityWh: b.quantityWh,
    pricePerWh: b.pricePerWh,
    rank: bidRank(BigInt(period), b.participant + 1),
    ...(b.reputationPpm === undefined ? {} : { reputationPpm: b.reputationPpm }),
  }));
