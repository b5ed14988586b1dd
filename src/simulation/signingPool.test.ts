import { afterAll, describe, expect, it } from 'vitest';
import { encodePacked, keccak256, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  bidCommitment,
  commitTypes,
  marketDomain,
  readingTypes,
  registrationTypes,
  registryDomain,
  type SealedBid,
} from '../chain/typedData.ts';
import { seededRandom } from './random.ts';
import { checkSigningPool, startSigningPool, type SigningSetup } from './signingPool.ts';

const setup: SigningSetup = { chainId: 31337, market: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };
const keyOf = (i: number): Hex => keccak256(encodePacked(['string', 'uint32'], ['signing pool test', i]));

describe('the signing pool', () => {
  const pool = startSigningPool(2, setup);
  afterAll(() => pool.close());

  it('signs commits and readings on its workers exactly as viem signs the typed data', async () => {
    // Generated inputs: keys, sides, quantities and prices across their ranges, in one batch split
    // across both workers.
    const random = seededRandom(5, 'signing pool test');
    const count = 60;
    const keys = Array.from({ length: count }, (_, i) => keyOf(i));
    const accounts = keys.map((k) => privateKeyToAccount(k));
    const bids: SealedBid[] = accounts.map((a, i) => ({
      participant: a.address,
      participantId: i + 1,
      period: BigInt(random.integer(1, 100_000)),
      side: random.next() < 0.5 ? 'buy' : 'sell',
      quantityWh: BigInt(random.integer(1, 2 ** 31)) * BigInt(random.integer(1, 1000)),
      pricePerWh: BigInt(random.integer(1, 2 ** 31)) * 10n ** 9n,
      salt: keccak256(encodePacked(['uint32'], [i])),
    }));
    const readings = accounts.map((_, i) => ({
      participantId: i + 1,
      period: BigInt(random.integer(1, 100_000)),
      importWh: i % 2 === 0 ? BigInt(random.integer(0, 2 ** 31)) : 0n,
      exportWh: i % 2 === 1 ? BigInt(random.integer(0, 2 ** 31)) : 0n,
    }));
    const domain = marketDomain(setup.chainId, setup.market);

    const commits = await pool.commits(keys.map((key, i) => ({ key, bid: bids[i]! })));
    const signedReadings = await pool.readings(
      keys.map((key, i) => ({ key, meter: accounts[i]!.address, reading: readings[i]! })),
    );
    expect(commits).toHaveLength(count);
    for (let i = 0; i < count; i++) {
      const a = accounts[i]!;
      const commitment = bidCommitment(bids[i]!);
      expect(commits[i]!.commit).toEqual({
        participant: a.address,
        period: bids[i]!.period,
        commitment,
        signature: await a.signTypedData({
          domain,
          types: commitTypes,
          primaryType: 'Commit',
          message: { participant: a.address, period: bids[i]!.period, commitment },
        }),
      });
      expect(signedReadings[i]).toEqual({
        meter: a.address,
        ...readings[i]!,
        signature: await a.signTypedData({
          domain,
          types: readingTypes,
          primaryType: 'Reading',
          message: { meter: a.address, ...readings[i]! },
        }),
      });
    }
  });

  it('derives addresses and signs registrations as viem does, in order', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => keyOf(1000 + i));
    const accounts = keys.map((k) => privateKeyToAccount(k));
    expect(await pool.addresses(keys)).toEqual(accounts.map((a) => a.address));
    const registry: Address = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
    const typedData = (a: (typeof accounts)[number], i: number) =>
      ({
        domain: registryDomain(setup.chainId, registry),
        types: registrationTypes,
        primaryType: 'Registration',
        message: {
          account: a.address,
          name: `p-${i}`,
          kind: i % 3,
          greenSupply: i % 2 === 0,
          greenPreference: false,
        },
      }) as const;
    const signatures = await pool.typedData(
      keys.map((key, i) => ({ key, typedData: typedData(accounts[i]!, i) })),
    );
    expect(signatures).toEqual(await Promise.all(accounts.map((a, i) => a.signTypedData(typedData(a, i)))));
  });

  it('gives the same signatures with no workers (in-thread) as with workers', async () => {
    const inThread = startSigningPool(0, setup);
    const items = Array.from({ length: 20 }, (_, i) => ({
      key: keyOf(i),
      meter: privateKeyToAccount(keyOf(i)).address,
      reading: { participantId: i + 1, period: 3n, importWh: BigInt(i * 7), exportWh: 0n },
    }));
    expect(await pool.readings(items)).toEqual(await inThread.readings(items));
  });

  it('passes its check against viem, and fails it against another market', async () => {
    await checkSigningPool(pool, setup, keyOf(1));
    await expect(
      checkSigningPool(pool, { ...setup, market: '0x0000000000000000000000000000000000000001' }, keyOf(1)),
    ).rejects.toThrow(/disagrees with viem/);
  });
});
