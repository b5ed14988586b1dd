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
