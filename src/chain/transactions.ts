import { BaseError, ContractFunctionRevertedError, type Hash, type TransactionReceipt } from 'viem';
import type { ChainConnection } from './connection.ts';
import { ContractRefusedError } from './errors.ts';

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
  const receipt = await connection.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new ContractRefusedError(action, 'TransactionReverted', [hash]);
  return receipt;
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
