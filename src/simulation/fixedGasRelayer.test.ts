import { describe, expect, it } from 'vitest';
import { periodWindows } from '../core/periodClock.ts';
import { signReading } from '../chain/bidding.ts';
import { ContractRefusedError } from '../chain/errors.ts';
import { startTestPlatform } from '../chain/testing/testPlatform.ts';
import { planClearingTransactions } from '../chain/clearing.ts';
import { energyMarketAbi } from '../chain/generated/EnergyMarket.ts';
import { executeWithFixedGas, fixedGasRelayer } from './fixedGasRelayer.ts';

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

  it('sends a keeper call again measured when its fixed gas runs out, and names a refusal', async () => {
    const t = await startTestPlatform();
    try {
      const period = await t.nextOpenPeriod();
      await t.clock.advanceTo(periodWindows(t.schedule, period).revealCloses);
      const [steps] = planClearingTransactions([], [], 'green', 400);
      const call = {
        address: t.platform.deployment.market,
        abi: energyMarketAbi,
        functionName: 'clear',
        args: [period, steps!.map((s) => ({ sellers: [...s.sellers], buyers: [...s.buyers] }))],
      } as const;
      const receipts: { gasUsed: bigint; status?: string }[] = [];

      // Too little gas: the fixed transaction reverts, the measured one lands; both are counted.
      await executeWithFixedGas(t.platform.connection, t.keeper, call, 30_000n, 'clear', receipts);
      expect(receipts.map((r) => r.status)).toEqual(['reverted', 'success']);
      const [, totals] = await t.platform.read.market.read.periodState([period]);
      expect(totals.stage).toBe(3);

      // A call the contract refuses: reverted once, then named by the measured path.
      await expect(
        executeWithFixedGas(t.platform.connection, t.keeper, call, 5_000_000n, 'clear', receipts),
      ).rejects.toSatisfy((e) => e instanceof ContractRefusedError && e.errorName === 'ClearingAlreadyDone');
      expect(receipts.map((r) => r.status)).toEqual(['reverted', 'success', 'reverted']);
    } finally {
      await t.stop();
    }
  }, 30_000);
});
