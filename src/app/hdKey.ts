import { toHex, type Hex, type HDAccount } from 'viem';

/** The private key behind a development mnemonic's account (to keep it in a keystore like any other). */
export function hdKeyToPrivateKey(account: HDAccount): Hex {
  const key = account.getHdKey().privateKey;
  if (key === null) throw new Error(`the HD account ${account.address} holds no private key`);
  return toHex(key);
}
