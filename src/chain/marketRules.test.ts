/**
 * The market's rules on chain: the operator's pricing rule, price floor and cap and seller share cap,
 * each refusal with its custom error and nothing changed, and a uniform-price clearing whose crossing
 * is split over two transactions refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodWindows } from '../core/periodClock.ts';
import { clearPeriodOnChain } from './clearing.ts';
import { toContractParameters } from './deploy.ts';
import { ContractRefusedError } from './errors.ts';
import { commitAndReveal } from './periodDriver.ts';
import { periodTrades } from './periodRecords.ts';
import { confirm } from './transactions.ts';
import {
  startTestPlatform,
  TEST_PARAMETERS,
  type Enrolled,
  type TestPlatform,
} from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const RULES = {
  ...TEST_PARAMETERS,
  pricing: 'uniform',
  priceFloorPerWh: 5n,
  priceCapPerWh: 1_000n,
  sellerShareCapBps: 0,
} as const;

describe('market rules on chain', () => {
  let t: TestPlatform;
  let a: Enrolled;
  let b: Enrolled;
  let x: Enrolled;

  const refusedWith = async (errorName: string, action: () => Promise<unknown>, period = 1n) => {
    const before = JSON.stringify(
      [
        await t.platform.read.market.read.parameters(),
        await t.platform.read.market.read.periodState([period]),
      ],
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
    const error = await action().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractRefusedError);
    expect((error as ContractRefusedError).errorName).toBe(errorName);
    const after = JSON.stringify(
      [
        await t.platform.read.market.read.parameters(),
        await t.platform.read.market.read.periodState([period]),
      ],
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
    expect(after).toBe(before);
    return error as ContractRefusedError;
  };
  const setParameters = (
    who: 'operator' | 'relayer',
    parameters: Parameters<typeof toContractParameters>[0],
  ) =>
    confirm(t.connection, 'set parameters', () =>
      t.platform.as(t.accounts[who]).market.write.setParameters([toContractParameters(parameters)]),
    );
  const setBounds = (
    who: 'operator' | 'relayer',
    period: bigint,
    floorPerWh: bigint,
    capPerWh: bigint,
    set = true,
  ) =>
    confirm(t.connection, 'set bounds', () =>
      t.platform
        .as(t.accounts[who])
        .market.write.setPeriodPriceBounds([period, { floorPerWh, capPerWh, set }]),
    );
  const bid = (who: Enrolled, side: 'sell' | 'buy', quantityWh: bigint, pricePerWh: bigint) => ({
    participant: who.account,
    participantId: who.id,
    intent: { side, quantityWh, pricePerWh },
  });

  beforeAll(async () => {
    t = await startTestPlatform({ parameters: RULES });
    const producer = { kind: 'producer', greenSupply: false, greenPreference: false } as const;
    a = await t.enrol({ name: 'a', ...producer }, UNIT);
    b = await t.enrol({ name: 'b', ...producer }, UNIT);
    x = await t.enrol({ name: 'x', kind: 'consumer', greenSupply: false, greenPreference: false }, UNIT);
    await t.fundGrid(10n * UNIT);
  });
  afterAll(async () => t?.stop());

  it('shows the rules in the parameters view', async () => {
    const p = await t.platform.read.market.read.parameters();
    expect([p.pricing, p.priceFloorPerWh, p.priceCapPerWh, p.sellerShareCapBps]).toEqual([1, 5n, 1_000n, 0]);
    expect(await t.platform.read.market.read.pricingOf([1n])).toBe(1);
    expect(await t.platform.read.market.read.priceBoundsOf([1n])).toEqual([5n, 1_000n]);
  });

  it('lets only the operator set the rules, and refuses bounds that cannot hold', async () => {
    await refusedWith('MarketNotOperator', () => setParameters('relayer', RULES));
    await refusedWith('MarketNotOperator', () => setBounds('relayer', 1n, 1n, 2n));
    const floor = await refusedWith('MarketParameterOutOfRange', () =>
      setParameters('operator', { ...RULES, priceFloorPerWh: 1_001n }),
    );
    expect(floor.args).toEqual(['priceFloorPerWh', 1_001n]);
    await refusedWith('MarketParameterOutOfRange', () => setBounds('operator', 1n, 9n, 8n));
    const share = await refusedWith('MarketParameterOutOfRange', () =>
      setParameters('operator', { ...RULES, sellerShareCapBps: 10_001 }),
    );
    expect(share.args).toEqual(['sellerShareCapBps', 10_001n]);
  });

  it('refuses at reveal a price under the floor or over the cap, a period’s own bounds first', async () => {
    await setBounds('operator', 2n, 40n, 60n);
    expect(await t.platform.read.market.read.priceBoundsOf([2n])).toEqual([40n, 60n]);
    const { refused } = await commitAndReveal(t, 1n, [
      bid(a, 'sell', 100n, 4n),
      bid(b, 'sell', 100n, 1_001n),
      bid(x, 'buy', 150n, 50n),
    ]);
    expect(
      refused.map((r) => [
        (r.error as ContractRefusedError).errorName,
        (r.error as ContractRefusedError).args,
      ]),
    ).toEqual([
      ['BidPriceBelowFloor', [a.id, 4n, 5n]],
      ['BidPriceAboveCap', [b.id, 1_001n, 1_000n]],
    ]);
    const second = await commitAndReveal(t, 2n, [bid(a, 'sell', 100n, 30n), bid(b, 'sell', 100n, 61n)]);
    expect(second.refused.map((r) => (r.error as ContractRefusedError).errorName)).toEqual([
      'BidPriceBelowFloor',
      'BidPriceAboveCap',
    ]);
    await setBounds('operator', 2n, 0n, 0n, false);
    expect(await t.platform.read.market.read.priceBoundsOf([2n])).toEqual([5n, 1_000n]);
  });

  it('refuses a uniform-price crossing split over two transactions, then clears at one price', async () => {
    const period = 4n;
    const { refused } = await commitAndReveal(t, period, [
      bid(a, 'sell', 100n, 10n),
      bid(b, 'sell', 100n, 20n),
      bid(x, 'buy', 150n, 50n),
    ]);
    expect(refused).toEqual([]);
    await t.clock.advanceTo(periodWindows(t.schedule, period).revealCloses);
    // a–x trade 100, then b is needed to go on: the step ends before the crossing does.
    const error = await refusedWith(
      'ClearingPriceSplit',
      () =>
        confirm(t.connection, 'clear', () =>
          t.platform.as(t.accounts.relayer).market.write.clear([
            period,
            [
              { sellers: [], buyers: [] },
              { sellers: [a.id], buyers: [x.id] },
            ],
          ]),
        ),
      period,
    );
    expect(error.args).toEqual([period, 2]);
    await clearPeriodOnChain(t.platform, t.keeper, period, { maxEntriesPerTransaction: 1 });
    // x is used up; b keeps 50 @20: L = 20 (last ask), U = min(50, 20) = 20.
    const trades = await periodTrades(t.platform, period);
    expect(trades.map((tr) => [tr.sellerId, tr.quantityWh, tr.pricePerWh])).toEqual([
      [a.id, 100n, 20n],
      [b.id, 50n, 20n],
    ]);
    const [, totals, value] = await t.platform.read.market.read.periodState([period]);
    expect([totals.uniform, totals.tradedWh, value]).toEqual([true, 150n, 3_000n]);
  });

  it('changes the pricing rule from the first period whose commit window has not opened', async () => {
    const now = await t.platform.read.market.read.currentPeriod();
    await setParameters('operator', { ...RULES, pricing: 'mid' });
    const rules = await Promise.all(
      [now, now + 1n, now + 2n].map((p) => t.platform.read.market.read.pricingOf([p])),
    );
    expect(rules).toEqual([1, 1, 0]);
    await setParameters('operator', RULES);
    const back = await Promise.all(
      [now + 1n, now + 2n].map((p) => t.platform.read.market.read.pricingOf([p])),
    );
    expect(back).toEqual([1, 1]);
  });
});
