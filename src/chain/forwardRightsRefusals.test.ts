/**
 * Every refusal of the forward rights that the generated trading of forwardRights.test.ts does not
 * reach, each with its custom error and nothing changed; and the gas of issuance, trading and
 * settling a delivery (docs/benchmarks.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keccak256, toHex, type Account, type TransactionReceipt } from 'viem';
import { periodWindows } from '../core/periodClock.ts';
import { signReading } from './bidding.ts';
import { refusalOf } from './continuousMarketTesting.ts';
import { newAccount } from './devAccounts.ts';
import {
  acceptForwardSale,
  actBySignature,
  buyForwardRights,
  deployForwardRights,
  issueForwardOffer,
  offerForwardSale,
  openForwardRights,
  registerForwardOffer,
  setLargeUser,
  setRegion,
  setRegionFee,
  settleForwardDeliveries,
  submitForwardReadings,
  type ForwardRights,
} from './forwardRights.ts';
import { energyMarketAbi } from './generated/EnergyMarket.ts';
import { forwardRightsAbi } from './generated/ForwardRights.ts';
import { deposit } from './participants.ts';
import { execute } from './transactions.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const PRICE = 400_000_000_000_000n;

describe('forward rights: refusals and gas', () => {
  let t: TestPlatform;
  let rights: ForwardRights;
  let producer: Enrolled;
  let large: Enrolled;
  let large2: Enrolled;
  let consumer: Enrolled;
  const gas = new Map<string, bigint>();

  beforeAll(async () => {
    t = await startTestPlatform({ forwardRights: true });
    rights = openForwardRights(t.connection, t.platform.deployment)!;
    const enrol = async (name: string, kind: 'producer' | 'consumer', amount: bigint) => {
      const e = await t.enrol(
        { name, kind, greenSupply: kind === 'producer', greenPreference: false },
        amount,
      );
      await t.connection.testClient!.setBalance({ address: e.account.address, value: 10n ** 20n });
      return e;
    };
    producer = await enrol('producer', 'producer', UNIT);
    // Enough for one small purchase; its overdraw later becomes debt.
    large = await enrol('large user', 'consumer', UNIT / 40n);
    large2 = await enrol('second large user', 'consumer', 2n * UNIT);
    consumer = await enrol('consumer', 'consumer', UNIT);
    await setLargeUser(rights, t.accounts.operator, large.id, true);
    await setLargeUser(rights, t.accounts.operator, large2.id, true);
    await setRegion(rights, t.accounts.operator, producer.id, 3);
    await setRegionFee(rights, t.accounts.operator, 3, 15_000_000_000_000n);
    await t.fundGrid(10n * UNIT);
  }, 120_000);
  afterAll(async () => t?.stop());

  const write = (account: Account, functionName: string, args: readonly unknown[]) =>
    execute(
      t.connection,
      account,
      { address: rights.address, abi: forwardRightsAbi, functionName, args } as never,
      functionName,
    );
  const refused = async (action: Promise<unknown>) => {
    const r = await refusalOf(action);
    return [r.errorName, r.args];
  };
  const current = () => t.platform.read.market.read.currentPeriod();
  const keep = (name: string, receipt: TransactionReceipt) => {
    gas.set(name, receipt.gasUsed);
    return receipt;
  };

  it('refuses the operator settings to anyone else, and out-of-range settings', async () => {
    const p = producer.account;
    const who = producer.account.address;
    expect(await refused(setLargeUser(rights, p, large.id, false))).toEqual(['ForwardNotOperator', [who]]);
    expect(await refused(setRegion(rights, p, producer.id, 1))).toEqual(['ForwardNotOperator', [who]]);
    expect(await refused(setRegionFee(rights, p, 1, 1n))).toEqual(['ForwardNotOperator', [who]]);
    expect(await refused(issueForwardOffer(rights, p, 1))).toEqual(['ForwardNotOperator', [who]]);
    const op = t.accounts.operator;
    expect(await refused(setLargeUser(rights, op, 999, true))).toEqual(['ForwardParticipantInvalid', [999]]);
    expect(await refused(setRegion(rights, op, 0, 1))).toEqual(['ForwardParticipantInvalid', [0]]);
    expect(await refused(setLargeUser(rights, op, producer.id, true))).toEqual([
      'ForwardNotLargeUser',
      [producer.id],
    ]);
    expect(await refused(setRegionFee(rights, op, 1, 1n << 80n))).toEqual([
      'ForwardParameterOutOfRange',
      ['feePerWh', 1n << 80n],
    ]);
    expect(await rights.read.read.isLargeUser([large.id])).toBe(true);
    expect(await rights.read.read.regionFeePerWh([1])).toBe(0n);
  });

  it('binds the market once, by the administrator only; unbound, it takes no offer', async () => {
    const market = t.platform.deployment.market;
    expect(await refused(write(producer.account, 'bindMarket', [market]))).toEqual([
      'ForwardNotAdministrator',
      [producer.account.address],
    ]);
    expect(await refused(write(t.accounts.operator, 'bindMarket', [market]))).toEqual([
      'ForwardMarketAlreadyBound',
      [market],
    ]);
    const unbound = await deployForwardRights(t.connection, {
      operator: t.accounts.operator,
      registry: t.platform.deployment.registry,
      token: t.platform.deployment.token,
    });
    const other = openForwardRights(t.connection, { forwardRights: unbound })!;
    expect(await other.read.read.currentPeriod()).toBe(0n);
    const c = await current();
    const offer = { firstPeriod: c + 3n, lastPeriod: c + 3n, whPerPeriod: 10n, pricePerWh: PRICE };
    expect(await refused(registerForwardOffer(other, producer.account, offer))).toEqual([
      'ForwardMarketNotBound',
      [],
    ]);
  });

  it('refuses a price of zero or beyond 80 bits', async () => {
    const c = await current();
    for (const pricePerWh of [0n, 1n << 80n]) {
      const offer = { firstPeriod: c + 3n, lastPeriod: c + 3n, whPerPeriod: 10n, pricePerWh };
      expect(await refused(registerForwardOffer(rights, producer.account, offer))).toEqual([
        'ForwardPriceOutOfRange',
        [pricePerWh, (1n << 80n) - 1n],
      ]);
    }
    expect(await rights.read.read.offerCount()).toBe(0n);
  });

  it('settles a delivery once, after its reading or deadline; debt blocks further purchases', async () => {
    const c = await current();
    const period = c + 3n;
    const { offerId, receipt: registered } = await registerForwardOffer(rights, producer.account, {
      firstPeriod: period,
      lastPeriod: period + 3n,
      whPerPeriod: 100n,
      pricePerWh: PRICE,
    });
    keep('register', registered);
    keep('issue', await issueForwardOffer(rights, t.accounts.operator, offerId));
    keep('buy', await buyForwardRights(rights, large2.account, offerId, 60n));
    keep('buy (small)', await buyForwardRights(rights, large.account, offerId, 10n));
    const { saleId, receipt: offered } = await offerForwardSale(rights, large2.account, {
      offerId,
      buyerId: large.id,
      whPerPeriod: 5n,
      pricePerWh: PRICE,
    });
    keep('offerSale', offered);
    keep('acceptSale', await acceptForwardSale(rights, large.account, saleId));
    // A later offer, still open when the debt arises.
    const later = await registerForwardOffer(rights, producer.account, {
      firstPeriod: period + 8n,
      lastPeriod: period + 8n,
      whPerPeriod: 100n,
      pricePerWh: PRICE,
    });
    await issueForwardOffer(rights, t.accounts.operator, later.offerId);

    const w = periodWindows(t.schedule, period);
    // One metered flow is settled once: the market refuses a commit of anyone with a schedule then.
    await t.clock.advanceTo(w.commitOpens);
    const commit = (who: Enrolled) =>
      execute(
        t.connection,
        who.account,
        {
          address: t.platform.deployment.market,
          abi: energyMarketAbi,
          functionName: 'commit',
          args: [period, keccak256(toHex(`bid of ${who.id}`))],
        },
        'commit',
      );
    for (const who of [producer, large, large2])
      expect(await refused(commit(who))).toEqual(['BidUnitHasForwardSchedule', [who.id, period]]);
    expect((await commit(consumer)).status).toBe('success');

    await t.clock.advanceTo(w.deliveryEnds + 1n);
    expect(await refused(settleForwardDeliveries(rights, t.keeper, 0n, [large.id]))).toEqual([
      'ForwardPeriodInvalid',
      [0n],
    ]);
    expect(await refused(settleForwardDeliveries(rights, t.keeper, period, [consumer.id]))).toEqual([
      'ForwardNoSchedule',
      [consumer.id, period],
    ]);
    expect(await refused(settleForwardDeliveries(rights, t.keeper, period, [producer.id]))).toEqual([
      'ForwardReadingPending',
      [producer.id, period, w.readingDeadline],
    ]);
    // A reading signed by another key is refused under the library's error.
    const signedByOther = await signReading(t.platform, newAccount(), {
      participantId: large.id,
      period,
      importWh: 1n,
      exportWh: 0n,
    });
    const forged = { ...signedByOther, meter: large.meter.address };
    expect(await refused(submitForwardReadings(rights, t.accounts.relayer, [forged]))).toEqual([
      'ReadingInvalidSignature',
      [large.meter.address],
    ]);
    // The small large user draws 3 kWh where it holds 15 Wh: its shortfall exceeds its balance.
    const readings = await Promise.all([
      signReading(t.platform, large.meter, {
        participantId: large.id,
        period,
        importWh: 3_000n,
        exportWh: 0n,
      }),
      signReading(t.platform, large2.meter, {
        participantId: large2.id,
        period,
        importWh: 55n,
        exportWh: 0n,
      }),
      signReading(t.platform, producer.meter, {
        participantId: producer.id,
        period,
        importWh: 0n,
        exportWh: 70n,
      }),
    ]);
    await submitForwardReadings(rights, t.accounts.relayer, readings);
    keep('settle 1 delivery', await settleForwardDeliveries(rights, t.keeper, period, [large2.id]));
    keep(
      'settle 2 deliveries',
      await settleForwardDeliveries(rights, t.keeper, period, [producer.id, large.id]),
    );
    expect(await refused(settleForwardDeliveries(rights, t.keeper, period, [large2.id]))).toEqual([
      'ForwardAlreadySettled',
      [large2.id, period],
    ]);
    const debt = await rights.read.read.debtOf([large.id]);
    expect(debt).toBeGreaterThan(0n);
    expect(await t.platform.read.token.read.balanceOf([large.account.address])).toBe(0n);
    expect(await refused(buyForwardRights(rights, large.account, later.offerId, 1n))).toEqual([
      'ForwardInDebt',
      [large.id, debt],
    ]);
    expect(await rights.read.read.holdingOf([BigInt(later.offerId), large.id])).toBe(0n);
    // Anyone may collect the debt once the participant holds money again.
    await deposit(t.platform, t.accounts.settlementAgent, large.account.address, debt, 'repay forward debt');
    await write(t.keeper, 'repayDebt', [large.id]);
    expect(await rights.read.read.debtOf([large.id])).toBe(0n);
    // The next period's reading is missing: settled after the deadline with the full penalty.
    const next = periodWindows(t.schedule, period + 1n);
    await t.clock.advanceTo(next.readingDeadline);
    const missing = await settleForwardDeliveries(rights, t.keeper, period + 1n, [large2.id]);
    expect(missing.status).toBe('success');
  });

  it('refuses a signed action that its participant did not sign', async () => {
    const impostor = { ...newAccount(), address: large.account.address };
    const action = { action: 'cancel-sale', saleId: 1 } as const;
    expect(await refused(actBySignature(rights, impostor, t.accounts.relayer, action))).toEqual([
      'ForwardInvalidSignature',
      [large.account.address],
    ]);
    expect(await rights.read.read.nonces([large.account.address])).toBe(0n);
  });

  it('keeps a participant party to at most 16 live offers', async () => {
    const c = await current();
    const offers = [];
    for (let i = 0n; i < 17n; i++) {
      const { offerId } = await registerForwardOffer(rights, producer.account, {
        firstPeriod: c + 3n + i,
        lastPeriod: c + 3n + i,
        whPerPeriod: 10n,
        pricePerWh: PRICE,
      });
      offers.push(offerId);
    }
    // The producer is party to the two earlier offers already.
    for (const offerId of offers.slice(0, 14)) await issueForwardOffer(rights, t.accounts.operator, offerId);
    expect(await refused(issueForwardOffer(rights, t.accounts.operator, offers[14]!))).toEqual([
      'ForwardTooManyOffers',
      [producer.id, 16n],
    ]);
    expect((await rights.read.read.offer([BigInt(offers[14]!)])).issued).toBe(false);
  });

  it('measures the gas of issuance, trading and settlement', () => {
    const report = Object.fromEntries([...gas].map(([k, v]) => [k, Number(v)]));
    console.log('forward rights gas', report);
    // Per delivery: one schedule read, a reading check and up to two grid payments.
    const perDelivery = gas.get('settle 2 deliveries')! - gas.get('settle 1 delivery')!;
    expect(perDelivery).toBeLessThan(120_000n);
    expect(gas.get('buy')!).toBeLessThan(250_000n);
  });
});
