/**
 * What participants and meters sign (EIP-712) and how sealed bids are hashed: the same encodings
 * the contracts check.
 */
import {
  encodeAbiParameters,
  encodePacked,
  keccak256,
  type Address,
  type Hex,
  type TypedDataDomain,
} from 'viem';
import type { Side } from '../core/bid.ts';

export const SIDE_CODE = { sell: 0, buy: 1 } as const;
export const KIND_CODE = { producer: 0, consumer: 1, prosumer: 2 } as const;
export type ParticipantKind = keyof typeof KIND_CODE;

export const marketDomain = (chainId: number, market: Address): TypedDataDomain => ({
  name: 'WattLedger Market',
  version: '1',
  chainId,
  verifyingContract: market,
});

export const registryDomain = (chainId: number, registry: Address): TypedDataDomain => ({
  name: 'WattLedger Registry',
  version: '1',
  chainId,
  verifyingContract: registry,
});

export const commitTypes = {
  Commit: [
    { name: 'participant', type: 'address' },
    { name: 'period', type: 'uint256' },
    { name: 'commitment', type: 'bytes32' },
  ],
} as const;

export const readingTypes = {
  Reading: [
    { name: 'meter', type: 'address' },
    { name: 'participantId', type: 'uint32' },
    { name: 'period', type: 'uint256' },
    { name: 'importWh', type: 'uint256' },
    { name: 'exportWh', type: 'uint256' },
  ],
} as const;

export const withdrawalTypes = {
  Withdrawal: [
    { name: 'participant', type: 'address' },
    { name: 'amount', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

export const registrationTypes = {
  Registration: [
    { name: 'account', type: 'address' },
    { name: 'name', type: 'string' },
    { name: 'kind', type: 'uint8' },
    { name: 'greenSupply', type: 'bool' },
    { name: 'greenPreference', type: 'bool' },
  ],
} as const;

export interface SealedBid {
  readonly participant: Address;
  /** The registry id; the reveal names the bidder by it. */
  readonly participantId: number;
  readonly period: bigint;
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  readonly salt: Hex;
}

/** keccak256(abi.encode(participant, period, side, quantityWh, pricePerWh, salt)), as EnergyMarket checks. */
export function bidCommitment(bid: SealedBid): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'address' },
        { type: 'uint256' },
        { type: 'uint8' },
        { type: 'uint256' },
        { type: 'uint256' },
        { type: 'bytes32' },
      ],
      [bid.participant, bid.period, SIDE_CODE[bid.side], bid.quantityWh, bid.pricePerWh, bid.salt],
    ),
  );
}

/** The tie-break rank of a participant in a period (BidSlots.rank). */
export function bidRank(period: bigint, participantId: number): bigint {
  return BigInt(keccak256(encodePacked(['uint32', 'uint32'], [Number(period), participantId])));
}

/** BidSlots flags, as the contract packs them. */
export const BID_FLAGS = {
  committed: 1,
  revealed: 2,
  sell: 4,
  green: 8,
  voided: 16,
  read: 32,
  settled: 64,
  /** Committed while reputation was on: the bid carries its participant's score. */
  reputed: 128,
} as const;
