/**
 * Encrypted keystores in the Web3 Secret Storage format (version 3: scrypt and AES-128-CTR), the
 * format geth, Besu and every Ethereum wallet read, so a participant's or the operator's key can be
 * taken out of the platform and used elsewhere, and keys made elsewhere can be brought in.
 */
import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  randomUUID,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { scryptAsync } from '@noble/hashes/scrypt';
import { bytesToHex, concat, hexToBytes, keccak256, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { WattLedgerError } from '../core/errors.ts';

export interface Keystore {
  readonly version: 3;
  readonly id: string;
  /** The account's address, lower case, without 0x (as the format writes it). */
  readonly address: string;
  readonly crypto: {
    readonly cipher: 'aes-128-ctr';
    readonly cipherparams: { readonly iv: string };
    readonly ciphertext: string;
    readonly kdf: 'scrypt';
    readonly kdfparams: {
      readonly dklen: number;
      readonly n: number;
      readonly r: number;
      readonly p: number;
      readonly salt: string;
    };
    readonly mac: string;
  };
}

/** The password does not open the keystore, or the keystore is not one this platform reads. */
export class KeystoreError extends WattLedgerError {
  override readonly name = 'KeystoreError';
  declare readonly code: 'KEYSTORE_PASSWORD' | 'KEYSTORE_FORMAT';
}

/**
 * 2^15 costs about 0.1 s and 32 MiB per unlock here: slow enough to make guessing expensive, fast
 * enough for a login. Wallets use up to 2^18; reading such keystores works too.
 */
export const DEFAULT_SCRYPT_N = 2 ** 15;

async function derive(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  dklen: number,
): Promise<Buffer> {
  const secret = password.normalize('NFKC');
  // OpenSSL refuses N ≥ 2^(16·r), which some wallets' keystores use (r = 1): those take the slower
  // pure-JavaScript scrypt; the platform's own (r = 8) the native one.
  if (n >= 2 ** Math.min(16 * r, 52)) {
    return Buffer.from(await scryptAsync(secret, salt, { N: n, r, p, dkLen: dklen, maxmem: 2 ** 31 }));
  }
  return await new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, dklen, { N: n, r, p, maxmem: 256 * n * r + 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const mac = (derivedKey: Buffer, ciphertext: Buffer): Buffer =>
  Buffer.from(hexToBytes(keccak256(concat([derivedKey.subarray(16, 32), ciphertext]))));

export async function encryptKeystore(
  privateKey: Hex,
  password: string,
  options: { n?: number } = {},
): Promise<Keystore> {
  const n = options.n ?? DEFAULT_SCRYPT_N;
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const derivedKey = await derive(password, salt, n, 8, 1, 32);
  const cipher = createCipheriv('aes-128-ctr', derivedKey.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(hexToBytes(privateKey)), cipher.final()]);
  return {
    version: 3,
    id: randomUUID(),
    address: privateKeyToAccount(privateKey).address.slice(2).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams: { dklen: 32, n, r: 8, p: 1, salt: salt.toString('hex') },
      mac: mac(derivedKey, ciphertext).toString('hex'),
    },
  };
}

/** Opens a keystore to its account; a wrong password is a KeystoreError, never a wrong key. */
export async function decryptKeystore(keystore: unknown, password: string): Promise<PrivateKeyAccount> {
  return privateKeyToAccount(await decryptKeystoreKey(keystore, password));
}

/** Opens a keystore to its private key (to encrypt it again under a new password). */
export async function decryptKeystoreKey(keystore: unknown, password: string): Promise<Hex> {
  const k = parseKeystore(keystore);
  const { kdfparams } = k.crypto;
  const derivedKey = await derive(
    password,
    Buffer.from(kdfparams.salt, 'hex'),
    kdfparams.n,
    kdfparams.r,
    kdfparams.p,
    kdfparams.dklen,
  );
  const ciphertext = Buffer.from(k.crypto.ciphertext, 'hex');
  if (!timingSafeEqual(mac(derivedKey, ciphertext), Buffer.from(k.crypto.mac, 'hex'))) {
    throw new KeystoreError('KEYSTORE_PASSWORD', 'the password does not open this keystore');
  }
  const decipher = createDecipheriv(
    'aes-128-ctr',
    derivedKey.subarray(0, 16),
    Buffer.from(k.crypto.cipherparams.iv, 'hex'),
  );
  const privateKey = bytesToHex(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  const account = privateKeyToAccount(privateKey);
  if (k.address !== '' && account.address.slice(2).toLowerCase() !== k.address.toLowerCase()) {
    throw new KeystoreError(
      'KEYSTORE_FORMAT',
      `the keystore opens to ${account.address}, not 0x${k.address}`,
    );
  }
  return privateKey;
}

function parseKeystore(value: unknown): Keystore {
  const fail = (reason: string): never => {
    throw new KeystoreError('KEYSTORE_FORMAT', `not a version 3 keystore: ${reason}`);
  };
  let k: Partial<Keystore> | null;
  try {
    k = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<Keystore> | null;
  } catch {
    return fail('not valid JSON');
  }
  if (k === null || typeof k !== 'object') return fail('expected a JSON object');
  if (k.version !== 3) fail(`version is ${JSON.stringify(k.version)}, expected 3`);
  const c = k.crypto ?? (k as { Crypto?: Keystore['crypto'] }).Crypto;
  if (c === undefined) return fail('no crypto section');
  if (c.kdf !== 'scrypt') fail(`kdf "${String(c.kdf)}" is not supported (scrypt is)`);
  if (c.cipher !== 'aes-128-ctr') fail(`cipher "${String(c.cipher)}" is not supported (aes-128-ctr is)`);
  const hex = /^[0-9a-f]+$/i;
  for (const [name, text] of [
    ['ciphertext', c.ciphertext],
    ['iv', c.cipherparams?.iv],
    ['salt', c.kdfparams?.salt],
    ['mac', c.mac],
  ] as const) {
    if (typeof text !== 'string' || !hex.test(text)) fail(`${name} is not hex`);
  }
  const { n, r, p, dklen } = c.kdfparams;
  if (![n, r, p, dklen].every((v) => Number.isInteger(v) && v > 0))
    fail('kdfparams must be positive integers');
  if (dklen < 32) fail('kdfparams.dklen must be at least 32');
  return {
    ...(k as Keystore),
    address: typeof k.address === 'string' ? k.address.replace(/^0x/, '') : '',
    crypto: c,
  };
}
