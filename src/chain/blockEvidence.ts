/**
 * What a participant can check about a record on the chain without trusting the node that serves
 * it: a block header hashes to the block hash it holds (and that every later block names as its
 * parent), the header's receipts root is the Merkle-Patricia root of the block's receipts, and the
 * log it cares about is in one of those receipts. Change any byte of a past log and one of the
 * three no longer holds.
 *
 * Headers and receipts are taken as the node's JSON-RPC returns them and encoded here, so that the
 * hashes are recomputed, not read.
 */
import { keccak256, numberToHex, size, toRlp, type Hex, type PublicClient } from 'viem';
import { WattLedgerError } from '../core/errors.ts';

/** A block header as eth_getBlockByNumber returns it (only the fields the hash covers are used). */
export type RawHeader = Readonly<Record<string, Hex | unknown>>;

export interface RawLog {
  readonly address: Hex;
  readonly topics: readonly Hex[];
  readonly data: Hex;
  readonly logIndex: Hex;
  readonly transactionHash: Hex;
}

export interface RawReceipt {
  readonly type: Hex;
  readonly status: Hex;
  readonly cumulativeGasUsed: Hex;
  readonly logsBloom: Hex;
  readonly logs: readonly RawLog[];
  readonly transactionHash: Hex;
}

export interface BlockEvidence {
  readonly header: RawHeader;
  readonly receipts: readonly RawReceipt[];
}

export type EvidenceProblem = 'HEADER_HASH_MISMATCH' | 'RECEIPTS_ROOT_MISMATCH' | 'LOG_NOT_FOUND';

/** The evidence does not prove the record: the block, its receipts or the log were changed. */
export class EvidenceMismatchError extends WattLedgerError {
  override readonly name = 'EvidenceMismatchError';
  constructor(problem: EvidenceProblem, message: string, details: Record<string, unknown> = {}) {
    super(problem, message, { details });
  }
}

/** Header fields in the order the hash covers them; the later ones exist from their fork on. */
const HEADER_FIELDS = [
  ['parentHash', 'bytes'],
  ['sha3Uncles', 'bytes'],
  ['miner', 'bytes'],
  ['stateRoot', 'bytes'],
  ['transactionsRoot', 'bytes'],
  ['receiptsRoot', 'bytes'],
  ['logsBloom', 'bytes'],
  ['difficulty', 'quantity'],
  ['number', 'quantity'],
  ['gasLimit', 'quantity'],
  ['gasUsed', 'quantity'],
  ['timestamp', 'quantity'],
  ['extraData', 'bytes'],
  ['mixHash', 'bytes'],
  ['nonce', 'bytes'],
  ['baseFeePerGas', 'quantity'],
  ['withdrawalsRoot', 'bytes'],
  ['blobGasUsed', 'quantity'],
  ['excessBlobGas', 'quantity'],
  ['parentBeaconBlockRoot', 'bytes'],
  ['requestsHash', 'bytes'],
] as const;
/** Fields before this one are in every header; from here on a header has a prefix of them. */
const FIRST_FORK_FIELD = 15;

/** An integer as RLP wants it: big-endian, no leading zero byte, zero as the empty string. */
function quantity(value: Hex | bigint | number): Hex {
  const n = BigInt(value);
  if (n === 0n) return '0x';
  const digits = n.toString(16);
  return `0x${digits.length % 2 === 1 ? '0' : ''}${digits}`;
}

/** The header as the block hash covers it (RLP). */
export function encodeHeader(header: RawHeader): Hex {
  const fields: Hex[] = [];
  HEADER_FIELDS.forEach(([name, kind], i) => {
    const value = header[name] as Hex | undefined;
    if (value === undefined) {
      if (i < FIRST_FORK_FIELD)
        throw new EvidenceMismatchError('HEADER_HASH_MISMATCH', `header has no ${name}`);
      return;
    }
    fields.push(kind === 'quantity' ? quantity(value) : value);
  });
  return toRlp(fields);
}

export const headerHash = (header: RawHeader): Hex => keccak256(encodeHeader(header));

/** A receipt as the receipts trie holds it (EIP-2718: type byte, then the RLP list). */
export function encodeReceipt(receipt: RawReceipt): Hex {
  const body = toRlp([
    BigInt(receipt.status) === 1n ? '0x01' : '0x',
    quantity(receipt.cumulativeGasUsed),
    receipt.logsBloom,
    receipt.logs.map((l) => [l.address, [...l.topics], l.data]),
  ]);
  const type = Number(receipt.type);
  return type === 0 ? body : `0x${type.toString(16).padStart(2, '0')}${body.slice(2)}`;
}

type TrieNode = Hex | readonly TrieNode[];
interface Entry {
  readonly key: readonly number[];
  readonly value: Hex;
}

const nibbles = (hex: Hex): number[] => [...hex.slice(2)].map((c) => Number.parseInt(c, 16));

/** Hex-prefix encoding of a path (Yellow Paper, appendix C). */
function hexPrefix(path: readonly number[], leaf: boolean): Hex {
  const odd = path.length % 2 === 1;
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  const digits = odd ? [flag, ...path] : [flag, 0, ...path];
  return `0x${digits.map((d) => d.toString(16)).join('')}`;
}

/** A child as its parent holds it: inline when its encoding is under 32 bytes, else by hash. */
function reference(node: TrieNode): TrieNode {
  const encoded = toRlp(node as Hex);
  return size(encoded) < 32 ? node : keccak256(encoded);
}

function trieNode(entries: readonly Entry[], depth: number): TrieNode {
  if (entries.length === 1) return [hexPrefix(entries[0]!.key.slice(depth), true), entries[0]!.value];
  const shortest = Math.min(...entries.map((e) => e.key.length));
  let shared = 0;
  while (
    depth + shared < shortest &&
    entries.every((e) => e.key[depth + shared] === entries[0]!.key[depth + shared])
  ) {
    shared++;
  }
  if (shared > 0) {
    const path = entries[0]!.key.slice(depth, depth + shared);
    return [hexPrefix(path, false), reference(trieNode(entries, depth + shared))];
  }
  const children: Entry[][] = Array.from({ length: 16 }, () => []);
  let value: Hex = '0x';
  for (const e of entries) {
    if (e.key.length === depth) value = e.value;
    else children[e.key[depth]!]!.push(e);
  }
  return [...children.map((c) => (c.length === 0 ? '0x' : reference(trieNode(c, depth + 1)))), value];
}

/** The Merkle-Patricia root of a block's receipts, keyed by RLP(transaction index). */
export function receiptsRoot(receipts: readonly RawReceipt[]): Hex {
  if (receipts.length === 0) return keccak256(toRlp('0x'));
  const entries = receipts.map((r, i) => ({ key: nibbles(toRlp(quantity(i))), value: encodeReceipt(r) }));
  return keccak256(toRlp(trieNode(entries, 0) as Hex));
}

/** The header and every receipt of a block, as the node serves them. */
export async function fetchBlockEvidence(client: PublicClient, blockNumber: bigint): Promise<BlockEvidence> {
  const tag = numberToHex(blockNumber);
  const [header, receipts] = await Promise.all([
    client.request({ method: 'eth_getBlockByNumber', params: [tag, false] }),
    client.request({ method: 'eth_getBlockReceipts', params: [tag] }),
  ]);
  return { header: header as unknown as RawHeader, receipts: receipts as unknown as RawReceipt[] };
}

/**
 * Checks that `evidence` proves the log at (`transactionHash`, `logIndex`) in the block whose hash
 * the participant holds, and returns that log. Throws EvidenceMismatchError naming what failed.
 */
export function verifyLog(
  evidence: BlockEvidence,
  trustedBlockHash: Hex,
  location: { readonly transactionHash: Hex; readonly logIndex: number },
): RawLog {
  const computed = headerHash(evidence.header);
  if (computed !== trustedBlockHash.toLowerCase()) {
    throw new EvidenceMismatchError(
      'HEADER_HASH_MISMATCH',
      `the header hashes to ${computed}, not to the block hash ${trustedBlockHash} the participant holds`,
      { computed, trustedBlockHash },
    );
  }
  const root = receiptsRoot(evidence.receipts);
  if (root !== evidence.header.receiptsRoot) {
    throw new EvidenceMismatchError(
      'RECEIPTS_ROOT_MISMATCH',
      `the receipts served hash to root ${root}, not to the header's ${String(evidence.header.receiptsRoot)}`,
      { computed: root, header: evidence.header.receiptsRoot },
    );
  }
  const log = evidence.receipts
    .filter((r) => r.transactionHash === location.transactionHash)
    .flatMap((r) => r.logs)
    .find((l) => Number(l.logIndex) === location.logIndex);
  if (log === undefined) {
    throw new EvidenceMismatchError(
      'LOG_NOT_FOUND',
      `no log ${location.logIndex} of transaction ${location.transactionHash} in the block's receipts`,
      location,
    );
  }
  return log;
}
