/**
 * The simulation's signatures and key derivations on worker threads: a day of 1,000 participants
 * needs about 140,000 EIP-712 signatures (a commit and a reading per bid), which on the main thread
 * took more wall time than the chain. The main thread hashes (fastSigning.ts, cheap); the workers
 * run viem's own `sign`, `signTypedData` and `privateKeyToAddress` (its CommonJS build, the same
 * code), so the bytes are the ones viem gives. `checkSigningPool` proves it once per run. With no
 * workers everything runs in-thread.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Address, Hex, SignTypedDataParameters } from 'viem';
import { privateKeyToAccount, privateKeyToAddress, sign, signTypedData } from 'viem/accounts';
import type { SignedCommit, SignedReading } from '../chain/bidding.ts';
import type { SealedBid } from '../chain/typedData.ts';
import { checkFastSigning, fastSigner, type ReadingFields } from './fastSigning.ts';

export interface CommitItem {
  readonly key: Hex;
  readonly bid: SealedBid;
}
export interface ReadingItem {
  readonly key: Hex;
  readonly meter: Address;
  readonly reading: ReadingFields;
}
export interface TypedDataItem {
  readonly key: Hex;
  readonly typedData: Omit<SignTypedDataParameters, 'account' | 'privateKey'>;
}

export interface SigningSetup {
  readonly chainId: number;
  readonly market: Address;
}

type Operation =
  | { readonly op: 'sign'; readonly items: readonly { key: Hex; hash: Hex }[] }
  | { readonly op: 'typedData'; readonly items: readonly TypedDataItem[] }
  | { readonly op: 'address'; readonly items: readonly Hex[] };
type Reply =
  { readonly id: number; readonly results: Hex[] } | { readonly id: number; readonly error: string };

export interface SigningPool {
  readonly workers: number;
  commits(items: readonly CommitItem[]): Promise<{ commit: SignedCommit }[]>;
  readings(items: readonly ReadingItem[]): Promise<SignedReading[]>;
  typedData(items: readonly TypedDataItem[]): Promise<Hex[]>;
  addresses(keys: readonly Hex[]): Promise<Address[]>;
  close(): Promise<void>;
}

/** Below this many items per worker a batch is not split further (a round trip costs more). */
const MIN_SHARE = 16;

/**
 * A worker's code, plain JavaScript over viem's CommonJS build: a TypeScript worker would need the
 * project's loader (tsx), whose hooks do not reach worker threads on Node 20.
 */
const workerSource = (viemAccounts: string) => `
const { parentPort } = require('node:worker_threads');
const { sign, signTypedData, privateKeyToAddress } = require(${JSON.stringify(viemAccounts)});
const run = {
  sign: (xs) => Promise.all(xs.map((x) => sign({ hash: x.hash, privateKey: x.key, to: 'hex' }))),
  typedData: (xs) => Promise.all(xs.map((x) => signTypedData({ privateKey: x.key, ...x.typedData }))),
  address: async (xs) => xs.map((key) => privateKeyToAddress(key)),
};
parentPort.on('message', ({ id, op, items }) => {
  run[op](items).then(
    (results) => parentPort.postMessage({ id, results }),
    (error) => parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) }),
  );
});
`;

const runInThread: {
  [K in Operation['op']]: (items: Extract<Operation, { op: K }>['items']) => Promise<Hex[]>;
} = {
  sign: (xs) => Promise.all(xs.map((x) => sign({ hash: x.hash, privateKey: x.key, to: 'hex' }))),
  typedData: (xs) =>
    Promise.all(
      xs.map((x) =>
        signTypedData({ privateKey: x.key, ...x.typedData } as Parameters<typeof signTypedData>[0]),
      ),
    ),
  address: async (xs) => xs.map((key) => privateKeyToAddress(key)),
};

export function startSigningPool(workers: number, setup: SigningSetup): SigningPool {
  const hashes = fastSigner(setup.chainId, setup.market);
  const source = workerSource(createRequire(import.meta.url).resolve('viem/accounts'));
  const threads = Array.from({ length: workers }, () => new Worker(source, { eval: true }));
  const pending = new Map<number, { resolve(results: Hex[]): void; reject(error: Error): void }>();
  let nextId = 0;
  let nextThread = 0;
  for (const thread of threads) {
    thread.on('message', (reply: Reply) => {
      const job = pending.get(reply.id);
      pending.delete(reply.id);
      if ('error' in reply) job?.reject(new Error(`signing worker: ${reply.error}`));
      else job?.resolve(reply.results);
    });
    thread.on('error', (error) => {
      for (const job of pending.values()) job.reject(error);
      pending.clear();
    });
    // An idle pool never keeps the process alive.
    thread.unref();
  }

  const send = (thread: Worker, id: number, operation: Operation) =>
    new Promise<Hex[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      thread.postMessage({ id, ...operation });
    });

  /** Splits a batch into contiguous shares, one per worker, and joins the results in order. */
  async function run(operation: Operation): Promise<Hex[]> {
    const { items } = operation;
    if (threads.length === 0 || items.length === 0) return await runInThread[operation.op](items as never);
    const shares = Math.max(1, Math.min(threads.length, Math.floor(items.length / MIN_SHARE)));
    const size = Math.ceil(items.length / shares);
    const parts = await Promise.all(
      Array.from({ length: shares }, (_, i) =>
        send(threads[nextThread++ % threads.length]!, nextId++, {
          op: operation.op,
          items: items.slice(i * size, (i + 1) * size),
        } as Operation),
      ),
    );
    return parts.flat();
  }

  return {
    workers,
    async commits(items) {
      const digests = items.map((x) => hashes.commitDigest(x.bid));
      const signatures = await run({
        op: 'sign',
        items: items.map((x, i) => ({ key: x.key, hash: digests[i]!.hash })),
      });
      return items.map(({ bid }, i) => ({
        commit: {
          participant: bid.participant,
          period: bid.period,
          commitment: digests[i]!.commitment,
          signature: signatures[i]!,
        },
      }));
    },
    async readings(items) {
      const signatures = await run({
        op: 'sign',
        items: items.map((x) => ({ key: x.key, hash: hashes.readingDigest(x.meter, x.reading) })),
      });
      return items.map((x, i) => ({ meter: x.meter, ...x.reading, signature: signatures[i]! }));
    },
    typedData: (items) => run({ op: 'typedData', items }),
    addresses: async (keys) => (await run({ op: 'address', items: keys })) as Address[],
    async close() {
      await Promise.all(threads.map((t) => t.terminate()));
    },
  };
}

/**
 * Proves the pool against viem before it signs anything: a commit and a reading signed through it
 * equal viem's signTypedData (checkFastSigning), and an address derived by it equals viem's.
 */
export async function checkSigningPool(pool: SigningPool, setup: SigningSetup, key: Hex): Promise<void> {
  await checkFastSigning(
    {
      commit: async (k, bid) => (await pool.commits([{ key: k, bid }]))[0]!,
      reading: async (k, meter, reading) => (await pool.readings([{ key: k, meter, reading }]))[0]!,
    },
    setup.chainId,
    setup.market,
    key,
  );
  const [address] = await pool.addresses([key]);
  if (address !== privateKeyToAccount(key).address) {
    throw new Error('the signing pool derives another address than viem; refusing to use it');
  }
}
