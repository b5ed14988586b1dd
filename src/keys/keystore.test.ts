import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { decryptKeystore, encryptKeystore, KeystoreError } from './keystore.ts';

describe('keystores (Web3 Secret Storage v3)', () => {
  it('opens the published scrypt test vector', async () => {
    // The scrypt example of the Web3 Secret Storage definition (Ethereum wiki).
    const vector = {
      crypto: {
        cipher: 'aes-128-ctr',
        cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
        ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
        kdf: 'scrypt',
        kdfparams: {
          dklen: 32,
          n: 262144,
          p: 8,
          r: 1,
          salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
        },
        mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
      },
      id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
      version: 3,
    };
    const account = await decryptKeystore(vector, 'testpassword');
    expect(account.address).toBe(
      privateKeyToAccount('0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d').address,
    );
  });

  it('round-trips a key and refuses a wrong password or a damaged keystore', async () => {
    const key = generatePrivateKey();
    const keystore = await encryptKeystore(key, 'correct horse', { n: 1024 });
    expect(keystore.address).toBe(privateKeyToAccount(key).address.slice(2).toLowerCase());
    expect((await decryptKeystore(JSON.stringify(keystore), 'correct horse')).address).toBe(
      privateKeyToAccount(key).address,
    );
    await expect(decryptKeystore(keystore, 'wrong')).rejects.toThrow(
      new KeystoreError('KEYSTORE_PASSWORD', 'the password does not open this keystore'),
    );
    await expect(decryptKeystore({ ...keystore, version: 1 }, 'correct horse')).rejects.toThrow(
      'not a version 3 keystore: version is 1, expected 3',
    );
    await expect(
      decryptKeystore({ ...keystore, crypto: { ...keystore.crypto, kdf: 'pbkdf2' } }, 'correct horse'),
    ).rejects.toThrow('kdf "pbkdf2" is not supported');
  });
});
