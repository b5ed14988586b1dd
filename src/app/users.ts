/**
 * People's logins. A participant's chain key is made at sign-up and kept only in a keystore encrypted
 * with the participant's own password: logging in is opening it, so the platform cannot sign for a
 * participant who is not logged in — except for the participants the platform itself runs (the
 * case study), whose keystores are also kept opened by the platform's secret. Sessions live in memory:
 * a restart asks everyone to log in again.
 */
import { randomBytes } from 'node:crypto';
import { toHex, type Hex, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { registerBySignature, type ParticipantProfile } from '../chain/participants.ts';
import type { Platform } from '../chain/platform.ts';
import type { Account } from 'viem';
import { decryptKeystore, decryptKeystoreKey, encryptKeystore, KeystoreError } from '../keys/keystore.ts';
import type { ChainLock } from './chainLock.ts';
import { RequestError } from './errors.ts';
import type { PlatformStore, Role, UserRecord } from './platformStore.ts';

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly role: Role;
  readonly participantId: number | null;
  /** The user's chain account, opened for the length of the session. */
  readonly account: LocalAccount;
  expiresAt: number;
}

export interface SignUp extends ParticipantProfile {
  readonly username: string;
  readonly password: string;
}

/** Sessions end after this long without a request. */
export const SESSION_IDLE_MS = 8 * 3_600_000;

const USERNAME = /^[a-z0-9][a-z0-9_.-]{2,31}$/;

export function checkUsername(username: string): void {
  if (!USERNAME.test(username))
    throw new RequestError(
      'invalid',
      'must be 3–32 characters: lower-case letters, digits, "_", "." or "-", starting with a letter or digit',
      'username',
    );
}

export function checkPassword(password: string, field = 'password'): void {
  if (password.length < 8) throw new RequestError('invalid', 'must be at least 8 characters', field);
  if (password.length > 256) throw new RequestError('invalid', 'must be at most 256 characters', field);
}

export function checkProfile(profile: ParticipantProfile): void {
  const bytes = Buffer.byteLength(profile.name, 'utf8');
  if (profile.name.trim().length === 0 || bytes > 64)
    throw new RequestError('invalid', 'must be 1–64 bytes of text', 'name');
  if (profile.kind === 'producer' && profile.greenPreference)
    throw new RequestError(
      'invalid',
      'a producer does not buy, so it has no green preference',
      'greenPreference',
    );
  if (profile.kind === 'consumer' && profile.greenSupply)
    throw new RequestError('invalid', 'a consumer does not sell, so it has no green supply', 'greenSupply');
}

export function createUsers(deps: {
  store: PlatformStore;
  platform: Platform;
  relayer: Account;
  lock: ChainLock;
  /** Opens the keystores of the participants the platform runs. */
  platformSecret: string;
  now?: () => number;
  /** Told when a user's password changed (the first-login password is then forgotten). */
  onPasswordChanged?: (username: string) => void;
}) {
  const { store, platform, lock } = deps;
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const signingUp = new Set<string>();

  function openSession(user: UserRecord, account: LocalAccount): Session {
    const session: Session = {
      token: randomBytes(32).toString('base64url'),
      username: user.username,
      role: user.role,
      participantId: user.participantId,
      account,
      expiresAt: now() + SESSION_IDLE_MS,
    };
    sessions.set(session.token, session);
    return session;
  }

  /** Adds a user whose key already exists (the operator's, the case study's). */
  async function addUser(
    user: Omit<UserRecord, 'keystore' | 'custodyKeystore' | 'account'>,
    privateKey: Hex,
    password: string,
    custodial: boolean,
  ): Promise<UserRecord> {
    const record: UserRecord = {
      ...user,
      account: privateKeyToAccount(privateKey).address,
      keystore: await encryptKeystore(privateKey, password),
      custodyKeystore: custodial ? await encryptKeystore(privateKey, deps.platformSecret) : null,
    };
    store.addUser(record);
    return record;
  }

  return {
    addUser,

    /** Registers a new participant on chain (the relayer pays) and logs it in. */
    async signUp(request: SignUp): Promise<{ session: Session; participantId: number }> {
      checkUsername(request.username);
      checkPassword(request.password);
      checkProfile(request);
      // A name being signed up is held until its registration is stored, so two sign-ups racing
      // for one name cannot both register on chain.
      if (store.user(request.username) !== undefined || signingUp.has(request.username))
        throw new RequestError('conflict', `"${request.username}" is taken`, 'username');
      signingUp.add(request.username);
      try {
        const key = generatePrivateKey();
        const account = privateKeyToAccount(key);
        const keystore = await encryptKeystore(key, request.password);
        const participantId = await lock.run(() =>
          registerBySignature(platform, deps.relayer, account, {
            name: request.name,
            kind: request.kind,
            greenSupply: request.greenSupply,
            greenPreference: request.greenPreference,
          }),
        );
        const record: UserRecord = {
          username: request.username,
          role: 'participant',
          participantId,
          account: account.address,
          keystore,
          custodyKeystore: null,
        };
        store.addUser(record);
        return { session: openSession(record, account), participantId };
      } finally {
        signingUp.delete(request.username);
      }
    },

    async login(username: string, password: string): Promise<Session> {
      const user = store.user(username);
      const refuse = () => new RequestError('unauthenticated', 'unknown username or wrong password');
      if (user === undefined) throw refuse();
      try {
        return openSession(user, await decryptKeystore(user.keystore, password));
      } catch (error) {
        if (error instanceof KeystoreError && error.code === 'KEYSTORE_PASSWORD') throw refuse();
        throw error;
      }
    },

    session(token: string | undefined): Session | undefined {
      if (token === undefined) return undefined;
      const session = sessions.get(token);
      if (session === undefined) return undefined;
      if (session.expiresAt < now()) {
        sessions.delete(token);
        return undefined;
      }
      session.expiresAt = now() + SESSION_IDLE_MS;
      return session;
    },

    logout: (token: string) => sessions.delete(token),

    async changePassword(session: Session, current: string, next: string): Promise<void> {
      checkPassword(next, 'newPassword');
      const user = store.user(session.username)!;
      let key: Hex;
      try {
        key = await decryptKeystoreKey(user.keystore, current);
      } catch (error) {
        if (error instanceof KeystoreError && error.code === 'KEYSTORE_PASSWORD')
          throw new RequestError('invalid', 'is not the current password', 'currentPassword');
        throw error;
      }
      store.setKeystore(user.username, await encryptKeystore(key, next));
      deps.onPasswordChanged?.(user.username);
    },

    /** The account of a participant the platform runs, opened with the platform's secret. */
    async custodialAccount(user: UserRecord): Promise<LocalAccount> {
      if (user.custodyKeystore === null) throw new Error(`${user.username} is not run by the platform`);
      return await decryptKeystore(user.custodyKeystore, deps.platformSecret);
    },
  };
}

/** A fresh random password for accounts the platform makes (printed once, changed at first login). */
export const generatePassword = (): string => toHex(randomBytes(12)).slice(2);

export type Users = ReturnType<typeof createUsers>;
