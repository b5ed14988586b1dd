/** Registration, authorisation, meters, deposits and withdrawals. */
import {
  keccak256,
  parseEventLogs,
  toHex,
  type Account,
  type Address,
  type Hex,
  type LocalAccount,
} from 'viem';
import { participantRegistryAbi } from './generated/ParticipantRegistry.ts';
import { settlementTokenAbi } from './generated/SettlementToken.ts';
import type { Platform } from './platform.ts';
import { confirm, executeIndependent } from './transactions.ts';
import {
  KIND_CODE,
  registrationTypes,
  registryDomain,
  withdrawalTypes,
  marketDomain,
  type ParticipantKind,
} from './typedData.ts';

export interface ParticipantProfile {
  readonly name: string;
  readonly kind: ParticipantKind;
  readonly greenSupply: boolean;
  readonly greenPreference: boolean;
}

/** A participant's signature over its registration (EIP-712), which anyone may then submit. */
export async function signRegistration(
  platform: Platform,
  participant: LocalAccount,
  profile: ParticipantProfile,
): Promise<Hex> {
  return await participant.signTypedData({
    domain: registryDomain(platform.connection.chain.id, platform.deployment.registry),
    types: registrationTypes,
    primaryType: 'Registration',
    message: {
      account: participant.address,
      name: profile.name,
      kind: KIND_CODE[profile.kind],
      greenSupply: profile.greenSupply,
      greenPreference: profile.greenPreference,
    },
  });
}

/** Signed registrations in the form registerBatchBySignature takes. */
async function signRegistrations(platform: Platform, enrolments: readonly Enrolment[]) {
  return await Promise.all(
    enrolments.map(async ({ account, profile }) => ({
      account: account.address,
      name: profile.name,
      kind: KIND_CODE[profile.kind],
      greenSupply: profile.greenSupply,
      greenPreference: profile.greenPreference,
      signature: await signRegistration(platform, account, profile),
    })),
  );
}

/** Registration batches signed and sent at a time: bounds the signatures held in memory. */
const REGISTRATIONS_SENT_TOGETHER = 50;

/** The participant signs its registration; the relayer submits it, so the participant needs no ether. */
export async function registerBySignature(
  platform: Platform,
  relayer: Account,
  participant: LocalAccount,
  profile: ParticipantProfile,
): Promise<number> {
  const signature = await signRegistration(platform, participant, profile);
  const receipt = await confirm(platform.connection, `register ${profile.name}`, () =>
    platform
      .as(relayer)
      .registry.write.registerBySignature([
        participant.address,
        profile.name,
        KIND_CODE[profile.kind],
        profile.greenSupply,
        profile.greenPreference,
        signature,
      ]),
  );
  const [event] = parseEventLogs({
    abi: participantRegistryAbi,
    logs: receipt.logs,
    eventName: 'ParticipantRegistered',
  });
  if (event === undefined) throw new Error('registration emitted no ParticipantRegistered event');
  return event.args.participantId;
}

export async function authoriseParticipant(platform: Platform, operator: Account, participantId: number) {
  return await confirm(platform.connection, `authorise participant ${participantId}`, () =>
    platform.as(operator).registry.write.authorise([participantId]),
  );
}

export async function revokeParticipant(platform: Platform, operator: Account, participantId: number) {
  return await confirm(platform.connection, `revoke participant ${participantId}`, () =>
    platform.as(operator).registry.write.revoke([participantId]),
  );
}

/** `meterNumber`: the meter's 12-digit DL/T 645 address as written on its plate. */
export async function bindMeter(
  platform: Platform,
  operator: Account,
  participantId: number,
  meter: Address,
  meterNumber: string,
) {
  if (!/^\d{12}$/.test(meterNumber))
    throw new Error(`meterNumber: "${meterNumber}" is not 12 decimal digits`);
  return await confirm(platform.connection, `bind meter ${meterNumber}`, () =>
    platform.as(operator).registry.write.bindMeter([participantId, meter, `0x${meterNumber}`]),
  );
}

/** A fiat transfer's reference (bank or e-CNY id) as the bytes32 the token records. */
export const fiatReference = (text: string): Hex => keccak256(toHex(text));

/** The settlement agent mints tokens against a fiat deposit. */
export async function deposit(
  platform: Platform,
  agent: Account,
  to: Address,
  amount: bigint,
  reference: string,
) {
  return await confirm(platform.connection, `deposit to ${to}`, () =>
    platform.as(agent).token.write.mint([to, amount, fiatReference(reference)]),
  );
}

/**
 * What participant `id` may withdraw now: what the sealed-bid market leaves free (its open bids'
 * margins, its debt), less anything further ledgers hold for the account (the continuous market's
 * margins, reservations and debt), which the token enforces at the burn.
 */
export async function withdrawableNow(platform: Platform, id: number): Promise<bigint> {
  const [account, balance, , marketFree] = await platform.read.market.read.participantState([id]);
  const held = await platform.read.token.read.heldFor([account]);
  const tokenFree = balance > held ? balance - held : 0n;
  return marketFree < tokenFree ? marketFree : tokenFree;
}

/** The participant consents by signature; the settlement agent burns and pays out in fiat. */
export async function withdraw(
  platform: Platform,
  agent: Account,
  participant: LocalAccount,
  amount: bigint,
  reference: string,
  validForSeconds = 3_600n,
) {
  const nonce = await platform.read.market.read.nonces([participant.address]);
  const block = await platform.connection.publicClient.getBlock();
  const deadline = block.timestamp + validForSeconds;
  const signature = await participant.signTypedData({
    domain: marketDomain(platform.connection.chain.id, platform.deployment.market),
    types: withdrawalTypes,
    primaryType: 'Withdrawal',
    message: { participant: participant.address, amount, nonce, deadline },
  });
  return await confirm(platform.connection, `withdraw from ${participant.address}`, () =>
    platform
      .as(agent)
      .market.write.withdraw([participant.address, amount, deadline, signature, fiatReference(reference)]),
  );
}

export interface Enrolment {
  readonly account: LocalAccount;
  readonly profile: ParticipantProfile;
  readonly meter?: { readonly address: Address; readonly number: string };
  readonly deposit?: bigint;
}

/**
 * Items per transaction in each phase of an enrolment. Measured per item with 100,000 participants:
 * 85.7 k gas per registration (more with a longer name), 7.7 k per authorisation, 49 k per meter,
 * 28.7 k per deposit; each batch stays under about 12 M gas, below the 16.7 M cap.
 */
const ENROLMENT_BATCH = { registration: 100, authorisation: 1_000, meters: 200, deposits: 400 } as const;

/**
 * Enrols many participants with few transactions: signed registrations in batches through the
 * relayer, then the operator's bulk authorisation and meter binding, then the agent's bulk deposits.
 * Returns the participant ids in the order given.
 */
export async function enrolMany(
  platform: Platform,
  roles: { relayer: Account; operator: Account; settlementAgent: Account },
  enrolments: readonly Enrolment[],
  options: {
    /** Items per transaction in every phase (default: per phase, see ENROLMENT_BATCH). */
    batchSize?: number;
    onProgress?: (done: number, total: number) => void;
    /** Told when a later phase (authorisation, meters, deposits) starts. */
    onPhase?: (phase: string) => void;
    /**
     * Each phase's transactions in as few blocks as possible (the embedded chain only; see
     * sendTogether). A large enrolment then costs a few blocks instead of one per batch.
     */
    together?: boolean;
  } = {},
): Promise<number[]> {
  const registry = { address: platform.deployment.registry, abi: participantRegistryAbi } as const;
  const ids: number[] = [];
  const chunks = <T>(items: readonly T[], phase: keyof typeof ENROLMENT_BATCH) => {
    const size = options.batchSize ?? ENROLMENT_BATCH[phase];
    return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
      items.slice(i * size, (i + 1) * size),
    );
  };
  const { connection } = platform;
  const together = { together: options.together };
  const registrations = chunks(enrolments, 'registration');
  // Signed as they are sent in order: the relayer's batches are independent of each other.
  for (let first = 0; first < registrations.length; first += REGISTRATIONS_SENT_TOGETHER) {
    const group = registrations.slice(first, first + REGISTRATIONS_SENT_TOGETHER);
    const calls = await Promise.all(
      group.map(async (chunk) => ({
        ...registry,
        functionName: 'registerBatchBySignature' as const,
        args: [await signRegistrations(platform, chunk)] as const,
      })),
    );
    const receipts = await executeIndependent(
      connection,
      roles.relayer,
      calls,
      (i) => `register ${group[i]!.length} participants`,
      together,
    );
    for (const receipt of receipts) {
      const events = parseEventLogs({
        abi: participantRegistryAbi,
        logs: receipt.logs,
        eventName: 'ParticipantRegistered',
      });
      ids.push(...events.map((e) => e.args.participantId));
      options.onProgress?.(ids.length, enrolments.length);
    }
  }
  options.onPhase?.(`authorising ${ids.length} participants`);
  await executeIndependent(
    connection,
    roles.operator,
    chunks(ids, 'authorisation').map((chunk) => ({
      ...registry,
      functionName: 'authoriseBatch' as const,
      args: [chunk] as const,
    })),
    () => `authorise participants`,
    together,
  );
  const metered = enrolments.flatMap((e, i) => (e.meter === undefined ? [] : [{ id: ids[i]!, ...e.meter }]));
  options.onPhase?.(`binding ${metered.length} meters`);
  await executeIndependent(
    connection,
    roles.operator,
    chunks(metered, 'meters').map((chunk) => ({
      ...registry,
      functionName: 'bindMeterBatch' as const,
      args: [
        chunk.map((m) => m.id),
        chunk.map((m) => m.address),
        chunk.map((m) => `0x${m.number}` as Hex),
      ] as const,
    })),
    () => `bind meters`,
    together,
  );
  const funded = enrolments.flatMap((e) =>
    e.deposit === undefined || e.deposit === 0n ? [] : [{ to: e.account.address, amount: e.deposit }],
  );
  options.onPhase?.(`depositing to ${funded.length} participants`);
  await executeIndependent(
    connection,
    roles.settlementAgent,
    chunks(funded, 'deposits').map((chunk) => ({
      address: platform.deployment.token,
      abi: settlementTokenAbi,
      functionName: 'mintBatch' as const,
      args: [
        chunk.map((d) => d.to),
        chunk.map((d) => d.amount),
        chunk.map((d) => fiatReference(`opening deposit ${d.to}`)),
      ] as const,
    })),
    () => `deposit to participants`,
    together,
  );
  return ids;
}
