/**
 * The continuous market's refusals that no generated stream reaches (the participant, the
 * signatures, the insertion hint, the period and gate, the token's second ledger), each with its
 * custom error and nothing changed; and a relayed batch of signed orders placed as the core places
 * them one after another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroAddress, type Account, type Address } from 'viem';
import { placeOrder, type ContinuousBook } from '../core/continuousAuction.ts';
import {
  cancelContinuousOrder,
  continuousOutcome,
  placeContinuousOrder,
  readBook,
  type ContinuousOrder,
} from './continuousMarket.ts';
import { batchHints, placeSignedOrders, signCancel, signOrder } from './continuousMarketSigning.ts';
import {
  refusalOf,
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from './continuousMarketTesting.ts';
import { newAccount } from './devAccounts.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import { settlementTokenAbi } from './generated/SettlementToken.ts';
import { registerBySignature, revokeParticipant } from './participants.ts';
import { execute } from './transactions.ts';
import { SIDE_CODE } from './typedData.ts';
import type { Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const P = (cents: bigint) => cents * 10_000_000_000_000n;

describe('continuous market refusals: each with its custom error, nothing changed', () => {
  let c: ContinuousTestPlatform;
  let seller: Enrolled;
  let buyer: Enrolled;
  let other: Enrolled;
  let period: bigint;

  beforeAll(async () => {
    c = await startContinuousTestPlatform();
    seller = await c.trader('seller', 'producer', UNIT);
    buyer = await c.trader('buyer', 'consumer', UNIT);
    other = await c.trader('other', 'prosumer', UNIT);
    period = await c.openPeriod(3_000n);
    // The book: asks 1 @0.50, 2 @0.52; bids 3 @0.45 (other's orders are on the buy side).
    await place(seller, { period, side: 'sell', quantityWh: 10n, pricePerWh: P(50n) }, 0);
    await place(seller, { period, side: 'sell', quantityWh: 10n, pricePerWh: P(52n) }, 1);
    await place(buyer, { period, side: 'buy', quantityWh: 10n, pricePerWh: P(45n) }, 0);
  }, 120_000);

  afterAll(async () => {
    await c?.stop();
  });

  const place = (who: { account: Account }, order: ContinuousOrder, restAfter: number) =>
    execute(
      c.t.connection,
      who.account,
      {
        address: c.market.address,
        abi: continuousMarketAbi,
        functionName: 'place',
        args: [order.period, SIDE_CODE[order.side], order.quantityWh, order.pricePerWh, restAfter],
      },
      'place',
    );

  const snapshot = () =>
    c.snapshot(period, [seller.id, buyer.id, other.id], [seller.account, buyer.account, other.account]);

  async function expectRefused(errorName: string, args: unknown[] | null, attempt: () => Promise<unknown>) {
    const before = await snapshot();
    const refusal = await refusalOf(attempt());
    expect(refusal.errorName).toBe(errorName);
    if (args !== null) expect(refusal.args).toEqual(args);
    expect(await snapshot()).toBe(before);
  }

  it('refuses a misplaced insertion hint: OrderHintInvalid', async () => {
    const ask = (price: bigint) => ({ period, side: 'sell' as const, quantityWh: 1n, pricePerWh: price });
    // 0.51 belongs between orders 1 (0.50) and 2 (0.52): right behind 1.
    await expectRefused('OrderHintInvalid', [period, 0], () => place(seller, ask(P(51n)), 0)); // head, but 1 is better
    await expectRefused('OrderHintInvalid', [period, 2], () => place(seller, ask(P(51n)), 2)); // 2 is worse
    await expectRefused('OrderHintInvalid', [period, 3], () => place(seller, ask(P(51n)), 3)); // 3 is a bid
    await expectRefused('OrderHintInvalid', [period, 99], () => place(seller, ask(P(51n)), 99)); // no such order
    // At an equal price the new order goes behind the older one, never before it.
    await expectRefused('OrderHintInvalid', [period, 0], () => place(seller, ask(P(50n)), 0));
  });

  it('the SDK computes the hint itself: an order rests in the middle of the book', async () => {
    const { outcome } = await placeContinuousOrder(c.market, seller.account, seller.id, {
      period,
      side: 'sell',
      quantityWh: 3n,
      pricePerWh: P(51n),
    });
    const orderId = outcome.placed[0]!.orderId;
    const book = await readBook(c.market, period);
    expect(book.asks.map((o) => o.id)).toEqual([1, orderId, 2]);
    await cancelContinuousOrder(c.market, seller.account, period, orderId);
    expect((await readBook(c.market, period)).asks.map((o) => o.id)).toEqual([1, 2]);
  });

  it('refuses participants the registry does not allow', async () => {
    const stranger = newAccount();
    await c.t.connection.testClient!.setBalance({ address: stranger.address, value: UNIT });
    const bid = { period, side: 'buy' as const, quantityWh: 1n, pricePerWh: P(40n) };
    await expectRefused('OrderNotRegistered', [stranger.address], () => place({ account: stranger }, bid, 0));
    const unauthorised = newAccount();
    await c.t.connection.testClient!.setBalance({ address: unauthorised.address, value: UNIT });
    const id = await registerBySignature(c.t.platform, c.t.accounts.relayer, unauthorised, {
      name: 'not yet authorised',
      kind: 'consumer',
      greenSupply: false,
      greenPreference: false,
    });
    await expectRefused('OrderNotAuthorised', [id], () => place({ account: unauthorised }, bid, 0));
    const revoked = await c.trader('revoked', 'consumer', UNIT);
    await revokeParticipant(c.t.platform, c.t.accounts.operator, revoked.id);
    await expectRefused('OrderNotAuthorised', [revoked.id], () => place(revoked, bid, 0));
  });

  it('refuses other periods, a closed gate and an early expiry', async () => {
    const bid = (p: bigint) => ({ period: p, side: 'buy' as const, quantityWh: 1n, pricePerWh: P(40n) });
    await expectRefused('OrderPeriodInvalid', [0n], () => place(buyer, bid(0n), 0));
    await expectRefused('OrderPeriodInvalid', [1n << 24n], () => place(buyer, bid(1n << 24n), 0));
    const past = 1n;
    await c.t.clock.advanceTo(await c.market.read.read.gateClosure([past]));
    await expectRefused('OrderGateClosed', null, () => place(buyer, bid(past), 0));
    await expectRefused('OrderGateClosed', null, () =>
      execute(
        c.t.connection,
        buyer.account,
        { address: c.market.address, abi: continuousMarketAbi, functionName: 'cancel', args: [past, 1] },
        'cancel',
      ),
    );
    const gate = await c.market.read.read.gateClosure([period]);
    await expectRefused('OrderBookOpen', null, () =>
      execute(
        c.t.connection,
        c.t.keeper,
        { address: c.market.address, abi: continuousMarketAbi, functionName: 'expire', args: [period, [1]] },
        'expire',
      ),
    );
    expect(gate).toBeGreaterThan(await c.t.clock.now());
  });

  it('refuses cancels of unknown orders and of other owners’ orders', async () => {
    const cancel = (who: Enrolled, orderId: number) =>
      execute(
        c.t.connection,
        who.account,
        {
          address: c.market.address,
          abi: continuousMarketAbi,
          functionName: 'cancel',
          args: [period, orderId],
        },
        'cancel',
      );
    await expectRefused('OrderNotFound', [period, 77], () => cancel(seller, 77));
    await expectRefused('OrderNotOwner', [period, 1, buyer.id], () => cancel(buyer, 1));
  });

  it('refuses forged and replayed signatures: OrderInvalidSignature, InvalidAccountNonce', async () => {
    const order = { period, side: 'buy' as const, quantityWh: 1n, pricePerWh: P(41n) };
    const nonce = await c.market.read.read.nonces([buyer.account.address]);
    const signed = await signOrder(c.market, buyer.account, buyer.id, order, nonce);
    const forged = { ...signed, participant: other.account.address, participantId: other.id };
    await expectRefused('OrderInvalidSignature', [other.account.address], () =>
      placeSignedOrders(c.market, c.t.accounts.relayer, [forged], [0]),
    );
    const altered = { ...signed, quantityWh: 2n };
    await expectRefused('OrderInvalidSignature', [buyer.account.address], () =>
      placeSignedOrders(c.market, c.t.accounts.relayer, [altered], [0]),
    );
    const future = await signOrder(c.market, buyer.account, buyer.id, order, nonce + 1n);
    await expectRefused('InvalidAccountNonce', [buyer.account.address, nonce], () =>
      placeSignedOrders(c.market, c.t.accounts.relayer, [future], [0]),
    );
    const book = await readBook(c.market, period, [buyer.id]);
    const hints = batchHints(book, [signed], (await c.t.clock.now()) + 1n);
    await placeSignedOrders(c.market, c.t.accounts.relayer, [signed], hints);
    await expectRefused('InvalidAccountNonce', [buyer.account.address, nonce + 1n], () =>
      placeSignedOrders(c.market, c.t.accounts.relayer, [signed], hints),
    );
    const sellerNonce = await c.market.read.read.nonces([seller.account.address]);
    const cancel = await signCancel(c.market, seller.account, { period, orderId: 1 }, sellerNonce);
    await expectRefused('OrderInvalidSignature', [seller.account.address], () =>
      execute(
        c.t.connection,
        c.t.accounts.relayer,
        {
          address: c.market.address,
          abi: continuousMarketAbi,
          functionName: 'cancelBySignature',
          args: [[{ ...cancel, orderId: 2 }]],
        },
        'cancel',
      ),
    );
  });

  it('places a relayed batch of signed orders as the core places them one after another', async () => {
    const orders: [Enrolled, ContinuousOrder][] = [
      [other, { period, side: 'buy', quantityWh: 5n, pricePerWh: P(45n) }],
      [buyer, { period, side: 'buy', quantityWh: 15n, pricePerWh: P(51n) }],
      [seller, { period, side: 'sell', quantityWh: 4n, pricePerWh: P(44n) }],
      [other, { period, side: 'buy', quantityWh: 3n, pricePerWh: P(46n) }],
    ];
    let book: ContinuousBook = await readBook(c.market, period, [seller.id, buyer.id, other.id]);
    const nonces = new Map<Address, bigint>();
    const signed = [];
    for (const [who, order] of orders) {
      const nonce =
        nonces.get(who.account.address) ?? (await c.market.read.read.nonces([who.account.address]));
      nonces.set(who.account.address, nonce + 1n);
      signed.push(await signOrder(c.market, who.account, who.id, order, nonce));
    }
    const at = (await c.t.clock.now()) + 1n;
    const hints = batchHints(book, signed, at);
    const expected = [];
    for (const s of signed) {
      const result = placeOrder(book, { owner: String(s.participantId), at, ...s });
      book = result.book;
      expected.push(...result.fills);
    }
    const outcome = continuousOutcome(await placeSignedOrders(c.market, c.t.accounts.relayer, signed, hints));
    expect(outcome.fills.map((f) => [f.makerOrderId, f.takerOrderId, f.quantityWh, f.pricePerWh])).toEqual(
      expected.map((f) => [f.makerOrderId, f.takerOrderId, f.quantityWh, f.pricePerWh]),
    );
    expect(outcome.fills.length).toBeGreaterThan(1);
    const chain = await readBook(c.market, period, [seller.id, buyer.id, other.id]);
    expect([chain.bids, chain.asks]).toEqual([book.bids, book.asks]);
    // One bad order refuses the whole batch.
    const good = await signOrder(
      c.market,
      other.account,
      other.id,
      { period, side: 'buy', quantityWh: 1n, pricePerWh: P(40n) },
      nonces.get(other.account.address)!,
    );
    const bad = await signOrder(
      c.market,
      other.account,
      other.id,
      { period, side: 'buy', quantityWh: 0n, pricePerWh: P(40n) },
      nonces.get(other.account.address)! + 1n,
    );
    await expectRefused('OrderQuantityOutOfRange', [0n, 2n ** 48n - 1n], () =>
      placeSignedOrders(c.market, c.t.accounts.relayer, [good, bad], batchHints(chain, [good, bad], at + 5n)),
    );
  });

  it('the token takes a second ledger from the administrator only, once, for its reasons', async () => {
    const token = { address: c.t.platform.deployment.token, abi: settlementTokenAbi } as const;
    const add = (who: Account, ledger: Address, reason = 2) =>
      execute(
        c.t.connection,
        who,
        { ...token, functionName: 'addLedger', args: [ledger, [2, reason]] },
        'add ledger',
      );
    await expectRefused('TokenNotAdministrator', [c.t.accounts.relayer.address], () =>
      add(c.t.accounts.relayer, newAccount().address),
    );
    await expectRefused('TokenLedgerInvalid', [zeroAddress], () => add(c.t.accounts.operator, zeroAddress));
    await expectRefused('TokenLedgerInvalid', [c.market.address], () =>
      add(c.t.accounts.operator, c.market.address),
    );
    await expectRefused('TokenLedgerInvalid', [c.t.platform.deployment.market], () =>
      add(c.t.accounts.operator, c.t.platform.deployment.market),
    );
    // Deposits and withdrawals stay with the settlement agent and the bound ledger.
    for (const reason of [0, 1]) {
      await expectRefused('TokenReasonNotAllowed', [expect.any(String), reason], () =>
        add(c.t.accounts.operator, newAccount().address, reason),
      );
    }
    expect(await c.t.platform.read.token.read.isAddedLedger([c.market.address])).toBe(true);
    // Trades, imbalances, incentives, debt repayments, wheeling fees, levies: one bit per reason.
    expect(await c.t.platform.read.token.read.addedLedgerReasons([c.market.address])).toBe(
      (1n << 2n) | (1n << 3n) | (1n << 4n) | (1n << 5n) | (1n << 7n) | (1n << 8n),
    );
    // Only ledgers move; an added ledger moves for its reasons (not subsidies) and never burns.
    const move = (who: Account, reason: number) =>
      execute(
        c.t.connection,
        who,
        {
          ...token,
          functionName: 'move',
          args: [buyer.account.address, seller.account.address, 1n, reason, period],
        },
        'move',
      );
    await expectRefused('TokenNotLedger', [c.t.accounts.relayer.address], () =>
      move(c.t.accounts.relayer, 2),
    );
    const testClient = c.t.connection.testClient!;
    await testClient.impersonateAccount({ address: c.market.address });
    await testClient.setBalance({ address: c.market.address, value: UNIT });
    const asMarket = { address: c.market.address, type: 'json-rpc' } as const;
    await expectRefused('TokenReasonNotAllowed', [c.market.address, 6], () =>
      execute(
        c.t.connection,
        asMarket,
        {
          ...token,
          functionName: 'move',
          args: [buyer.account.address, seller.account.address, 1n, 6, period],
        },
        'move',
      ),
    );
    await expectRefused('TokenNotLedger', [c.market.address], () =>
      execute(
        c.t.connection,
        asMarket,
        { ...token, functionName: 'burn', args: [buyer.account.address, 1n, `0x${'00'.repeat(32)}`] },
        'burn',
      ),
    );
    await testClient.stopImpersonatingAccount({ address: c.market.address });
  });

  it('expires what rests at gate closure, for anyone', async () => {
    await c.closeGate(period);
    const rest = await readBook(c.market, period);
    const ids = [...rest.bids, ...rest.asks].map((o) => o.id).sort((a, b) => a - b);
    expect(ids.length).toBeGreaterThan(0);
    const receipt = await execute(
      c.t.connection,
      c.t.keeper,
      { address: c.market.address, abi: continuousMarketAbi, functionName: 'expire', args: [period, ids] },
      'expire',
    );
    expect(continuousOutcome(receipt).expired).toEqual(ids);
    for (const p of [seller, buyer, other]) expect(await c.market.read.read.reservedOf([p.id])).toBe(0n);
    await expectRefused('OrderNotFound', [period, ids[0]], () =>
      execute(
        c.t.connection,
        c.t.keeper,
        {
          address: c.market.address,
          abi: continuousMarketAbi,
          functionName: 'expire',
          args: [period, [ids[0]!]],
        },
        'expire',
      ),
    );
  });
});
