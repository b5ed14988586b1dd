/**
 * The indexer: the deployment's contracts' events (the continuous market's too, when deployed), and the blocks and transactions they sit in, copied into
 * the read model. Each block range is written in one SQLite transaction together with the cursor, and
 * every raw log is keyed by (block, log index), so a range read twice changes nothing.
 */
import { createPublicClient, getAddress, http, type Hex, type Log } from 'viem';
import { readSchedule } from '../../chain/periodDriver.ts';
import type { Platform } from '../../chain/platform.ts';
import { WattLedgerError } from '../../core/errors.ts';
import { contractDirectory } from './contractAbis.ts';
import { derivations, type ChangeTracker, type IndexedChanges, type PeriodStage } from './derive.ts';
import { dropReadModel, readMeta, writeMeta, type ReadModelDb } from './schema.ts';

export type { IndexedChanges } from './derive.ts';

/** Blocks per eth_getLogs call: well under the limits public nodes put on one query. */
export const LOG_RANGE = 2_000;
const BLOCK_FETCH_CONCURRENCY = 64;

export class ReadModelMismatchError extends WattLedgerError {
  override readonly name = 'ReadModelMismatchError';
  constructor(expected: string, found: string) {
    super(
      'READ_MODEL_MISMATCH',
      `the read model was built for deployment ${found}, not ${expected}; call rebuild() or point the indexer at another database file`,
      { details: { expected, found } },
    );
  }
}

export interface IndexerStatus {
  /** The last block written to the read model (the deployment's first block − 1 before any). */
  readonly indexedBlock: number;
  /** The chain head seen at the last sync. */
  readonly headBlock: number;
  readonly lastError: string | null;
}

export interface Indexer {
  /** Indexes every block from the cursor to the chain head; returns the range it covered. */
  syncOnce(): Promise<{ fromBlock: number; toBlock: number }>;
  /** Syncs every `intervalMs` until stop(); a failed sync is kept in status().lastError and retried. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
  status(): IndexerStatus;
  /** Drops the read model and indexes the chain again from the deployment's first block. */
  rebuild(): Promise<{ fromBlock: number; toBlock: number }>;
}

export interface IndexerOptions {
  readonly db: ReadModelDb;
  readonly platform: Platform;
  readonly onIndexed?: (changes: IndexedChanges) => void;
  /** Blocks per getLogs call (tests make it small to cross range boundaries). */
  readonly logRange?: number;
}

const deploymentKey = (platform: Platform) =>
  `${platform.deployment.chainId}:${platform.deployment.market.toLowerCase()}`;

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function createIndexer(options: IndexerOptions): Indexer {
  const { db, platform } = options;
  const client = platform.connection.publicClient;
  // Block and receipt requests go out as JSON-RPC batches: one HTTP round trip for many blocks.
  const blockClient = createPublicClient({
    chain: platform.connection.chain,
    transport: http(platform.connection.rpcUrl, { batch: { batchSize: 64 }, timeout: 120_000 }),
  });
  const directory = contractDirectory(platform.deployment);
  const logRange = options.logRange ?? LOG_RANGE;
  const firstBlock = Number(platform.deployment.fromBlock);
  let headBlock = 0;
  let lastError: string | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setInterval> | undefined;

  let derive = derivations(db);
  const statements = () => ({
    log: db.prepare('INSERT OR IGNORE INTO logs VALUES (?, ?, ?, ?, ?, ?, ?)'),
    block: db.prepare('INSERT OR IGNORE INTO blocks VALUES (?, ?, ?, ?, ?)'),
    transaction: db.prepare('INSERT OR IGNORE INTO transactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    period: db.prepare('SELECT stage, settled FROM periods WHERE period = ?'),
    commitments: db.prepare('SELECT COUNT(*) AS n FROM bids WHERE period = ?'),
  });
  let s = statements();

  const indexedBlock = () => Number(readMeta(db, 'indexed_block') ?? firstBlock - 1);

  async function prepare(): Promise<void> {
    const key = deploymentKey(platform);
    const found = readMeta(db, 'deployment');
    if (found !== undefined && found !== key) throw new ReadModelMismatchError(key, found);
    if (found === undefined) {
      // The schedule never changes after deployment: read it once, keep it with the model.
      const schedule = await readSchedule(platform);
      db.transaction(() => {
        writeMeta(db, 'deployment', key);
        writeMeta(db, 'schedule', JSON.stringify({ ...schedule, genesis: schedule.genesis.toString() }));
      })();
    }
  }

  async function fetchBlock(number: number) {
    const block = await blockClient.getBlock({ blockNumber: BigInt(number), includeTransactions: true });
    const receipts =
      block.transactions.length === 0
        ? []
        : await blockClient.getBlockReceipts({ blockNumber: BigInt(number) });
    return { block, receipts };
  }

  async function indexRange(fromBlock: number, toBlock: number): Promise<IndexedChanges> {
    const [logs, blocks] = await Promise.all([
      client.getLogs({
        address: [...directory.addresses],
        fromBlock: BigInt(fromBlock),
        toBlock: BigInt(toBlock),
      }) as Promise<Log[]>,
      mapLimited(
        Array.from({ length: toBlock - fromBlock + 1 }, (_, i) => fromBlock + i),
        BLOCK_FETCH_CONCURRENCY,
        fetchBlock,
      ),
    ]);
    const changes: ChangeTracker = {
      periods: new Set(),
      commitments: new Set(),
      books: new Set(),
      trades: 0,
    };
    const newBlocks: number[] = [];
    db.transaction(() => {
      for (const { block, receipts } of blocks) {
        const number = Number(block.number);
        const inserted = s.block.run(
          number,
          block.hash,
          Number(block.timestamp),
          block.transactions.length,
          block.gasUsed.toString(),
        );
        if (inserted.changes === 1) newBlocks.push(number);
        const receiptOf = new Map(receipts.map((r) => [r.transactionHash, r]));
        for (const tx of block.transactions) {
          const receipt = receiptOf.get(tx.hash);
          const call = directory.decodeCall(tx.to, tx.input);
          const status = receipt?.status ?? 'unknown';
          const result = s.transaction.run(
            tx.hash,
            number,
            tx.transactionIndex,
            getAddress(tx.from),
            tx.to ? getAddress(tx.to) : null,
            call.functionName,
            call.period,
            (receipt?.gasUsed ?? 0n).toString(),
            status,
          );
          // A clearing transaction that handed over bids without a trade still starts the green stage.
          if (
            result.changes === 1 &&
            call.functionName === 'clear' &&
            call.period !== null &&
            status === 'success'
          )
            derive.advanceStage(call.period, 'green', changes);
        }
      }
      for (const log of logs) {
        const contract = directory.contractAt(log.address);
        if (contract === null) continue;
        const topics = log.topics as Hex[];
        const event = directory.decodeEvent(contract, topics, log.data);
        const at = {
          blockNumber: Number(log.blockNumber),
          logIndex: log.logIndex!,
          transactionHash: log.transactionHash!,
        };
        const inserted = s.log.run(
          at.blockNumber,
          at.logIndex,
          at.transactionHash,
          contract,
          event?.name ?? 'unknown',
          JSON.stringify(topics),
          log.data,
        );
        if (inserted.changes === 1 && event !== null) derive.apply(event, at, changes);
      }
      writeMeta(db, 'indexed_block', String(toBlock));
    })();
    return {
      fromBlock,
      toBlock,
      blocks: newBlocks,
      periods: [...changes.periods]
        .sort((a, b) => a - b)
        .map((period) => {
          const row = s.period.get(period) as { stage: PeriodStage; settled: number };
          return { period, stage: row.stage, settled: row.settled === 1 };
        }),
      commitments: [...changes.commitments]
        .sort((a, b) => a - b)
        .map((period) => ({
          period,
          commitments: (s.commitments.get(period) as { n: number }).n,
        })),
      books: [...changes.books].sort((a, b) => a - b),
      trades: changes.trades,
    };
  }

  async function syncToHead(): Promise<{ fromBlock: number; toBlock: number }> {
    await prepare();
    headBlock = Number(await client.getBlockNumber());
    const start = indexedBlock() + 1;
    for (let from = start; from <= headBlock; from += logRange) {
      const to = Math.min(from + logRange - 1, headBlock);
      const changes = await indexRange(from, to);
      options.onIndexed?.(changes);
    }
    return { fromBlock: start, toBlock: headBlock };
  }

  /** A sync whose failure, however it was started, shows in status() until one succeeds. */
  async function sync(): Promise<{ fromBlock: number; toBlock: number }> {
    try {
      const range = await syncToHead();
      lastError = null;
      return range;
    } catch (error) {
      lastError = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      throw error;
    }
  }

  // One sync at a time: a timer tick and a caller's syncOnce() queue behind each other.
  function serialised<T>(task: () => Promise<T>): Promise<T> {
    const result = running.then(task, task);
    running = result.catch(() => undefined);
    return result;
  }

  return {
    syncOnce: () => serialised(sync),
    start(intervalMs) {
      if (timer !== undefined) return;
      // The failure is kept in status().lastError by sync() itself.
      timer = setInterval(() => void serialised(sync).catch(() => undefined), intervalMs);
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
    status: () => ({ indexedBlock: indexedBlock(), headBlock, lastError }),
    rebuild: () =>
      serialised(async () => {
        dropReadModel(db);
        derive = derivations(db);
        s = statements();
        return await sync();
      }),
  };
}
