/**
 * EIP-712 commits and readings signed from a precomputed domain separator and hand-packed structs:
 * the same bytes viem's signTypedData signs, at about half its cost, which matters when a day of
 * 1,000 participants needs 190,000 signatures. `checkFastSigning` proves the equivalence against
 * viem once per run.
 */
import { concat, hashDomain, keccak256, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount, sign } from 'viem/accounts';
import type { SignedCommit, SignedReading } from '../chain/bidding.ts';
import { commitTypes, marketDomain, readingTypes, SIDE_CODE, type SealedBid } from '../chain/typedData.ts';

const COMMIT_TYPEHASH = keccak256(toHex('Commit(address participant,uint256 period,bytes32 commitment)'));
const READING_TYPEHASH = keccak256(
  toHex('Reading(address meter,uint32 participantId,uint256 period,uint256 importWh,uint256 exportWh)'),
);

const word = (value: bigint | number): string => BigInt(value).toString(16).padStart(64, '0');
const addressWord = (address: Address): string => address.slice(2).toLowerCase().padStart(64, '0');

export interface FastSigner {
  /** The commitment and the EIP-712 digest a commit signs. */
  commitDigest(bid: SealedBid): { commitment: Hex; hash: Hex };
  /** The EIP-712 digest a reading signs. */
  readingDigest(meter: Address, r: ReadingFields): Hex;
  commit(key: Hex, bid: SealedBid): Promise<{ commit: SignedCommit }>;
  reading(key: Hex, meter: Address, r: ReadingFields): Promise<SignedReading>;
}

export interface ReadingFields {
  readonly participantId: number;
  readonly period: bigint;
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

/** keccak256(abi.encode(participant, period, side, quantityWh, pricePerWh, salt)). */
export const fastCommitment = (bid: SealedBid): Hex =>
  keccak256(
    `0x${addressWord(bid.participant)}${word(bid.period)}${word(SIDE_CODE[bid.side])}${word(bid.quantityWh)}${word(bid.pricePerWh)}${bid.salt.slice(2)}`,
  );

export function fastSigner(chainId: number, market: Address): FastSigner {
  const separator = hashDomain({
    domain: {
      ...marketDomain(chainId, market),
      name: 'WattLedger Market',
      version: '1',
      chainId: BigInt(chainId),
      verifyingContract: market,
    },
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
    },
  });
  const digest = (structHash: Hex) => keccak256(concat(['0x1901', separator, structHash]));
  const commitDigest = (bid: SealedBid) => {
    const commitment = fastCommitment(bid);
    const hash = digest(
      keccak256(`${COMMIT_TYPEHASH}${addressWord(bid.participant)}${word(bid.period)}${commitment.slice(2)}`),
    );
    return { commitment, hash };
  };
  const readingDigest = (meter: Address, r: ReadingFields) =>
    digest(
      keccak256(
        `${READING_TYPEHASH}${addressWord(meter)}${word(r.participantId)}${word(r.period)}${word(r.importWh)}${word(r.exportWh)}`,
      ),
    );
  return {
    commitDigest,
    readingDigest,
    async commit(key, bid) {
      const { commitment, hash } = commitDigest(bid);
      const signature = await sign({ hash, privateKey: key, to: 'hex' });
      return { commit: { participant: bid.participant, period: bid.period, commitment, signature } };
    },
    async reading(key, meter, r) {
      const signature = await sign({ hash: readingDigest(meter, r), privateKey: key, to: 'hex' });
      return { meter, ...r, signature };
    },
  };
}

/** Signs one commit and one reading both ways and refuses to go on if they differ. */
export async function checkFastSigning(
  signer: Pick<FastSigner, 'commit' | 'reading'>,
  chainId: number,
  market: Address,
  key: Hex,
): Promise<void> {
  const account = privateKeyToAccount(key);
  const bid: SealedBid = {
    participant: account.address,
    participantId: 1,
    period: 7n,
    side: 'buy',
    quantityWh: 1234n,
    pricePerWh: 567n,
    salt: keccak256('0x01'),
  };
  const domain = marketDomain(chainId, market);
  const fast = await signer.commit(key, bid);
  const slow = await account.signTypedData({
    domain,
    types: commitTypes,
    primaryType: 'Commit',
    message: { participant: account.address, period: 7n, commitment: fast.commit.commitment },
  });
  const reading = { participantId: 3, period: 9n, importWh: 10n, exportWh: 0n };
  const fastReading = await signer.reading(key, account.address, reading);
  const slowReading = await account.signTypedData({
    domain,
    types: readingTypes,
    primaryType: 'Reading',
    message: { meter: account.address, ...reading },
  });
  if (fast.commit.signature !== slow || fastReading.signature !== slowReading) {
    throw new Error('the fast EIP-712 signer disagrees with viem; refusing to sign with it');
  }
}
