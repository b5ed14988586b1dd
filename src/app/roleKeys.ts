/**
 * The platform's own keys on a consortium network: the operator, the settlement agent, the relayer
 * (which pays the gas of everyone's signed messages, of clearing and of settlement) and the public
 * grid, each in a Web3 Secret Storage keystore under `<dataDir>/keys/`, all opened with the password
 * in `keys.passwordFile`. On the embedded chain the platform uses anvil's development accounts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import type { PlatformAccounts } from '../chain/devAccounts.ts';
import { WattLedgerError } from '../core/errors.ts';
import { decryptKeystore, decryptKeystoreKey, encryptKeystore } from '../keys/keystore.ts';

export const ROLE_KEY_FILES = {
  operator: 'operator.json',
  settlementAgent: 'settlement-agent.json',
  relayer: 'relayer.json',
  publicGrid: 'public-grid.json',
} as const;

type Role = keyof typeof ROLE_KEY_FILES;
const ROLES = Object.keys(ROLE_KEY_FILES) as Role[];

export const keysDir = (dataDir: string) => join(dataDir, 'keys');

export function readPassword(passwordFile: string): string {
  if (!existsSync(passwordFile))
    throw new WattLedgerError('KEYS_PASSWORD', `keys.passwordFile: ${passwordFile} does not exist`);
  const password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
  if (password.length < 8)
    throw new WattLedgerError(
      'KEYS_PASSWORD',
      `keys.passwordFile: ${passwordFile} holds fewer than 8 characters`,
    );
  return password;
}

/** Makes the four keystores that are missing; returns every role's address (to fund with ether). */
export async function createRoleKeys(dataDir: string, password: string): Promise<Record<Role, string>> {
  const dir = keysDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const addresses = {} as Record<Role, string>;
  for (const role of ROLES) {
    const path = join(dir, ROLE_KEY_FILES[role]);
    if (!existsSync(path)) {
      writeFileSync(
        path,
        `${JSON.stringify(await encryptKeystore(generatePrivateKey(), password), null, 2)}\n`,
        {
          mode: 0o600,
        },
      );
    }
    addresses[role] = (await decryptKeystore(readFileSync(path, 'utf8'), password)).address;
  }
  return addresses;
}

export async function openRoleKeys(dataDir: string, password: string): Promise<PlatformAccounts> {
  const dir = keysDir(dataDir);
  const open = async (role: Role) => {
    const path = join(dir, ROLE_KEY_FILES[role]);
    if (!existsSync(path))
      throw new WattLedgerError(
        'KEYS_MISSING',
        `${path} is missing: run "wattledger keys new --data-dir ${dataDir} --password-file FILE" and fund the addresses it prints`,
      );
    return readFileSync(path, 'utf8');
  };
  const [operator, settlementAgent, relayer, publicGrid] = await Promise.all(ROLES.map(open));
  return {
    operator: await decryptKeystore(operator, password),
    settlementAgent: await decryptKeystore(settlementAgent, password),
    relayer: await decryptKeystore(relayer, password),
    publicGrid: await decryptKeystore(publicGrid, password),
    operatorKey: await decryptKeystoreKey(operator, password),
  };
}
