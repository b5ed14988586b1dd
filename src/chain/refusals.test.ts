/**
 * Every refusal the issue names, each with its custom error, and a snapshot of the market before
 * and after showing that nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import { periodWindows } from '../core/periodClock.ts';
import { sealBid, signReading, revealArgument } from './bidding.ts';
import { newAccount } from './devAccounts.ts';
import { ContractRefusedError } from './errors.ts';
import { deposit, registerBySignature, revokeParticipant, withdraw } from './participants.ts';
import { attempt, confirm } from './transactions.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const PRICE = 700_000_000_000_000n;

async function refusal(action: Promise<unknown>): Promise<ContractRefusedError> {
  const outcome = await action.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ContractRefusedError);
  return outcome as ContractRefusedError;
}

describe('refusals: each with its custom error, nothing changed', () => {
  let t: TestPlatform;
  let seller: Enrolled;
  let buyer: Enrolled;
  let other: Enrolled;

  const snapshot = async (period: bigint) => {
    const { market, token } = t.platform.read;
    const accounts: Address[] = [
      seller.account.address,
      buyer.account.address,
      other.account.address,
      t.accounts.publicGrid.address,
    ];
    return JSON.stringify(
      {
        balances: await Promise.all(accounts.map((a) => token.read.balanceOf([a]))),
        supply: await token.read.totalSupply(),
        bids: await Promise.all([seller, buyer, other].map((p) => market.read.bidOf([p.id, period]))),
        states: await Promise.all([seller, buyer, other].map((p) => market.read.participantState([p.id]))),
        period: await market.read.periodState([period]),
        meters: await Promise.all(
          [seller, buyer, other].map((p) => market.read.lastReadingPeriod([p.meter.address])),
        ),
      },
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
  };

  /** Asserts that `attempt` is refused with `errorName` and leaves `period` untouched. */
  const expectRefused = async (period: bigint, errorName: string, attempt: () => Promise<unknown>) => {
    const before = await snapshot(period);
    const error = await refusal(attempt());
    expect(error.errorName).toBe(errorName);
    expect(await snapshot(period)).toBe(before);
    return error;
  };

  const commitDirect = (p: Enrolled, signed: Awaited<ReturnType<typeof sealBid>>) =>
    confirm(t.connection, 'commit', () =>
      t.platform.as(t.accounts.relayer).market.write.commitBySignature([[signed.commit]]),
    );

  beforeAll(async () => {
    t = await startTestPlatform();
    seller = await t.enrol(
      { name: 'seller', kind: 'producer', greenSupply: true, greenPreference: false },
      5n * UNIT,
    );
    buyer = await t.enrol(
      { name: 'buyer', kind: 'consumer', greenSupply: false, greenPreference: true },
      5n * UNIT,
    );
    other = await t.enrol(
      { name: 'other', kind: 'prosumer', greenSupply: false, greenPreference: false },
      5n * UNIT,
    );
    await t.fundGrid(100n * UNIT);
  });
  afterAll(async () => t?.stop());

  it('refuses a bid from a participant the operator has not authorised', async () => {
    const stranger = newAccount();
    const id = await registerBySignature(t.platform, t.accounts.relayer, stranger, {
      name: 'not yet authorised',
      kind: 'consumer',
      greenSupply: false,
      greenPreference: false,
    });
    await t.clock.advanceTo(periodWindows(t.schedule, 1n).commitOpens);
    const signed = await sealBid(t.platform, stranger, 1n, {
      side: 'buy',
      quantityWh: 1n,
      pricePerWh: PRICE,
    });
    const error = await expectRefused(1n, 'MarketNotAuthorised', () => commitDirect(seller, signed));
    expect(error.args).toEqual([id]);
  });

  it('refuses a bid outside its commit window', async () => {
    const signed = await sealBid(t.platform, seller.account, 3n, {
      side: 'sell',
      quantityWh: 10n,
      pricePerWh: PRICE,
    });
    await expectRefused(3n, 'BidCommitWindowClosed', () => commitDirect(seller, signed));
  });

  it('refuses a commit signed by someone else', async () => {
    const signed = await sealBid(t.platform, seller.account, 1n, {
      side: 'sell',
      quantityWh: 10n,
      pricePerWh: PRICE,
    });
    const forged = await sealBid(t.platform, other.account, 1n, {
      side: 'sell',
      quantityWh: 10n,
      pricePerWh: PRICE,
    });
    await expectRefused(1n, 'MarketInvalidSignature', () =>
      confirm(t.connection, 'commit', () =>
        t.platform
          .as(t.accounts.relayer)
          .market.write.commitBySignature([[{ ...signed.commit, signature: forged.commit.signature }]]),
      ),
    );
  });

  it('refuses a reveal that does not match the commitment, and a second reveal', async () => {
    const sold = await sealBid(t.platform, seller.account, 1n, {
      side: 'sell',
      quantityWh: 400n,
      pricePerWh: PRICE,
    });
    const bought = await sealBid(t.platform, buyer.account, 1n, {
      side: 'buy',
      quantityWh: 300n,
      pricePerWh: PRICE + 2n,
    });
    await commitDirect(seller, sold);
    await commitDirect(buyer, bought);
    await expectRefused(1n, 'BidAlreadyCommitted', () => commitDirect(seller, sold));
    await t.clock.advanceTo(periodWindows(t.schedule, 1n).commitCloses);
    const reveal = (bid: typeof sold.sealed) =>
      confirm(t.connection, 'reveal', () =>
        t.platform.as(t.accounts.relayer).market.write.reveal([[revealArgument(bid)]]),
      );
    await expectRefused(1n, 'BidRevealMismatch', () => reveal({ ...sold.sealed, quantityWh: 401n }));
    await reveal(sold.sealed);
    await reveal(bought.sealed);
    await expectRefused(1n, 'BidAlreadyRevealed', () => reveal(sold.sealed));
  });

  it('refuses a clearing that hands over the bids in the wrong order or incompletely', async () => {
    await t.clock.advanceTo(periodWindows(t.schedule, 1n).revealCloses);
    const clear = (steps: { sellers: number[]; buyers: number[] }[]) =>
      confirm(t.connection, 'clear', () => t.platform.as(t.accounts.relayer).market.write.clear([1n, steps]));
    await expectRefused(1n, 'ClearingNotInQueue', () => clear([{ sellers: [buyer.id], buyers: [] }]));
    await expectRefused(1n, 'ClearingNotInQueue', () => clear([{ sellers: [other.id], buyers: [] }]));
    await expectRefused(1n, 'ClearingQueueOverrun', () =>
      clear([{ sellers: [seller.id], buyers: [buyer.id, buyer.id] }]),
    );
    await expectRefused(1n, 'ClearingBatchMisaligned', () =>
      clear([
        { sellers: [seller.id], buyers: [] },
        { sellers: [seller.id], buyers: [] },
      ]),
    );
    await clear([
      { sellers: [seller.id], buyers: [buyer.id] },
      { sellers: [seller.id], buyers: [buyer.id] },
    ]);
    await expectRefused(1n, 'ClearingAlreadyDone', () => clear([]));
  });

  it('refuses readings from an unbound meter, for another participant, and a second reading', async () => {
    await t.clock.advanceTo(periodWindows(t.schedule, 1n).deliveryEnds);
    const submit = async (meter: Enrolled['meter'], participantId: number) => {
      const signed = await signReading(t.platform, meter, {
        participantId,
        period: 1n,
        importWh: 0n,
        exportWh: 380n,
      });
      return confirm(t.connection, 'reading', () =>
        t.platform.as(t.accounts.relayer).market.write.submitReadingsBySignature([[signed]]),
      );
    };
    await expectRefused(1n, 'ReadingMeterNotBound', () => submit(newAccount(), seller.id));
    await expectRefused(1n, 'ReadingMeterNotBound', () => submit(seller.account, seller.id));
    const wrong = await expectRefused(1n, 'ReadingWrongParticipant', () => submit(buyer.meter, seller.id));
    expect(wrong.args).toEqual([buyer.meter.address, seller.id, buyer.id]);
    await submit(seller.meter, seller.id);
    await expectRefused(1n, 'ReadingAlreadyReported', () => submit(seller.meter, seller.id));
  });

  it('refuses to settle a participant whose reading is pending, and to settle anyone twice', async () => {
    const settle = (ids: number[]) =>
      confirm(t.connection, 'settle', () => t.platform.as(t.accounts.relayer).market.write.settle([1n, ids]));
    await expectRefused(1n, 'SettlementReadingPending', () => settle([buyer.id]));
    await expectRefused(1n, 'SettlementNoBid', () => settle([other.id]));
    await settle([seller.id]);
    await expectRefused(1n, 'SettlementAlreadyDone', () => settle([seller.id]));
  });

  it('refuses a withdrawal beyond what the participant may take', async () => {
    const balance = await t.platform.read.token.read.balanceOf([other.account.address]);
    await expectRefused(1n, 'WithdrawalExceedsAvailable', () =>
      withdraw(t.platform, t.accounts.settlementAgent, other.account, balance + 1n, 'too much'),
    );
    await expectRefused(1n, 'MarketNotSettlementAgent', () =>
      withdraw(t.platform, t.accounts.relayer, other.account, 1n, 'not agent'),
    );
    // The buyer has an unsettled bid: its margin stays.
    const [, buyerBalance, , withdrawable] = await t.platform.read.market.read.participantState([buyer.id]);
    expect(withdrawable).toBe(buyerBalance - 10n ** 17n);
    await expectRefused(1n, 'WithdrawalExceedsAvailable', () =>
      withdraw(t.platform, t.accounts.settlementAgent, buyer.account, withdrawable + 1n, 'margin'),
    );
    await withdraw(t.platform, t.accounts.settlementAgent, buyer.account, withdrawable, 'all but the margin');
  });

  it('refuses a mint by anyone but the settlement agent, and transfers between people', async () => {
    await expectRefused(1n, 'TokenNotSettlementAgent', () =>
      deposit(t.platform, t.accounts.operator, other.account.address, UNIT, 'x'),
    );
    await expectRefused(1n, 'TokenNotLedger', () =>
      confirm(t.connection, 'move', () =>
        t.platform
          .as(t.accounts.relayer)
          .token.write.move([other.account.address, t.accounts.relayer.address, 1n, 2, 1n]),
      ),
    );
    // transfer is declared pure (all it can do is refuse), so it is tried as a call from the grid's account.
    await expectRefused(1n, 'TokenTransferRestricted', () =>
      attempt('transfer', () =>
        t.platform.read.token.read.transfer([other.account.address, 1n], {
          account: t.accounts.publicGrid.address,
        }),
      ),
    );
  });

  it('refuses operator actions from anyone else, and bids after revocation', async () => {
    const error = await expectRefused(1n, 'AccessControlUnauthorizedAccount', () =>
      confirm(t.connection, 'authorise', () =>
        t.platform.as(t.accounts.relayer).registry.write.authorise([other.id]),
      ),
    );
    expect(error.args[0]).toBe(t.accounts.relayer.address);
    await revokeParticipant(t.platform, t.accounts.operator, other.id);
    await t.clock.advanceTo(periodWindows(t.schedule, 3n).commitOpens);
    const signed = await sealBid(t.platform, other.account, 3n, {
      side: 'sell',
      quantityWh: 10n,
      pricePerWh: PRICE,
    });
    await expectRefused(3n, 'MarketNotAuthorised', () => commitDirect(other, signed));
  });

  it('refuses bids the wallet cannot back and sides the kind does not allow; a batch keeps its good messages', async () => {
    const period = 3n;
    await deposit(t.platform, t.accounts.settlementAgent, buyer.account.address, UNIT, 'top-up');
    const broke = await t.enrol(
      { name: 'broke', kind: 'consumer', greenSupply: false, greenPreference: false },
      10n ** 17n + 5n,
    );
    const tooBig = await sealBid(t.platform, broke.account, period, {
      side: 'buy',
      quantityWh: 1_000n,
      pricePerWh: PRICE,
    });
    const wrongSide = await sealBid(t.platform, seller.account, period, {
      side: 'buy',
      quantityWh: 10n,
      pricePerWh: PRICE,
    });
    const good = await sealBid(t.platform, buyer.account, period, {
      side: 'buy',
      quantityWh: 10n,
      pricePerWh: PRICE,
    });
    const forged = { ...good.commit, participant: other.account.address };
    const commits = [tooBig, wrongSide, good].map((s) => t.relayer.commit(s.commit));
    const bad = t.relayer.commit(forged);
    await t.relayer.flush();
    await Promise.all(commits);
    expect((await refusal(bad)).errorName).toBe('MarketInvalidSignature');
    await t.clock.advanceTo(periodWindows(t.schedule, period).commitCloses);
    const reveals = [tooBig, wrongSide, good].map((s) =>
      t.relayer.reveal(s.sealed).then(
        () => 'ok',
        (e: ContractRefusedError) => e.errorName,
      ),
    );
    await t.relayer.flush();
    expect(await Promise.all(reveals)).toEqual(['BidBudgetNotCovered', 'BidSideNotAllowed', 'ok']);
    const [book] = await t.platform.read.market.read.periodState([period]);
    expect([book.buyers, book.sellers]).toEqual([1, 0]);
  });
});
