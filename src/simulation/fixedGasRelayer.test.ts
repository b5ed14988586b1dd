import { describe, expect, it } from 'vitest';
import { periodWindows } from '../core/periodClock.ts';
import { signReading } from '../chain/bidding.ts';
import { ContractRefusedError } from '../chain/errors.ts';
import { startTestPlatform } from '../chain/testing/testPlatform.ts';
import { fixedGasRelayer } from './fixedGasRelayer.ts';

describe('the fixed-gas relayer', () => {
  it('sends a batch once, and hands a refused batch to the SDK relayer, which names the refusal', async () => {
    const t = await startTestPlatform();
    try {
      const profile = { name: 'p', kind: 'consumer', greenSupply: false, greenPreference: false } as const;
      const [a, b] = [await t.enrol(profile, 0n), await t.enrol(profile, 0n)];
      const period = await t.nextOpenPeriod();
      await t.clock.advanceTo(periodWindows(t.schedule, period).deliveryEnds);
      const relayer = fixedGasRelayer(t.platform, t.accounts.relayer, t.relayer);
      const reading = (who: typeof a, participantId: number) =>
        signReading(t.platform, who.meter, { participantId, period, importWh: 120n, exportWh: 0n });

      // One good batch: one transaction, no fallback.
      const good = relayer.reading(await reading(a, a.id));
      await relayer.flush();
      expect((await good).status).toBe('success');
      expect(relayer.stats).toMatchObject({ transactions: 1, messages: 1 });
      expect(t.relayer.stats.transactions).toBe(0);

      // A batch with a refused reading reverts once, then the SDK relayer lands the good one.
      const wrong = relayer.reading(await reading(b, a.id));
      const fine = relayer.reading(await reading(b, b.id));
      await relayer.flush();
      await expect(wrong).rejects.toSatisfy(
        (e) => e instanceof ContractRefusedError && e.errorName === 'ReadingWrongParticipant',
      );
      expect((await fine).status).toBe('success');
      expect(await t.platform.read.market.read.lastReadingPeriod([b.meter.address])).toBe(period);
      expect(relayer.stats.transactions).toBe(2 + t.relayer.stats.transactions);
      expect(relayer.stats.messages).toBe(2);
    } finally {
      await t.stop();
    }
  }, 30_000);
});
