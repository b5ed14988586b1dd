/**
 * The relayer: collects messages that participants and meters signed (commits, reveals, readings)
 * and submits them many per transaction from one funded account, so nobody else needs ether and the
 * 21 k base cost of a transaction is paid once per batch. A batch the contract refuses is split in
 * halves until each refused message is found; that message's promise rejects with the contract's
 * error and every other message still lands.
 */
import type { Account, Hash, TransactionReceipt } from 'viem';
import type { SealedBid } from './typedData.ts';
import { revealArgument, type SignedCommit, type SignedReading } from './bidding.ts';
import { ContractRefusedError } from './errors.ts';
import type { Platform } from './platform.ts';
import { execute, isTooLargeForOneTransaction } from './transactions.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import { energyMarketAbi } from './generated/EnergyMarket.ts';

interface Job<T> {
  readonly item: T;
  resolve(receipt: TransactionReceipt): void;
  reject(error: unknown): void;
}

export interface RelayerStats {
  transactions: number;
  messages: number;
  refused: number;
  gasUsed: bigint;
}

export type MessageKind = 'commit' | 'reveal' | 'reading';

export interface RelayedTransaction {
  readonly kind: MessageKind;
  readonly hash: Hash;
  readonly gasUsed: bigint;
  readonly messages: number;
}

export interface Relayer {
  commit(commit: SignedCommit): Promise<TransactionReceipt>;
  reveal(bid: SealedBid): Promise<TransactionReceipt>;
  reading(reading: SignedReading): Promise<TransactionReceipt>;
  /** Submits everything queued; resolves when every batch is mined or refused. */
  flush(): Promise<void>;
  readonly stats: Readonly<RelayerStats>;
  /** Transactions submitted so far (the most recent 1,000). */
  readonly transactions: readonly RelayedTransaction[];
}

export interface RelayerOptions {
  /** Messages per transaction; each kind has a different gas cost, see bench/. */
  readonly maxBatchSize?: number;
}

export function createRelayer(platform: Platform, account: Account, options: RelayerOptions = {}): Relayer {
  let batchSize = options.maxBatchSize ?? 200;
  const stats: RelayerStats = { transactions: 0, messages: 0, refused: 0, gasUsed: 0n };
  const transactions: RelayedTransaction[] = [];
  const { connection, deployment } = platform;
  const market = { address: deployment.market, abi: energyMarketAbi } as const;
  // On a continuous-market deployment the meters' readings settle the continuous market's
  // positions; it takes the very signatures the sealed-bid market would.
  const continuousMarket = deployment.mechanism === 'continuous' ? deployment.continuousMarket : undefined;
  const kinds = {
    commit: {
      queue: [] as Job<SignedCommit>[],
      send: (items: SignedCommit[]) =>
        execute(
          connection,
          account,
          { ...market, functionName: 'commitBySignature', args: [items] },
          `commit ${items.length} bids`,
        ),
    },
    reveal: {
      queue: [] as Job<SealedBid>[],
      send: (items: SealedBid[]) =>
        execute(
          connection,
          account,
          { ...market, functionName: 'reveal', args: [items.map(revealArgument)] },
          `reveal ${items.length} bids`,
        ),
    },
    reading: {
      queue: [] as Job<SignedReading>[],
      send: (items: SignedReading[]) =>
        continuousMarket === undefined
          ? execute(
              connection,
              account,
              { ...market, functionName: 'submitReadingsBySignature', args: [items] },
              `submit ${items.length} readings`,
            )
          : execute(
              connection,
              account,
              {
                address: continuousMarket,
                abi: continuousMarketAbi,
                functionName: 'submitReadingsBySignature',
                args: [items],
              },
              `submit ${items.length} readings to the continuous market`,
            ),
    },
  };

  async function submit<T>(
    kind: MessageKind,
    jobs: Job<T>[],
    send: (items: T[]) => Promise<TransactionReceipt>,
  ): Promise<void> {
    try {
      const receipt = await send(jobs.map((j) => j.item));
      stats.transactions += 1;
      stats.messages += jobs.length;
      stats.gasUsed += receipt.gasUsed;
      transactions.push({
        kind,
        hash: receipt.transactionHash,
        gasUsed: receipt.gasUsed,
        messages: jobs.length,
      });
      if (transactions.length > 1_000) transactions.shift();
      for (const job of jobs) job.resolve(receipt);
    } catch (error) {
      // A refused batch is split to find the refused message; a batch over the gas cap is split
      // to fit, and later batches start smaller.
      const tooLarge = isTooLargeForOneTransaction(error);
      if (tooLarge) batchSize = Math.max(1, Math.floor(jobs.length / 2));
      if ((!(error instanceof ContractRefusedError) && !tooLarge) || jobs.length === 1) {
        if (error instanceof ContractRefusedError) stats.refused += 1;
        for (const job of jobs) job.reject(error);
        return;
      }
      const half = Math.ceil(jobs.length / 2);
      await submit(kind, jobs.slice(0, half), send);
      await submit(kind, jobs.slice(half), send);
    }
  }

  async function drain<T>(
    name: MessageKind,
    kind: { queue: Job<T>[]; send: (items: T[]) => Promise<TransactionReceipt> },
  ) {
    while (kind.queue.length > 0) await submit(name, kind.queue.splice(0, batchSize), kind.send);
  }

  const enqueue =
    <T>(queue: Job<T>[]) =>
    (item: T) => {
      const receipt = new Promise<TransactionReceipt>((resolve, reject) =>
        queue.push({ item, resolve, reject }),
      );
      // Marked handled so a refusal never crashes the process before its caller awaits it.
      receipt.catch(() => {});
      return receipt;
    };

  return {
    commit: enqueue(kinds.commit.queue),
    reveal: enqueue(kinds.reveal.queue),
    reading: enqueue(kinds.reading.queue),
    async flush() {
      await drain('commit', kinds.commit);
      await drain('reveal', kinds.reveal);
      await drain('reading', kinds.reading);
    },
    stats,
    transactions,
  };
}
