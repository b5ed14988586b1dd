/**
 * The continuous market's readings and settlement refuse what the rules forbid, each with its custom
 * error and nothing changed: readings from the wrong meter, for the wrong participant, too early, too
 * late, twice, out of range or badly signed; settling without a position, before a missing reading's
 * deadline, twice, or with the grid's float short; a second side after trading on one; orders while
 * in debt. And a hand example: what a producer that delivered nothing pays, and its debt repaid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, LocalAccount } from 'viem';
import { signReading, type SignedReading } from './bidding.ts';
import { placeContinuousOrder, type ContinuousOrder } from './continuousMarket.ts';
import {
  refusalOf,
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from './continuousMarketTesting.ts';
import {
  continuousPositions,
  continuousSettlementOutcome,
  submitContinuousReadings,
} from './continuousSettlement.ts';
import { newAccount } from './devAccounts.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import { deposit } from './participants.ts';
import { execute } from './transactions.ts';
import { marketDomain, readingTypes } from './typedData.ts';
import type { Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const P = (cents: bigint) => cents * 10_000_000_000_000n;

describe('continuous market readings and settlement: refusals and a hand example', () => {
  let c: ContinuousTestPlatform;
  let seller: Enrolled;
  let buyer: Enrolled;
  let prosumer: Enrolled;
  let idle: Enrolled;
  let period: bigint;

  beforeAll(async () => {
    c = await startContinuousTestPlatform();
    // The seller holds just the margin: what it owes for delivering nothing exceeds what it earned.
    seller = await c.trader('seller', 'producer', 10n ** 15n);
    buyer = await c.trader('buyer', 'consumer', UNIT);
    prosumer = await c.trader('prosumer', 'prosumer', UNIT);
    idle = await c.trader('idle', 'consumer', UNIT);
    for (const p of [seller, buyer, prosumer, idle]) {
      await c.t.connection.testClient!.setBalance({ address: p.meter.address, value: UNIT });
    }
    period = await c.openPeriod(3_000n);
    const order = (side: 'sell' | 'buy', quantityWh: bigint, cents: bigint): ContinuousOrder => ({
      period,
      side,
      quantityWh,
      pricePerWh: P(cents),
    });
    await placeContinuousOrder(c.market, seller.account, seller.id, order('sell', 100n, 50n));
    await placeContinuousOrder(c.market, buyer.account, buyer.id, order('buy', 100n, 55n));
    await placeContinuousOrder(c.market, prosumer.account, prosumer.id, order('sell', 20n, 60n));
    await placeContinuousOrder(c.market, buyer.account, buyer.id, order('buy', 20n, 60n));
  }, 120_000);

  afterAll(async () => {
    await c?.stop();
  });

  const read = () => c.market.read.read;
  const all = () => [seller, buyer, prosumer, idle];

  /** Everything a refused reading or settlement must leave as it was. */
  const snapshot = async () =>
    JSON.stringify(
      {
        positions: await continuousPositions(c.market, period),
        debts: await Promise.all(all().map((p) => read().debtOf([p.id]))),
        lastReadings: await Promise.all(all().map((p) => read().lastReadingPeriod([p.meter.address]))),
        balances: await Promise.all(
          [...all().map((p) => p.account.address), c.t.accounts.publicGrid.address].map((a) =>
            c.t.platform.read.token.read.balanceOf([a]),
          ),
        ),
      },
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );

  async function expectRefused(errorName: string, args: unknown[] | null, attempt: () => Promise<unknown>) {
    const before = await snapshot();
    const refusal = await refusalOf(attempt());
    expect(refusal.errorName).toBe(errorName);
    if (args !== null) expect(refusal.args).toEqual(args);
    expect(await snapshot()).toBe(before);
  }

  const call = (
    who: Account,
    functionName: 'submitReading' | 'settle' | 'repayDebt',
    args: readonly unknown[],
  ) =>
    execute(
      c.t.connection,
      who,
      // The three functions' argument lists are checked by the contract, not by this helper.
      { address: c.market.address, abi: continuousMarketAbi, functionName, args } as never,
      functionName,
    );
  const submit = (meter: Account, participantId: number, importWh: bigint, exportWh: bigint, p = period) =>
    call(meter, 'submitReading', [participantId, p, importWh, exportWh]);
  const sign = (meter: LocalAccount, participantId: number, importWh: bigint, exportWh: bigint) =>
    signReading(c.t.platform, meter, { participantId, period, importWh, exportWh });
  const settle = (ids: number[]) => call(c.t.keeper, 'settle', [period, ids]);

  it('keeps one side per period once a participant has traded', async () => {
    expect((await read().positionOf([period, prosumer.id])).sell).toBe(true);
    expect((await read().openOrdersOf([period, prosumer.id])).sells).toBe(0);
    await expectRefused('OrderSideConflict', [prosumer.id, period], () =>
      execute(
        c.t.connection,
        prosumer.account,
        {
          address: c.market.address,
          abi: continuousMarketAbi,
          functionName: 'place',
          args: [period, 1, 5n, P(40n), 0],
        },
        'place',
      ),
    );
  });

  it('refuses readings before the period has ended, from unbound meters, for others, out of range', async () => {
    const opensAt = (await read().readingDeadline([period])) - (await read().readingSeconds());
    await expectRefused('ReadingTooEarly', [period, opensAt, expect.any(BigInt)], () =>
      submit(seller.meter, seller.id, 0n, 0n),
    );
    await c.t.clock.advanceTo(opensAt);
    const stranger = newAccount();
    await c.t.connection.testClient!.setBalance({ address: stranger.address, value: UNIT });
    await expectRefused('ReadingMeterNotBound', [stranger.address], () =>
      submit(stranger, seller.id, 0n, 0n),
    );
    await expectRefused('ReadingWrongParticipant', [seller.meter.address, buyer.id, seller.id], () =>
      submit(seller.meter, buyer.id, 0n, 0n),
    );
    await expectRefused('ReadingOutOfRange', [2n ** 48n, 0n], () =>
      submit(seller.meter, seller.id, 2n ** 48n, 0n),
    );
  });

  it('takes the sealed-bid market domain signature only, once per period', async () => {
    // Signed for the continuous market's own domain: not the reading a meter signs.
    const wrongDomain = await seller.meter.signTypedData({
      domain: marketDomain(c.t.connection.chain.id, c.market.address),
      types: readingTypes,
      primaryType: 'Reading',
      message: { meter: seller.meter.address, participantId: seller.id, period, importWh: 0n, exportWh: 0n },
    });
    const forged: SignedReading = {
      ...(await sign(seller.meter, seller.id, 0n, 0n)),
      signature: wrongDomain,
    };
    await expectRefused('ReadingInvalidSignature', [seller.meter.address], () =>
      submitContinuousReadings(c.market, c.t.accounts.relayer, [forged]),
    );
    // The seller delivered nothing; the buyer used 70 of its 120 Wh.
    await submitContinuousReadings(c.market, c.t.accounts.relayer, [
      await sign(seller.meter, seller.id, 3n, 0n),
      await sign(buyer.meter, buyer.id, 70n, 0n),
    ]);
    await expectRefused('ReadingAlreadyReported', [seller.meter.address, period, period], () =>
      submit(seller.meter, seller.id, 0n, 0n),
    );
    expect(await read().positionOf([period, buyer.id])).toMatchObject({
      filledWh: 120,
      actualWh: 70,
      flags: 1,
    });
  });

  it('refuses to settle without a position, before a missing reading is due, or with too little float', async () => {
    const deadline = await read().readingDeadline([period]);
    await expectRefused('SettlementNoPosition', [idle.id, period], () => settle([idle.id]));
    await expectRefused('SettlementReadingPending', [prosumer.id, period, deadline], () =>
      settle([prosumer.id]),
    );
    // The grid owes the buyer for the 50 Wh it did not use, but holds nothing yet.
    await expectRefused('SettlementGridFloatInsufficient', [0n, expect.any(BigInt)], () =>
      settle([buyer.id]),
    );
    await c.t.fundGrid(UNIT);
    const settled = continuousSettlementOutcome(await settle([buyer.id]));
    expect(settled.settled).toHaveLength(1);
    await expectRefused('SettlementAlreadyDone', [buyer.id, period], () => settle([buyer.id]));
  });

  it('settles a producer that delivered nothing: it pays what it holds and owes the rest', async () => {
    // Fills: 100 Wh @0.50 (seller) and 20 Wh @0.60 (prosumer): A = (50 + 12) / 120 per 1e13 units.
    const value = 100n * P(50n) + 20n * P(60n);
    const ceil = (n: bigint, d: bigint) => (n + d - 1n) / d;
    const shortfall = ceil(100n * value * 1_100_000n, 120n * 1_000_000n);
    const penalty = ceil(100n * value * 50_000n, 120n * 1_000_000n);
    const held = await c.t.platform.read.token.read.balanceOf([seller.account.address]);
    expect(held).toBe(10n ** 15n + 100n * P(50n));
    const outcome = continuousSettlementOutcome(await settle([seller.id]));
    expect(outcome.settled[0]).toMatchObject({
      participantId: seller.id,
      actualWh: 0n,
      imbalanceWh: 100n,
      imbalanceAmount: -shortfall,
      reward: 0n,
      penalty,
    });
    expect(await c.t.platform.read.token.read.balanceOf([seller.account.address])).toBe(0n);
    expect(await read().debtOf([seller.id])).toBe(shortfall + penalty - held);
  });

  it('refuses a late reading, settles it as missing, and refuses orders while in debt', async () => {
    const deadline = await read().readingDeadline([period]);
    await c.t.clock.advanceTo(deadline);
    await expectRefused('ReadingWindowClosed', [period, deadline, expect.any(BigInt)], () =>
      submit(prosumer.meter, prosumer.id, 0n, 20n),
    );
    const missing = continuousSettlementOutcome(await settle([prosumer.id])).settled[0]!;
    expect(missing).toMatchObject({ readingMissing: true, imbalanceWh: 0n, imbalanceAmount: 0n, reward: 0n });
    expect(missing.penalty).toBeGreaterThan(0n);

    const debt = await read().debtOf([seller.id]);
    const next = await c.openPeriod();
    const before = await snapshot();
    const refusal = await refusalOf(
      placeContinuousOrder(c.market, seller.account, seller.id, {
        period: next,
        side: 'sell',
        quantityWh: 1n,
        pricePerWh: P(50n),
      }),
    );
    expect([refusal.errorName, refusal.args]).toEqual(['OrderInDebt', [seller.id, debt]]);
    expect(await snapshot()).toBe(before);
    // A deposit, then anyone's repayDebt takes the debt to the grid.
    await deposit(c.t.platform, c.t.accounts.settlementAgent, seller.account.address, debt + 5n, 'repay');
    await call(c.t.keeper, 'repayDebt', [seller.id]);
    expect(await read().debtOf([seller.id])).toBe(0n);
    expect(await c.t.platform.read.token.read.balanceOf([seller.account.address])).toBe(5n);
  });
});
