/** Sealing a bid: the participant commits a hash now and keeps the salt to reveal it later. */
import { randomBytes } from 'node:crypto';
import { toHex, type Address, type Hex, type LocalAccount } from 'viem';
import type { Side } from '../core/bid.ts';
import type { Platform } from './platform.ts';
import {
  bidCommitment,
  commitTypes,
  marketDomain,
  readingTypes,
  SIDE_CODE,
  type SealedBid,
} from './typedData.ts';

export interface SignedCommit {
  readonly participant: Address;
  readonly period: bigint;
  readonly commitment: Hex;
  readonly signature: Hex;
}

export interface SignedReading {
  readonly meter: Address;
  readonly participantId: number;
  readonly period: bigint;
  readonly importWh: bigint;
  readonly exportWh: bigint;
  readonly signature: Hex;
}

export interface BidIntent {
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
}

/** Seals a bid and signs its commitment. Keep `sealed` (with its salt) secret until the reveal window. */
export async function sealBid(
  platform: Platform,
  participant: LocalAccount,
  period: bigint,
  intent: BidIntent,
  salt: Hex = toHex(randomBytes(32)),
  participantId?: number,
): Promise<{ sealed: SealedBid; commit: SignedCommit }> {
  const id = participantId ?? (await platform.read.registry.read.participantIdOf([participant.address]));
  const sealed: SealedBid = { participant: participant.address, participantId: id, period, salt, ...intent };
  const commitment = bidCommitment(sealed);
  const signature = await participant.signTypedData({
    domain: marketDomain(platform.connection.chain.id, platform.deployment.market),
    types: commitTypes,
    primaryType: 'Commit',
    message: { participant: participant.address, period, commitment },
  });
  return { sealed, commit: { participant: participant.address, period, commitment, signature } };
}

/** The meter signs what it measured in a delivery period, with its own key. */
export async function signReading(
  platform: Platform,
  meter: LocalAccount,
  reading: { participantId: number; period: bigint; importWh: bigint; exportWh: bigint },
): Promise<SignedReading> {
  const signature = await meter.signTypedData({
    domain: marketDomain(platform.connection.chain.id, platform.deployment.market),
    types: readingTypes,
    primaryType: 'Reading',
    message: {
      meter: meter.address,
      participantId: reading.participantId,
      period: reading.period,
      importWh: reading.importWh,
      exportWh: reading.exportWh,
    },
  });
  const { participantId, period, importWh, exportWh } = reading;
  return { meter: meter.address, participantId, period, importWh, exportWh, signature };
}

/** The reveal as the contract's `Reveal` struct. */
export const revealArgument = (bid: SealedBid) => ({
  participantId: bid.participantId,
  period: bid.period,
  side: SIDE_CODE[bid.side],
  quantityWh: bid.quantityWh,
  pricePerWh: bid.pricePerWh,
  salt: bid.salt,
});
