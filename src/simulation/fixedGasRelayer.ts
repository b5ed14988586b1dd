/**
 * The simulation's relayer on its embedded chain: each batch goes out with a fixed, generous gas
 * limit for its kind and size instead of being measured first. The SDK's relayer executes every
 * batch once with eth_createAccessList before sending it, so anvil executes it twice; here it runs
 * once. A batch that reverts anyway (a message the contract refuses, or more gas than the limit) is
 * handed to the SDK's relayer, which measures, splits and names each refusal, so every message ends
 * as it would have; the reverted transaction's gas is counted. A flush sends each kind's batches
 * together, in as few blocks as the block gas limit allows (sendTogether): they are independent, and
 * each block costs anvil time in proportion to the chain's state. Simulation only: on a real network
 * a reverted transaction costs real fees, and the SDK is unchanged.
 */
import {
  encodeFunctionData,
  type Abi,
  type Account,
  type ContractFunctionName,
  type EncodeFunctionDataParameters,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { revealArgument, type SignedCommit, type SignedReading } from '../chain/bidding.ts';
import type { ChainConnection } from '../chain/connection.ts';
import type { Platform } from '../chain/platform.ts';
import type { MessageKind, RelayedTransaction, Relayer, RelayerStats } from '../chain/relayer.ts';
import {
  TRANSACTION_GAS_CAP,
  execute,
  sendTogether,
  waitForReceipt,
  type ContractCall,
} from '../chain/transactions.ts';
import type { SealedBid } from '../chain/typedData.ts';
import { energyMarketAbi } from '../chain/generated/EnergyMarket.ts';

/**
 * About three times what each message measured warm in `npm run bench -- gas` (35 k, 22 k, 29 k):
 * a message writing fresh storage costs up to twice that, and an unused limit costs nothing here.
 */
const GAS_PER_MESSAGE: Record<MessageKind, bigint> = { commit: 100_000n, reveal: 70_000n, reading: 90_000n };
const GAS_BASE = 100_000n;
/**
 * Messages per transaction: as many as fit under the cap at the fixed limit per message. A first
 * commit writes three fresh slots (about 84 k gas at 100,000 participants), so 200 of them, the SDK
 * relayer's batch, would not fit in one transaction.
 */
const BATCH: Record<MessageKind, number> = {
  commit: Number((TRANSACTION_GAS_CAP - GAS_BASE) / GAS_PER_MESSAGE.commit),
  reveal: Number((TRANSACTION_GAS_CAP - GAS_BASE) / GAS_PER_MESSAGE.reveal),
  reading: Number((TRANSACTION_GAS_CAP - GAS_BASE) / GAS_PER_MESSAGE.reading),
};

/**
 * Sends calldata once with a fixed gas limit (at most the cap), without measuring it first. The
 * receipt, whether it succeeded or reverted; undefined when the node refused the transaction.
 */
export async function sendWithFixedGas(
  connection: ChainConnection,
  account: Account,
  to: Hex,
  data: Hex,
  gas: bigint,
  action: string,
): Promise<TransactionReceipt | undefined> {
  let hash: Hex;
  try {
    hash = await connection.wallet(account).sendTransaction({
      to,
      data,
      gas: gas > TRANSACTION_GAS_CAP ? TRANSACTION_GAS_CAP : gas,
      chain: connection.publicClient.chain,
      account,
    });
  } catch {
    return undefined;
  }
  return await waitForReceipt(connection, hash, action);
}

/**
 * The keeper's calls (clearing, settlement) the same way: sent once with a fixed, generous limit;
 * if that transaction reverts or is refused, sent again through the SDK's `execute`, which measures
 * it and names the contract's refusal (thrown as from `execute`). Every mined transaction, reverted
 * or not, is pushed to `receipts`, so its cost is counted.
 */
export async function executeWithFixedGas<
  const abi extends Abi,
  name extends ContractFunctionName<abi, 'nonpayable'>,
>(
  connection: ChainConnection,
  account: Account,
  call: ContractCall<abi, name>,
  gas: bigint,
  action: string,
  receipts: { gasUsed: bigint }[],
): Promise<void> {
  const data = encodeFunctionData({
    abi: call.abi,
    functionName: call.functionName,
    args: call.args,
  } as EncodeFunctionDataParameters);
  const once = await sendWithFixedGas(connection, account, call.address, data, gas, action);
  if (once !== undefined) receipts.push(once);
  if (once?.status === 'success') return;
  receipts.push(await execute(connection, account, call, action));
}

interface Job {
  readonly item: unknown;
  resolve(receipt: TransactionReceipt): void;
  reject(error: unknown): void;
}

export function fixedGasRelayer(platform: Platform, account: Account, fallback: Relayer): Relayer {
  const { connection, deployment } = platform;
  const own: RelayerStats = { transactions: 0, messages: 0, refused: 0, gasUsed: 0n };
  const sent: RelayedTransaction[] = [];
  const queues: Record<MessageKind, Job[]> = { commit: [], reveal: [], reading: [] };

  const calldata = (kind: MessageKind, items: unknown[]): Hex => {
    const abi = energyMarketAbi;
    if (kind === 'commit')
      return encodeFunctionData({ abi, functionName: 'commitBySignature', args: [items as SignedCommit[]] });
    if (kind === 'reveal')
      return encodeFunctionData({
        abi,
        functionName: 'reveal',
        args: [(items as SealedBid[]).map(revealArgument)],
      });
    return encodeFunctionData({
      abi,
      functionName: 'submitReadingsBySignature',
      args: [items as SignedReading[]],
    });
  };

  /** Counts a mined batch; true when it landed. */
  function record(kind: MessageKind, jobs: Job[], receipt: TransactionReceipt | undefined): boolean {
    if (receipt === undefined) return false;
    own.transactions += 1;
    own.gasUsed += receipt.gasUsed;
    if (receipt.status !== 'success') return false;
    own.messages += jobs.length;
    sent.push({ kind, hash: receipt.transactionHash, gasUsed: receipt.gasUsed, messages: jobs.length });
    if (sent.length > 1_000) sent.shift();
    return true;
  }

  /**
   * Sends every queued batch of a kind together, in as few blocks as the chain allows (the batches
   * are independent); a batch that did not land goes through the fallback, which names each refusal.
   */
  async function drain(kind: MessageKind): Promise<void> {
    const queue = queues[kind];
    const batches: Job[][] = [];
    while (queue.length > 0) batches.push(queue.splice(0, BATCH[kind]));
    if (batches.length === 0) return;
    const receipts = await sendTogether(
      connection,
      account,
      batches.map((jobs) => ({
        to: deployment.market,
        data: calldata(
          kind,
          jobs.map((j) => j.item),
        ),
        gas: GAS_BASE + GAS_PER_MESSAGE[kind] * BigInt(jobs.length),
      })),
      `${kind} ${batches.length} batches`,
    );
    const refused: Job[] = [];
    batches.forEach((jobs, i) => {
      const receipt = receipts[i];
      if (record(kind, jobs, receipt)) {
        for (const job of jobs) job.resolve(receipt!);
      } else {
        refused.push(...jobs);
      }
    });
    if (refused.length === 0) return;
    for (const job of refused) {
      const submit =
        kind === 'commit'
          ? fallback.commit(job.item as SignedCommit)
          : kind === 'reveal'
            ? fallback.reveal(job.item as SealedBid)
            : fallback.reading(job.item as SignedReading);
      submit.then(job.resolve, job.reject);
    }
    await fallback.flush();
  }

  const enqueue = (kind: MessageKind) => (item: unknown) => {
    const receipt = new Promise<TransactionReceipt>((resolve, reject) =>
      queues[kind].push({ item, resolve, reject }),
    );
    // Marked handled so a refusal never crashes the process before its caller awaits it.
    receipt.catch(() => {});
    return receipt;
  };

  return {
    commit: enqueue('commit'),
    reveal: enqueue('reveal'),
    reading: enqueue('reading'),
    async flush() {
      await drain('commit');
      await drain('reveal');
      await drain('reading');
    },
    get stats(): RelayerStats {
      const other = fallback.stats;
      return {
        transactions: own.transactions + other.transactions,
        messages: own.messages + other.messages,
        refused: own.refused + other.refused,
        gasUsed: own.gasUsed + other.gasUsed,
      };
    },
    /** This relayer's transactions, then the fallback's. */
    get transactions() {
      return [...sent, ...fallback.transactions];
    },
  };
}
