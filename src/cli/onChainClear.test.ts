import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runCli, tempFile } from './testing/runCli.ts';

const bid = fc.record({
  side: fc.constantFrom('sell', 'buy'),
  green: fc.boolean(),
  quantity: fc.integer({ min: 1, max: 2_000 }).map((wh) => (wh / 1000).toFixed(3)),
  price: fc.constantFrom('0.70', '0.72', '0.75', '0.731', '0.6', '0.8'),
});

describe('wattledger clear --on-chain', () => {
  it('prints what the off-chain clearing prints, plus gas and transaction hashes', async () => {
    const files = fc.sample(
      fc.record({
        bids: fc.array(bid, { minLength: 2, maxLength: 9 }),
        wallet: fc.option(fc.constantFrom('0.3', '1', '0.05'), { nil: undefined }),
      }),
      { seed: 99, numRuns: 4 },
    );
    for (const file of files) {
      const input = {
        mechanism: 'green-first',
        bids: file.bids.map((b, i) => ({ participant: `p${i}`, ...b })),
        wallets:
          file.wallet === undefined
            ? undefined
            : { p1: { balance: file.wallet, margin: '0.01' }, p0: { balance: '2', margin: '0.01' } },
      };
      const path = tempFile(input);
      const offChain = JSON.parse((await runCli(['clear', path])).stdout);
      const run = await runCli(['clear', '--on-chain', path]);
      expect(run.code).toBe(0);
      const { onChain, ...rest } = JSON.parse(run.stdout);
      expect(onChain.tieBreak).toBe('file order');
      expect(rest).toEqual(offChain);
      expect(BigInt(onChain.gasUsed.clearing)).toBeGreaterThan(0n);
      expect(onChain.transactions.every((t: { hash: string }) => /^0x[0-9a-f]{64}$/.test(t.hash))).toBe(true);
    }
  }, 120_000);

  it('refuses what the contracts cannot clear, naming the field', async () => {
    const uniform = await runCli(['clear', '--on-chain', tempFile({ mechanism: 'uniform', bids: [] })]);
    expect(uniform.stderr).toBe(
      'wattledger clear: mechanism: "uniform" is cleared off chain only; --on-chain clears "green-first"\n',
    );
    const margins = await runCli([
      'clear',
      '--on-chain',
      tempFile({
        mechanism: 'green-first',
        bids: [],
        wallets: { a: { balance: '1', margin: '0.1' }, b: { balance: '1', margin: '0.2' } },
      }),
    ]);
    expect(margins.code).toBe(1);
    expect(margins.stderr).toMatch(/^wattledger clear: wallets\.b\.margin: differs from wallets\.a\.margin/);
  });
});
