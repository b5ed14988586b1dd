/**
 * One typed client per role, bound to that role's account: what each role may do, and nothing else.
 * They compose the SDK's functions; the contracts check every permission again.
 */
import type { Account, Address, LocalAccount } from 'viem';
import type { BidIntent } from './bidding.ts';
import { sealBid, signReading } from './bidding.ts';
import { clearPeriodOnChain, type ClearOptions } from './clearing.ts';
import { toContractParameters, type MarketParameters } from './deploy.ts';
import {
  authoriseParticipant,
  bindMeter,
  deposit,
  registerBySignature,
  revokeParticipant,
  withdraw,
  type ParticipantProfile,
} from './participants.ts';
import type { Platform } from './platform.ts';
import type { Relayer } from './relayer.ts';
import { settlePeriodOnChain } from './settlement.ts';
import { confirm } from './transactions.ts';
import type { SealedBid } from './typedData.ts';

export function operatorClient(platform: Platform, operator: Account) {
  return {
    authorise: (participantId: number) => authoriseParticipant(platform, operator, participantId),
    revoke: (participantId: number) => revokeParticipant(platform, operator, participantId),
    bindMeter: (participantId: number, meter: Address, meterNumber: string) =>
      bindMeter(platform, operator, participantId, meter, meterNumber),
    setParameters: (parameters: MarketParameters) =>
      confirm(platform.connection, 'set market parameters', () =>
        platform.as(operator).market.write.setParameters([toContractParameters(parameters)]),
      ),
  };
}

export function settlementAgentClient(platform: Platform, agent: Account) {
  return {
    /** Mints against a fiat deposit identified by `reference`. */
    deposit: (to: Address, amount: bigint, reference: string) =>
      deposit(platform, agent, to, amount, reference),
    /** Burns a participant's tokens for a fiat payout, with the participant's signed consent. */
    withdraw: (participant: LocalAccount, amount: bigint, reference: string) =>
      withdraw(platform, agent, participant, amount, reference),
  };
}

/** Clears and settles periods; permissionless, so any account with ether for gas may keep. */
export function keeperClient(platform: Platform, keeper: Account) {
  return {
    clear: (period: bigint, options?: ClearOptions) => clearPeriodOnChain(platform, keeper, period, options),
    settle: (period: bigint) => settlePeriodOnChain(platform, keeper, period),
  };
}

/** A participant acts only by signing; the relayer submits and pays the gas. */
export function participantClient(
  platform: Platform,
  participant: LocalAccount,
  relayer: Relayer,
  relayerAccount: Account,
) {
  return {
    address: participant.address,
    register: (profile: ParticipantProfile) =>
      registerBySignature(platform, relayerAccount, participant, profile),
    /** Commits a sealed bid; keep the returned bid (its salt) to reveal it later. */
    async commit(period: bigint, intent: BidIntent): Promise<SealedBid> {
      const { sealed, commit } = await sealBid(platform, participant, period, intent);
      const receipt = relayer.commit(commit);
      await relayer.flush();
      await receipt;
      return sealed;
    },
    async reveal(bid: SealedBid) {
      const receipt = relayer.reveal(bid);
      await relayer.flush();
      return await receipt;
    },
  };
}

/** A smart meter signs each period's energy with its own key. */
export function meterClient(platform: Platform, meter: LocalAccount, relayer: Relayer) {
  return {
    address: meter.address,
    async report(participantId: number, period: bigint, importWh: bigint, exportWh: bigint) {
      const receipt = relayer.reading(
        await signReading(platform, meter, { participantId, period, importWh, exportWh }),
      );
      await relayer.flush();
      return await receipt;
    },
  };
}
