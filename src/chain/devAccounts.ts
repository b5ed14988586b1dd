/**
 * The embedded chain's funded accounts (anvil's well-known development mnemonic) and the roles the
 * platform gives them. Never use these keys on a network anyone else can reach.
 */
import {
  generatePrivateKey,
  mnemonicToAccount,
  privateKeyToAccount,
  type HDAccount,
  type PrivateKeyAccount,
} from 'viem/accounts';
import { ANVIL_MNEMONIC } from './anvil.ts';

export interface PlatformAccounts {
  readonly operator: HDAccount;
  readonly settlementAgent: HDAccount;
  /** Submits signed messages, clears and settles: the only account that pays gas day to day. */
  readonly relayer: HDAccount;
  readonly publicGrid: HDAccount;
}

export function embeddedAccounts(): PlatformAccounts {
  const at = (addressIndex: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
  return { operator: at(0), settlementAgent: at(1), relayer: at(2), publicGrid: at(3) };
}

/** A fresh key for a participant or a meter: it never needs ether, the relayer pays. */
export const newAccount = (): PrivateKeyAccount => privateKeyToAccount(generatePrivateKey());
