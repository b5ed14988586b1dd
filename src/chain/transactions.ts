import {
  BaseError,
  ContractFunctionRevertedError,
  TransactionReceiptNotFoundError,
  encodeFunctionData,
  type Abi,
  type Account,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type EncodeFunctionDataParameters,
  type Hash,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import type { ChainConnection } from './connection.ts';
import { ChainUnavailableError, ContractRefusedError } from './errors.ts';
import { WattLedgerError } from '../core/errors.ts';

/** Turns a viem error carrying a decoded custom error into a ContractRefusedError; rethrows others. */
export function asRefusal(action: string, error: unknown): unknown {
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName ?? revert.reason ?? 'reverted';
      return new ContractRefusedError(action, name, revert.data?.args ?? [], error);
    }
  }
  return error;
}

/**
 * Sends a transaction and waits for its receipt. viem estimates gas first, so a transaction the
 * contract would refuse fails here with the contract's custom error, before anything is mined.
 */
export async function confirm(
  connection: ChainConnection,
  action: string,
  send: () => Promise<Hash>,
): Promise<TransactionReceipt> {
  let hash: Hash;
  try {
    hash = await send();
  } catch (error) {
    throw asRefusal(action, error);
  }
  const receipt = await waitForReceipt(connection, hash, action);
  if (receipt.status !== 'success') throw new ContractRefusedError(action, 'TransactionReverted', [hash]);
  return receipt;
}

/**
 * Polls for a receipt by hash. viem's block watcher waits for a block after the one it saw first,
 * and an automining chain that has just mined the transaction may never make another.
 */
export async function waitForReceipt(
  connection: ChainConnection,
  hash: Hash,
  action: string,
  timeoutMs = 600_000,
): Promise<TransactionReceipt> {
  const started = Date.now();
  let delay = 2;
  for (;;) {
    try {
      return await connection.publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
    }
    if (Date.now() - started > timeoutMs) {
      throw new ChainUnavailableError(
        `${action}: transaction ${hash} was not mined within ${timeoutMs / 1000} s`,
        { hash },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, connection.publicClient.pollingInterval);
  }
}

/** Runs a read or a simulation, converting a custom-error revert into a ContractRefusedError. */
export async function attempt<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asRefusal(action, error);
  }
}

/** The node refused a transaction for its size: over the per-transaction gas cap or the block gas limit. */
export function isTooLargeForOneTransaction(error: unknown): boolean {
  if (error instanceof BatchTooLargeError) return true;
  const text =
    error instanceof BaseError
      ? `${error.shortMessage} ${error.details}`
      : String((error as Error)?.message ?? error);
  return /gas_limit_cap|gas limit cap|exceeds block gas limit|intrinsic gas too high|gas required exceeds/i.test(
    text,
  );
}

/** The first line of an error's message: viem's messages embed whole calldata. */
export function summarize(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}

/** The Osaka cap on one transaction's gas (EIP-7825); networks before Osaka allow up to the block limit. */
export const TRANSACTION_GAS_CAP = 16_777_216n;

/** A batch that would need more gas than one transaction may use: split it. */
export class BatchTooLargeError extends WattLedgerError {
  override readonly name = 'BatchTooLargeError';
  constructor(action: string, gas: bigint) {
    super(
      'BATCH_TOO_LARGE',
      `${action} needs ${gas} gas, over the ${TRANSACTION_GAS_CAP} a transaction may use; send it in smaller batches`,
      {
        details: { action, gas },
      },
    );
  }
}

export interface ContractCall<abi extends Abi, name extends ContractFunctionName<abi, 'nonpayable'>> {
  readonly address: Address;
  readonly abi: abi;
  readonly functionName: name;
  readonly args: ContractFunctionArgs<abi, 'nonpayable', name>;
}

/**
 * Sends a contract call with its gas measured by one execution (eth_createAccessList) plus a
 * margin, instead of eth_estimateGas, which anvil answers by executing the call a dozen times.
 * A call the contract refuses is simulated once more to name the contract's custom error.
 */
export async function execute<const abi extends Abi, name extends ContractFunctionName<abi, 'nonpayable'>>(
  connection: ChainConnection,
  account: Account,
  call: ContractCall<abi, name>,
  action: string,
): Promise<TransactionReceipt> {
  const data = encodeCall(call);
  let gasUsed: bigint;
  try {
    ({ gasUsed } = await connection.publicClient.createAccessList({ account, to: call.address, data }));
  } catch (error) {
    try {
      await connection.publicClient.simulateContract({
        account,
        address: call.address,
        abi: call.abi as Abi,
        functionName: call.functionName as string,
        args: call.args as readonly unknown[],
      });
    } catch (simulated) {
      throw asRefusal(action, simulated);
    }
    throw asRefusal(action, error);
  }
  // Calls to other contracts get 63/64 of what is left (EIP-150), cold accesses vary, and gasUsed is
  // net of storage refunds (up to a fifth of it, EIP-3529), which the execution needs up front: a
  // transaction that deletes much storage (a continuous book's fills) needs half as much again.
  const gas = (gasUsed * 150n) / 100n + 30_000n;
  if (gasUsed > TRANSACTION_GAS_CAP) throw new BatchTooLargeError(action, gasUsed);
  const limit = gas > TRANSACTION_GAS_CAP ? TRANSACTION_GAS_CAP : gas;
  return await confirm(connection, action, () =>
    connection.wallet(account).sendTransaction({ to: call.address, data, gas: limit }),
  );
}

/** A transaction whose calldata and gas limit are already known. */
export interface PreparedTransaction {
  readonly to: Address;
  readonly data: Hex;
  readonly gas: bigint;
}

/**
 * Sends transactions that do not depend on each other into as few blocks as the block gas limit
 * allows, on the embedded chain only (it needs anvil's mining controls): automine goes off, every
 * transaction is sent with the next nonce, blocks are mined until the pool is empty, and automine
 * comes back on. anvil rebuilds its whole state trie for every block (about 2.4 µs per account,
 * measured here), so with 100,000 participants one block costs over a second while a transaction
 * in it costs milliseconds. Returns each transaction's receipt, reverted or not, in order; undefined
 * for one the node refused to accept (nothing after it is sent) or never mined (dropped).
 */
export async function sendTogether(
  connection: ChainConnection,
  account: Account,
  transactions: readonly PreparedTransaction[],
  action: string,
): Promise<(TransactionReceipt | undefined)[]> {
  const testClient = connection.testClient;
  if (testClient === undefined) throw new Error(`${action}: packing blocks needs the embedded chain (anvil)`);
  const { publicClient } = connection;
  const wallet = connection.wallet(account);
  const hashes: Hash[] = [];
  const receiptOf = (hash: Hash): Promise<TransactionReceipt | undefined> =>
    publicClient.getTransactionReceipt({ hash }).catch((error: unknown) => {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    });
  await testClient.setAutomine(false);
  try {
    let nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' });
    // Fees fixed once for them all instead of looked up per transaction. Full blocks raise the base
    // fee by an eighth each (EIP-1559), so the cap leaves room for about 35 of them; only the base
    // fee and the tip are paid.
    const { baseFeePerGas } = await publicClient.getBlock();
    const maxPriorityFeePerGas = await publicClient.estimateMaxPriorityFeePerGas();
    const maxFeePerGas = 64n * (baseFeePerGas ?? 0n) + maxPriorityFeePerGas;
    for (const tx of transactions) {
      try {
        hashes.push(
          await wallet.sendTransaction({
            to: tx.to,
            data: tx.data,
            gas: tx.gas > TRANSACTION_GAS_CAP ? TRANSACTION_GAS_CAP : tx.gas,
            nonce: nonce++,
            maxFeePerGas,
            maxPriorityFeePerGas,
          }),
        );
      } catch {
        break;
      }
    }
    // One sender, consecutive nonces: when the last is mined, all are. A block that takes none of
    // them ends the wait; whatever anvil left out is dropped from its pool and reported as not sent.
    while (hashes.length > 0) {
      await testClient.mine({ blocks: 1 });
      if ((await receiptOf(hashes[hashes.length - 1]!)) !== undefined) break;
      const block = await publicClient.getBlock();
      if (block.transactions.length === 0) break;
    }
  } finally {
    await testClient.setAutomine(true);
  }
  const receipts = await Promise.all(hashes.map(receiptOf));
  for (const [i, receipt] of receipts.entries()) {
    if (receipt === undefined) await testClient.dropTransaction({ hash: hashes[i]! });
  }
  return transactions.map((_, i) => receipts[i]);
}

/** A contract call's calldata. */
export function encodeCall<const abi extends Abi, name extends ContractFunctionName<abi, 'nonpayable'>>(
  call: ContractCall<abi, name>,
): Hex {
  return encodeFunctionData({
    abi: call.abi,
    functionName: call.functionName,
    args: call.args,
  } as EncodeFunctionDataParameters);
}

/**
 * Sends calls that do not depend on each other, in order. With `together` on the embedded chain,
 * each is measured against the current state (one execution, as in `execute`) and all go out in
 * packed blocks (see sendTogether); a call that reverts there is sent again alone through `execute`,
 * which names the contract's refusal. Otherwise they go one after another through `execute`.
 */
export async function executeIndependent<
  const abi extends Abi,
  name extends ContractFunctionName<abi, 'nonpayable'>,
>(
  connection: ChainConnection,
  account: Account,
  calls: readonly ContractCall<abi, name>[],
  action: (index: number) => string,
  options: { together?: boolean } = {},
): Promise<TransactionReceipt[]> {
  if (!options.together || connection.testClient === undefined || calls.length < 2) {
    const receipts: TransactionReceipt[] = [];
    for (const [i, call] of calls.entries())
      receipts.push(await execute(connection, account, call, action(i)));
    return receipts;
  }
  const prepared = await Promise.all(
    calls.map(async (call, i): Promise<PreparedTransaction> => {
      const data = encodeCall(call);
      let gasUsed: bigint;
      try {
        ({ gasUsed } = await connection.publicClient.createAccessList({ account, to: call.address, data }));
      } catch {
        // Refused or too large: the plain path below names why.
        return { to: call.address, data, gas: 0n };
      }
      if (gasUsed > TRANSACTION_GAS_CAP) throw new BatchTooLargeError(action(i), gasUsed);
      return { to: call.address, data, gas: (gasUsed * 125n) / 100n + 30_000n };
    }),
  );
  const ready = prepared.flatMap((tx, i) => (tx.gas === 0n ? [] : [i]));
  const packed = await sendTogether(
    connection,
    account,
    ready.map((i) => prepared[i]!),
    action(ready[0] ?? 0),
  );
  const receipts: (TransactionReceipt | undefined)[] = calls.map(() => undefined);
  ready.forEach((callIndex, j) => {
    if (packed[j]?.status === 'success') receipts[callIndex] = packed[j];
  });
  for (const [i, call] of calls.entries()) {
    receipts[i] ??= await execute(connection, account, call, action(i));
  }
  return receipts as TransactionReceipt[];
}

/**
 * Sends transactions that must run in order (one sender, consecutive nonces) together, all or none:
 * if any of them does not land, the chain goes back to before the first (anvil's snapshot), since the
 * ones after a failed one would have met a state nobody planned for. The receipts when all landed;
 * undefined when the chain was put back. Embedded chain only.
 */
export async function sendAllOrNone(
  connection: ChainConnection,
  account: Account,
  transactions: readonly PreparedTransaction[],
  action: string,
): Promise<TransactionReceipt[] | undefined> {
  const testClient = connection.testClient;
  if (testClient === undefined) throw new Error(`${action}: packing blocks needs the embedded chain (anvil)`);
  const before = await testClient.snapshot();
  const receipts = await sendTogether(connection, account, transactions, action);
  if (receipts.every((r) => r?.status === 'success')) return receipts as TransactionReceipt[];
  await testClient.revert({ id: before });
  return undefined;
}
