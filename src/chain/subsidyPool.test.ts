import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couponDue, firstUseBonusDue, type PeriodPosition } from '../core/subsidies.ts';
import { parseMoney, parsePricePerKwh } from '../core/units.ts';
import { sfc32 } from '../random/sfc32.ts';
import { refusalOf } from './continuousMarketTesting.ts';
import { ContractRefusedError } from './errors.ts';
import { subsidyPoolAbi } from './generated/SubsidyPool.ts';
import { deposit } from './participants.ts';
import { runPeriod } from './periodDriver.ts';
import { walletStatement } from './periodRecords.ts';
import {
  deploySubsidyPool,
  issueCoupons,
  openSubsidyPool,
  payClaim,
  readProgrammes,
  setFirstUseBonus,
  subsidiesDue,
  type SubsidyPool,
} from './subsidyPool.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from './testing/testPlatform.ts';
import { execute } from './transactions.ts';

const money = (text: string) => parseMoney(text, 'amount');
const price = (text: string) => parsePricePerKwh(text, 'price');

describe('the subsidy pool, against the market core', () => {
  let t: TestPlatform;
  let pool: SubsidyPool;
  let sellers: Enrolled[];
  let buyers: Enrolled[];
  let late: Enrolled;
  let first: bigint;

  const positionOf = async (id: number, period: bigint): Promise<PeriodPosition | null> => {
    const slot = await t.platform.read.market.read.bidOf([id, period]);
    if (BigInt(slot.period) !== period) return null;
    return { side: (slot.flags & 4) !== 0 ? 'sell' : 'buy', awardedWh: BigInt(slot.awardedWh) };
  };
  const poolBalance = () => t.platform.read.token.read.balanceOf([pool.address]);
  const send = (functionName: 'claimFirstUse' | 'redeemCoupon', args: readonly unknown[]) =>
    execute(
      t.connection,
      t.accounts.relayer,
      { address: pool.address, abi: subsidyPoolAbi, functionName, args } as never,
      functionName,
    );

  beforeAll(async () => {
    t = await startTestPlatform();
    const address = await deploySubsidyPool(t.connection, {
      operator: t.accounts.operator,
      deployment: t.platform.deployment,
    });
    pool = openSubsidyPool(t.connection, { ...t.platform.deployment, subsidyPool: address })!;
    const enrol = (name: string, kind: 'producer' | 'consumer') =>
      t.enrol({ name, kind, greenSupply: kind === 'producer', greenPreference: false }, money('20'));
    sellers = [await enrol('PV roof', 'producer'), await enrol('Wind', 'producer')];
    buyers = [
      await enrol('Load A', 'consumer'),
      await enrol('Load B', 'consumer'),
      await enrol('EV', 'consumer'),
    ];
    await t.fundGrid(money('100'));
    first = await t.nextOpenPeriod();
  });
  afterAll(async () => t?.stop());

  it('refuses the operator steps to anyone else, and bad coupon terms', async () => {
    const relayer = t.accounts.relayer;
    const asRelayer = (functionName: 'setFirstUseBonus' | 'issueCoupons', args: readonly unknown[]) =>
      execute(
        t.connection,
        relayer,
        { address: pool.address, abi: subsidyPoolAbi, functionName, args } as never,
        'x',
      );
    expect((await refusalOf(asRelayer('setFirstUseBonus', [1n]))).errorName).toBe('SubsidyNotOperator');
    expect((await refusalOf(asRelayer('issueCoupons', [2026, 1n, first]))).errorName).toBe(
      'SubsidyNotOperator',
    );
    const operator = t.accounts.operator;
    const bad = await refusalOf(
      issueCoupons(pool, operator, { year: 2026, value: 0n, expiresAfterPeriod: first }),
    );
    expect([bad.errorName, bad.args]).toEqual(['SubsidyParameterOutOfRange', ['value', 0n]]);
    const past = await refusalOf(
      issueCoupons(pool, operator, { year: 2026, value: 1n, expiresAfterPeriod: 0n }),
    );
    expect([past.errorName, past.args]).toEqual(['SubsidyParameterOutOfRange', ['expiresAfterPeriod', 0n]]);
    await expect(pool.read.read.programme([1n])).rejects.toThrow(/SubsidyProgrammeUnknown/);
  });

  it('pays bonuses and coupons exactly as the core decides, and refuses what the core refuses', async () => {
    const operator = t.accounts.operator;
    // Three years of coupons: one worth less than any purchase, one about a purchase, one more than any.
    const years = [
      // 2024's coupons expire after the first period traded here.
      { year: 2024, value: 1_000n, expiresAfterPeriod: first },
      { year: 2025, value: money('0.2'), expiresAfterPeriod: first + 50n },
      { year: 2026, value: money('50'), expiresAfterPeriod: first + 50n },
    ];
    for (const year of years) await issueCoupons(pool, operator, year);
    const refused = await refusalOf(issueCoupons(pool, operator, years[0]!));
    expect([refused.errorName, refused.args]).toEqual(['SubsidyYearAlreadyIssued', [2024, 1n]]);
    // Registered after the issue: holds no coupon.
    late = await t.enrol(
      { name: 'Newcomer', kind: 'consumer', greenSupply: false, greenPreference: false },
      money('20'),
    );
    await deposit(
      t.platform,
      t.accounts.settlementAgent,
      pool.address,
      money('3'),
      'government grant 2026-001',
    );

    const everyone = [...sellers, ...buyers, late];
    const random = sfc32(20261127);
    const periods: bigint[] = [];
    for (let run = 0; run < 2; run++) {
      const period = await t.nextOpenPeriod();
      periods.push(period);
      const bids = everyone.map((p, i) => ({
        participant: p.account,
        intent:
          p.profile.kind === 'producer'
            ? { side: 'sell' as const, quantityWh: 300n + BigInt(i) * 50n, pricePerWh: price('0.60') }
            : { side: 'buy' as const, quantityWh: 150n + BigInt(i) * 40n, pricePerWh: price('0.80') },
      }));
      const report = await runPeriod(t, period, bids, () => []);
      expect(report.refused).toEqual([]);
    }
    // Without a bonus on offer, a first-use claim is refused; then the operator offers one.
    expect((await refusalOf(send('claimFirstUse', [buyers[0]!.id, first]))).errorName).toBe(
      'SubsidyFirstUseNotOffered',
    );
    await setFirstUseBonus(pool, operator, money('0.5'));

    const programmes = await readProgrammes(pool);
    expect(programmes.map((p) => [p.year, p.eligibleUpToId])).toEqual(
      years.map((y) => [y.year, buyers[2]!.id]),
    );
    // Every claim of every participant, twice, in a seeded order, including ids that do not exist.
    const attempts: { kind: 'first-use' | number; id: number; period: bigint }[] = [];
    for (const id of [0, ...everyone.map((p) => p.id), late.id + 1])
      for (const period of [0n, ...periods])
        for (const kind of ['first-use' as const, ...programmes.map((p) => p.programmeId)])
          attempts.push({ kind, id, period }, { kind, id, period });
    attempts.sort(() => random() - 0.5);
    const outcomes = new Map<string, number>();
    let paid = 0n;
    for (const a of attempts) {
      const position = await positionOf(a.id, a.period);
      const balance = await poolBalance();
      const decision =
        a.kind === 'first-use'
          ? firstUseBonusDue({
              bonus: await pool.read.read.firstUseBonus(),
              alreadyPaid: await pool.read.read.firstUsePaid([a.id]),
              position,
              pool: balance,
            })
          : couponDue({
              programme: programmes[a.kind - 1]!,
              participantId: a.id,
              alreadyRedeemed: await pool.read.read.couponRedeemed([BigInt(a.kind), a.id]),
              period: a.period,
              position,
              averagePrice: await t.platform.read.market.read
                .averagePrice([a.period])
                .then(([value, quantityWh]) => ({ value, quantityWh })),
              pool: balance,
            });
      const outcome = await (
        a.kind === 'first-use'
          ? send('claimFirstUse', [a.id, a.period])
          : send('redeemCoupon', [BigInt(a.kind), a.id, a.period])
      ).then(
        () => 'paid',
        (error: unknown) => {
          if (error instanceof ContractRefusedError) return error.errorName;
          throw error;
        },
      );
      const what = `${a.kind} participant ${a.id} period ${a.period}`;
      expect(outcome, what).toBe(decision.ok ? 'paid' : decision.refusal);
      if (decision.ok) {
        expect(balance - (await poolBalance()), what).toBe(decision.amount);
        paid += decision.amount;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The run went through every kind of outcome, not only the easy ones.
    expect([...outcomes.keys()].sort()).toEqual(
      [
        'paid',
        'SubsidyFirstUseAlreadyPaid',
        'SubsidyNoTrade',
        'SubsidyNotEligible',
        'SubsidyCouponAlreadyRedeemed',
        'SubsidyPurchaseBeforeIssue',
        'SubsidyCouponExpired',
        'SubsidyNoPurchase',
        'SubsidyPoolInsufficient',
      ].sort(),
    );
    expect(money('3') - (await poolBalance())).toBe(paid);
    // The buyer's statement shows each payment with its reason.
    const statement = await walletStatement(t.platform, buyers[0]!.account.address);
    const subsidies = statement.filter((line) => line.reason === 'subsidy');
    expect(subsidies.length).toBeGreaterThanOrEqual(2);
    expect(subsidies.every((line) => line.counterparty === pool.address)).toBe(true);
  });

  it('decides from chain state what a settled period owes, and stops at what the pool holds', async () => {
    const period = await t.nextOpenPeriod();
    await deposit(
      t.platform,
      t.accounts.settlementAgent,
      pool.address,
      money('0.5'),
      'government grant 2026-002',
    );
    await setFirstUseBonus(pool, t.accounts.operator, money('0.01'));
    const fresh = await t.enrol(
      { name: 'Fresh', kind: 'consumer', greenSupply: false, greenPreference: false },
      money('20'),
    );
    const bids = [
      {
        participant: sellers[0]!.account,
        intent: { side: 'sell' as const, quantityWh: 500n, pricePerWh: price('0.6') },
      },
      {
        participant: fresh.account,
        intent: { side: 'buy' as const, quantityWh: 200n, pricePerWh: price('0.8') },
      },
    ];
    await runPeriod(t, period, bids, () => []);
    const due = await subsidiesDue(pool, period, [sellers[0]!.id, fresh.id]);
    // The seller had its bonus in the first periods; the newcomer gets one, and no coupon (it registered late).
    expect(due).toEqual([{ kind: 'first-use', participantId: fresh.id, period, amount: money('0.01') }]);
    await payClaim(pool, t.accounts.relayer, due[0]!);
    expect(await subsidiesDue(pool, period, [fresh.id])).toEqual([]);
    // A pool that cannot pay is refused with what it holds and what was needed.
    await setFirstUseBonus(pool, t.accounts.operator, money('1000'));
    const another = await t.enrol(
      { name: 'Another', kind: 'consumer', greenSupply: false, greenPreference: false },
      money('20'),
    );
    const next = await t.nextOpenPeriod();
    await runPeriod(
      t,
      next,
      [
        {
          participant: sellers[0]!.account,
          intent: { side: 'sell' as const, quantityWh: 500n, pricePerWh: price('0.6') },
        },
        {
          participant: another.account,
          intent: { side: 'buy' as const, quantityWh: 200n, pricePerWh: price('0.8') },
        },
      ],
      () => [],
    );
    expect(await subsidiesDue(pool, next, [another.id])).toEqual([]);
    const short = await refusalOf(send('claimFirstUse', [another.id, next]));
    expect([short.errorName, short.args]).toEqual([
      'SubsidyPoolInsufficient',
      [await poolBalance(), money('1000')],
    ]);
  });
});
