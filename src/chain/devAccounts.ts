/**
 * The embedded chain's funded accounts (anvil's well-known development mnemonic) and the roles the
 * platform gives them. Never use these keys on a network anyone else can reach.
 */
import { toHex, type Hex, type LocalAccount } from 'viem';
import {
  generatePrivateKey,
  mnemonicToAccount,
  privateKeyToAccount,
  type PrivateKeyAccount,
} from 'viem/accounts';
import { ANVIL_MNEMONIC } from './anvil.ts';

export interface PlatformAccounts {
  readonly operator: LocalAccount;
  readonly settlementAgent: LocalAccount;
  /** Submits signed messages, clears and settles: the only account that pays gas day to day. */
  readonly relayer: LocalAccount;
  readonly publicGrid: LocalAccount;
  /** The operator's private key, kept in the operator login's keystore. */
  readonly operatorKey: Hex;
}

export function embeddedAccounts(): PlatformAccounts {
  const at = (addressIndex: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
  const operator = at(0);
  return {
    operator,
    settlementAgent: at(1),
    relayer: at(2),
    publicGrid: at(3),
    operatorKey: toHex(operator.getHdKey().privateKey!),
  };
}

/** A fresh key for a participant or a meter: it never needs ether, the relayer pays. */
export const newAccount = (): PrivateKeyAccount => privateKeyToAccount(generatePrivateKey());
