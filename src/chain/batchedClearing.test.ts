import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Wallet } from '../core/bid.ts';
import { clearGreenFirst } from '../core/greenFirstAuction.ts';
import { periodWindows } from '../core/periodClock.ts';
import { commitAndReveal } from './periodDriver.ts';
import { clearPeriodOnChain, planClearing } from './clearing.ts';
import { confirm } from './transactions.ts';
import { asCoreBids, periodTrades, revealedBids } from './periodRecords.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const BIDDERS = 120;

describe(`a period of ${BIDDERS} bids cleared in small batches, interrupted and resumed`, () => {
  let t: TestPlatform;
  const people: Enrolled[] = [];

  beforeAll(async () => {
    t = await startTestPlatform();
    const flags = fc.sample(fc.tuple(fc.boolean(), fc.boolean()), { seed: 5, numRuns: BIDDERS });
    for (const [i, [greenSupply, greenPreference]] of flags.entries()) {
      people.push(
        await t.enrol({ name: `p${i}`, kind: 'prosumer', greenSupply, greenPreference }, 5n * UNIT),
      );
    }
  }, 120_000);
  afterAll(async () => t?.stop());

  it('ends with exactly the trades of one clearing pass', async () => {
    const period = await t.nextOpenPeriod();
    const w = periodWindows(t.schedule, period);
    const intents = fc.sample(
      fc.record({
        sell: fc.boolean(),
        quantityWh: fc.bigInt({ min: 1n, max: 3_000n }),
        pricePerWh: fc.constantFrom(...[6n, 7n, 8n].map((x) => x * 10n ** 14n), 650_000_000_000_001n),
      }),
      { seed: 6, numRuns: BIDDERS },
    );
    const bids = people.map((p, i) => ({
      participant: p.account,
      participantId: p.id,
      intent: {
        side: intents[i]!.sell ? ('sell' as const) : ('buy' as const),
        quantityWh: intents[i]!.quantityWh,
        pricePerWh: intents[i]!.pricePerWh,
      },
    }));
    expect((await commitAndReveal(t, period, bids)).refused).toEqual([]);
    await t.clock.advanceTo(w.revealCloses);

    const revealed = await revealedBids(t.platform, period);
    const wallets = new Map<string, Wallet>(
      people.map((p) => [String(p.id), { balance: 5n * UNIT, margin: 10n ** 17n }]),
    );
    const expected = clearGreenFirst({ bids: asCoreBids(period, revealed), wallets });

    // A keeper sends only the first three batches of its plan, then "crashes".
    const { transactions } = await planClearing(t.platform, period, 9);
    expect(transactions.length).toBeGreaterThan(10);
    for (const steps of transactions.slice(0, 3)) {
      await confirm(t.connection, 'clear', () =>
        t.platform
          .as(t.keeper)
          .market.write.clear([
            period,
            steps.map((s) => ({ sellers: [...s.sellers], buyers: [...s.buyers] })),
          ]),
      );
    }
    // A second keeper (another batch size) finishes from what the contract holds.
    const report = await clearPeriodOnChain(t.platform, t.keeper, period, { maxEntriesPerTransaction: 13 });
    expect(report.transactions.length).toBeGreaterThan(5);
    const trades = await periodTrades(t.platform, period);
    expect(
      trades.map((x) => [String(x.sellerId), String(x.buyerId), x.quantityWh, x.pricePerWh, x.stage]),
    ).toEqual(expected.trades.map((x) => [x.seller, x.buyer, x.quantityWh, x.pricePerWh, x.stage]));
    expect(expected.trades.length).toBeGreaterThan(20);
    expect((await clearPeriodOnChain(t.platform, t.keeper, period)).alreadyCleared).toBe(true);
  });
});
