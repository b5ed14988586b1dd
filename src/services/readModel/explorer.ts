/** The block explorer: blocks, their transactions, and a transaction's decoded events. */
import { decodeEventLog, type Address, type Hex } from 'viem';
import { CONTRACT_ABIS, type ContractName } from '../indexer/contractAbis.ts';
import type { ReadModelDb } from '../indexer/schema.ts';

export interface BlockView {
  readonly number: number;
  readonly hash: Hex;
  readonly timestamp: number;
  readonly transactionCount: number;
  readonly gasUsed: bigint;
}

export interface TransactionView {
  readonly hash: Hex;
  readonly blockNumber: number;
  readonly from: Address;
  /** Null for a contract creation. */
  readonly to: Address | null;
  /** The called function of one of the platform's contracts; null for anything else. */
  readonly functionName: string | null;
  readonly gasUsed: bigint;
  readonly status: string;
}

export interface EventView {
  readonly contract: ContractName;
  readonly name: string;
  readonly logIndex: number;
  /** Decoded with the contract's ABI: amounts are bigint. */
  readonly args: Readonly<Record<string, unknown>>;
}

interface BlockRow {
  number: number;
  hash: string;
  timestamp: number;
  transaction_count: number;
  gas_used: string;
}

interface TransactionRow {
  hash: string;
  block_number: number;
  from_address: string;
  to_address: string | null;
  function_name: string | null;
  gas_used: string;
  status: string;
}

const blockFromRow = (r: BlockRow): BlockView => ({
  number: r.number,
  hash: r.hash as Hex,
  timestamp: r.timestamp,
  transactionCount: r.transaction_count,
  gasUsed: BigInt(r.gas_used),
});

const transactionFromRow = (r: TransactionRow): TransactionView => ({
  hash: r.hash as Hex,
  blockNumber: r.block_number,
  from: r.from_address as Address,
  to: r.to_address as Address | null,
  functionName: r.function_name,
  gasUsed: BigInt(r.gas_used),
  status: r.status,
});

/** Blocks newest first, strictly before `before` when given. */
export function listBlocks(db: ReadModelDb, options: { before?: number; limit?: number } = {}): BlockView[] {
  const rows = db
    .prepare('SELECT * FROM blocks WHERE number < ? ORDER BY number DESC LIMIT ?')
    .all(options.before ?? Number.MAX_SAFE_INTEGER, options.limit ?? 20) as BlockRow[];
  return rows.map(blockFromRow);
}

export function blockWithTransactions(
  db: ReadModelDb,
  number: number,
): (BlockView & { transactions: TransactionView[] }) | null {
  const row = db.prepare('SELECT * FROM blocks WHERE number = ?').get(number) as BlockRow | undefined;
  if (row === undefined) return null;
  const transactions = db
    .prepare('SELECT * FROM transactions WHERE block_number = ? ORDER BY transaction_index')
    .all(number) as TransactionRow[];
  return { ...blockFromRow(row), transactions: transactions.map(transactionFromRow) };
}

export function transactionWithEvents(
  db: ReadModelDb,
  hash: Hex,
): (TransactionView & { events: EventView[] }) | null {
  const row = db.prepare('SELECT * FROM transactions WHERE hash = ?').get(hash.toLowerCase()) as
    TransactionRow | undefined;
  if (row === undefined) return null;
  const logs = db
    .prepare(
      'SELECT log_index, contract, event, topics, data FROM logs WHERE transaction_hash = ? ORDER BY log_index',
    )
    .all(row.hash) as {
    log_index: number;
    contract: ContractName;
    event: string;
    topics: string;
    data: string;
  }[];
  const events = logs.map((l) => ({
    contract: l.contract,
    name: l.event,
    logIndex: l.log_index,
    args: decodeStoredLog(l.contract, l.topics, l.data),
  }));
  return { ...transactionFromRow(row), events };
}

/** A raw log row's arguments, decoded again from its topics and data (the raw table is the record). */
export function decodeStoredLog(
  contract: ContractName,
  topics: string,
  data: string,
): Record<string, unknown> {
  try {
    return decodeEventLog({
      abi: CONTRACT_ABIS[contract],
      topics: JSON.parse(topics) as [Hex, ...Hex[]],
      data: data as Hex,
    }).args as unknown as Record<string, unknown>;
  } catch {
    return {};
  }
}
