/**
 * Withdrawals are made through the sealed-bid market, but a trader of the continuous market may
 * still owe there: the token leaves in place what the continuous market holds for it (its resting
 * buys' reservations, the margin while its book is open or a position unsettled, its debt), and
 * refuses a withdrawal that would leave less with `TokenFundsHeld`, changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import { placeContinuousOrder } from './continuousMarket.ts';
import {
  CONTINUOUS_TEST_SETTINGS,
  refusalOf,
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from './continuousMarketTesting.ts';
import { settleContinuousPeriod } from './continuousSettlement.ts';
import { newAccount } from './devAccounts.ts';
import { settlementTokenAbi } from './generated/SettlementToken.ts';
import { deposit, withdraw, withdrawableNow } from './participants.ts';
import { execute } from './transactions.ts';
import type { Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const MARGIN = CONTINUOUS_TEST_SETTINGS.marginAmount;
const P = (cents: bigint) => cents * 10_000_000_000_000n;

describe('withdrawals leave what the continuous market holds', () => {
  let c: ContinuousTestPlatform;
  let seller: Enrolled;
  let buyer: Enrolled;
  let period: bigint;

  beforeAll(async () => {
    c = await startContinuousTestPlatform();
    seller = await c.trader('seller', 'producer', MARGIN);
    buyer = await c.trader('buyer', 'consumer', UNIT);
    period = await c.openPeriod(3_000n);
  }, 120_000);

  afterAll(async () => {
    await c?.stop();
  });

  const token = () => c.t.platform.read.token.read;
  const held = (who: Enrolled) => token().heldFor([who.account.address]);
  const balance = (who: Enrolled) => token().balanceOf([who.account.address]);
  const withdrawFrom = (who: Enrolled, amount: bigint, reference: string) =>
    withdraw(c.t.platform, c.t.accounts.settlementAgent, who.account, amount, reference);

  /** Withdrawing one base unit more than the free balance is refused and changes nothing; the free balance goes. */
  async function expectFreeBalance(who: Enrolled, free: bigint, reference: string) {
    const before = await balance(who);
    const hold = await held(who);
    expect(before - hold).toBe(free);
    expect(await withdrawableNow(c.t.platform, who.id)).toBe(free);
    const refusal = await refusalOf(withdrawFrom(who, free + 1n, `${reference}-over`));
    expect([refusal.errorName, refusal.args]).toEqual([
      'TokenFundsHeld',
      [who.account.address, hold, hold - 1n],
    ]);
    expect(await balance(who)).toBe(before);
    if (free > 0n) {
      await withdrawFrom(who, free, reference);
      expect(await balance(who)).toBe(hold);
    }
  }

  it('holds nothing for a participant that never placed an order', async () => {
    expect(await held(buyer)).toBe(0n);
    expect(await held(seller)).toBe(0n);
  });

  it("holds a resting buy's reservation and the margin while the book is open", async () => {
    await placeContinuousOrder(c.market, buyer.account, buyer.id, {
      period,
      side: 'buy',
      quantityWh: 100n,
      pricePerWh: P(55n),
    });
    expect(await held(buyer)).toBe(MARGIN + 100n * P(55n));
    await expectFreeBalance(buyer, UNIT - MARGIN - 100n * P(55n), 'buyer-1');
  });

  it("holds the seller's margin while its book is open, and the buyer's margin until its position is settled", async () => {
    await placeContinuousOrder(c.market, seller.account, seller.id, {
      period,
      side: 'sell',
      quantityWh: 100n,
      pricePerWh: P(50n),
    });
    // The sell filled against the resting buy at the buy's price: the reservation is spent.
    expect(await held(buyer)).toBe(MARGIN);
    expect(await balance(seller)).toBe(MARGIN + 100n * P(55n));
    await expectFreeBalance(seller, 100n * P(55n), 'seller-1');
    await c.closeGate(period);
    expect(await held(buyer)).toBe(MARGIN);
    await expectFreeBalance(buyer, 0n, 'buyer-2');
  });

  it('releases the margin once the position is settled and holds the debt instead', async () => {
    // No reading comes: after the deadline both are settled as missing, owing the full penalty.
    await c.t.clock.advanceTo(await c.market.read.read.readingDeadline([period]));
    const report = await settleContinuousPeriod(c.market, c.t.keeper, period);
    expect([...report.settled].sort()).toEqual([buyer.id, seller.id].sort());
    for (const who of [buyer, seller]) {
      const debt = await c.market.read.read.debtOf([who.id]);
      expect(debt).toBeGreaterThan(0n);
      expect(await held(who)).toBe(debt);
    }
    // A deposit beyond the debt is free to leave again; the debt stays for the grid.
    const debt = await c.market.read.read.debtOf([buyer.id]);
    await deposit(c.t.platform, c.t.accounts.settlementAgent, buyer.account.address, debt + 7n, 'top-up');
    await expectFreeBalance(buyer, (await balance(buyer)) - debt, 'buyer-3');
    expect(await balance(buyer)).toBe(debt);
  });

  it('lets only the administrator add a funds holder, an added ledger, once', async () => {
    const add = (from: typeof c.t.accounts.operator, holder: Address) =>
      execute(
        c.t.connection,
        from,
        {
          address: c.t.platform.deployment.token,
          abi: settlementTokenAbi,
          functionName: 'addFundsHolder',
          args: [holder],
        },
        'add a funds holder',
      );
    const before = await token().heldFor([seller.account.address]);
    const stranger = newAccount();
    await c.t.connection.testClient!.setBalance({ address: stranger.address, value: UNIT });
    const notAdmin = await refusalOf(add(stranger, c.market.address));
    expect([notAdmin.errorName, notAdmin.args]).toEqual(['TokenNotAdministrator', [stranger.address]]);
    const again = await refusalOf(add(c.t.accounts.operator, c.market.address));
    expect([again.errorName, again.args]).toEqual(['TokenFundsHolderInvalid', [c.market.address]]);
    const notLedger = await refusalOf(add(c.t.accounts.operator, stranger.address));
    expect([notLedger.errorName, notLedger.args]).toEqual(['TokenFundsHolderInvalid', [stranger.address]]);
    expect(await token().fundsHolders([0n])).toBe(c.market.address);
    expect(await token().heldFor([seller.account.address])).toBe(before);
  });
});
