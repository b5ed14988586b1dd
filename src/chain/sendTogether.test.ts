import { describe, expect, it } from 'vitest';
import { parseEventLogs } from 'viem';
import { ContractRefusedError } from './errors.ts';
import { participantRegistryAbi } from './generated/ParticipantRegistry.ts';
import { enrolMany } from './participants.ts';
import { newAccount } from './devAccounts.ts';
import { startTestPlatform } from './testing/testPlatform.ts';
import { encodeCall, executeIndependent, sendAllOrNone } from './transactions.ts';

describe('independent transactions sent together on the embedded chain', () => {
  it('enrols in a few blocks with the same ids as one block per batch, and names a refused call', async () => {
    const t = await startTestPlatform({ blockGasLimit: 300_000_000n });
    try {
      const { publicClient } = t.connection;
      const profile = (i: number) =>
        ({ name: `p${i}`, kind: 'prosumer', greenSupply: true, greenPreference: false }) as const;
      const enrolments = Array.from({ length: 120 }, (_, i) => ({
        account: newAccount(),
        profile: profile(i),
        deposit: 1_000n + BigInt(i),
      }));
      const before = await publicClient.getBlockNumber();
      const ids = await enrolMany(
        t.platform,
        {
          relayer: t.accounts.relayer,
          operator: t.accounts.operator,
          settlementAgent: t.accounts.settlementAgent,
        },
        enrolments,
        { batchSize: 20, together: true },
      );
      const blocks = (await publicClient.getBlockNumber()) - before;
      // Six registration, six authorisation and six deposit batches: one block per phase, not 18.
      expect(blocks).toBe(3n);
      expect(ids).toEqual(enrolments.map((_, i) => i + 1));
      for (const [i, e] of enrolments.entries()) {
        expect(await t.platform.read.token.read.balanceOf([e.account.address])).toBe(e.deposit);
        expect(await t.platform.read.registry.read.participantIdOf([e.account.address])).toBe(ids[i]);
        expect((await t.platform.read.registry.read.profile([ids[i]!])).authorised).toBe(true);
      }

      // The good calls land together; the refused one is sent alone and named.
      const registry = { address: t.platform.deployment.registry, abi: participantRegistryAbi } as const;
      const calls = [[1], [999], [2]].map((chunk) => ({
        ...registry,
        functionName: 'revoke' as const,
        args: [chunk[0]!] as const,
      }));
      const refusal = await executeIndependent(
        t.connection,
        t.accounts.operator,
        calls,
        (i) => `revoke ${calls[i]!.args[0]}`,
        { together: true },
      ).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ContractRefusedError);
      expect((refusal as ContractRefusedError).errorName).toBe('RegistryUnknownParticipant');
      expect((refusal as ContractRefusedError).message).toContain('revoke 999');
      for (const id of [1, 2]) {
        expect((await t.platform.read.registry.read.profile([id])).authorised).toBe(false);
      }
      const revoked = parseEventLogs({
        abi: participantRegistryAbi,
        logs: await publicClient.getLogs({ address: registry.address, fromBlock: before }),
        eventName: 'ParticipantRevoked',
      });
      expect(new Set(revoked.map((l) => l.blockNumber)).size).toBe(1);
    } finally {
      await t.stop();
    }
  }, 60_000);

  it('sends steps in order all or none: one refused step puts the chain back before the first', async () => {
    const t = await startTestPlatform();
    try {
      const profile = { name: 'p', kind: 'consumer', greenSupply: false, greenPreference: false } as const;
      const [a, b] = [await t.enrol(profile, 0n), await t.enrol(profile, 0n)];
      const registry = { address: t.platform.deployment.registry, abi: participantRegistryAbi } as const;
      const revoke = (id: number) => ({
        to: registry.address,
        data: encodeCall({ ...registry, functionName: 'revoke', args: [id] }),
        gas: 200_000n,
      });
      const authorised = async (id: number) => (await t.platform.read.registry.read.profile([id])).authorised;
      const block = await t.connection.publicClient.getBlockNumber();

      expect(
        await sendAllOrNone(
          t.connection,
          t.accounts.operator,
          [revoke(a.id), revoke(999), revoke(b.id)],
          'x',
        ),
      ).toBe(undefined);
      expect(await authorised(a.id)).toBe(true);
      expect(await authorised(b.id)).toBe(true);
      expect(await t.connection.publicClient.getBlockNumber()).toBe(block);

      const receipts = await sendAllOrNone(
        t.connection,
        t.accounts.operator,
        [revoke(a.id), revoke(b.id)],
        'y',
      );
      expect(receipts?.map((r) => r.status)).toEqual(['success', 'success']);
      expect(new Set(receipts?.map((r) => r.blockNumber)).size).toBe(1);
      expect(await authorised(a.id)).toBe(false);
      expect(await authorised(b.id)).toBe(false);
    } finally {
      await t.stop();
    }
  }, 60_000);
});
