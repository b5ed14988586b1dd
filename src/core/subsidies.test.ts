import { describe, expect, it } from 'vitest';
import { couponDue, firstUseBonusDue, SUBSIDY_REFUSALS, type CouponProgramme } from './subsidies.ts';

const programme: CouponProgramme = {
  programmeId: 1,
  value: 5_000n,
  eligibleUpToId: 10,
  validFromPeriod: 20n,
  expiresAfterPeriod: 30n,
};
const coupon = (over: Partial<Parameters<typeof couponDue>[0]> = {}) =>
  couponDue({
    programme,
    participantId: 3,
    alreadyRedeemed: false,
    period: 25n,
    position: { side: 'buy', awardedWh: 40n },
    // 0.7 base units per Wh on average: 100 Wh traded for 70 units.
    averagePrice: { value: 70n, quantityWh: 100n },
    pool: 1_000_000n,
    ...over,
  });

describe('subsidies', () => {
  it('refunds a coupon up to its value, at the period average price, floored', () => {
    expect(coupon()).toEqual({ ok: true, amount: 28n }); // 40 × 70 / 100
    expect(coupon({ position: { side: 'buy', awardedWh: 41n } })).toEqual({ ok: true, amount: 28n }); // 28.7 floored
    expect(coupon({ position: { side: 'buy', awardedWh: 10_000n } })).toEqual({ ok: true, amount: 5_000n });
  });

  it('refuses a coupon for each rule, in the contract order', () => {
    expect(coupon({ participantId: 0 })).toEqual({ ok: false, refusal: 'SubsidyNotEligible' });
    expect(coupon({ participantId: 11 })).toEqual({ ok: false, refusal: 'SubsidyNotEligible' });
    // Eligibility comes before redemption, redemption before the period checks.
    expect(coupon({ participantId: 11, alreadyRedeemed: true })).toMatchObject({
      refusal: 'SubsidyNotEligible',
    });
    expect(coupon({ alreadyRedeemed: true, period: 1n })).toMatchObject({
      refusal: 'SubsidyCouponAlreadyRedeemed',
    });
    expect(coupon({ period: 19n })).toMatchObject({ refusal: 'SubsidyPurchaseBeforeIssue' });
    expect(coupon({ period: 20n }).ok).toBe(true);
    expect(coupon({ period: 30n }).ok).toBe(true);
    expect(coupon({ period: 31n })).toMatchObject({ refusal: 'SubsidyCouponExpired' });
    expect(coupon({ position: null })).toMatchObject({ refusal: 'SubsidyNoPurchase' });
    expect(coupon({ position: { side: 'sell', awardedWh: 40n } })).toMatchObject({
      refusal: 'SubsidyNoPurchase',
    });
    expect(coupon({ position: { side: 'buy', awardedWh: 0n } })).toMatchObject({
      refusal: 'SubsidyNoPurchase',
    });
    expect(coupon({ pool: 27n })).toMatchObject({ refusal: 'SubsidyPoolInsufficient' });
    expect(coupon({ pool: 28n }).ok).toBe(true);
  });

  it('pays the first-use bonus once, after a trade on either side', () => {
    const due = (over: Partial<Parameters<typeof firstUseBonusDue>[0]> = {}) =>
      firstUseBonusDue({
        bonus: 500n,
        alreadyPaid: false,
        position: { side: 'sell', awardedWh: 1n },
        pool: 500n,
        ...over,
      });
    expect(due()).toEqual({ ok: true, amount: 500n });
    expect(due({ position: { side: 'buy', awardedWh: 7n } })).toEqual({ ok: true, amount: 500n });
    expect(due({ bonus: 0n, alreadyPaid: true })).toMatchObject({ refusal: 'SubsidyFirstUseNotOffered' });
    expect(due({ alreadyPaid: true })).toMatchObject({ refusal: 'SubsidyFirstUseAlreadyPaid' });
    expect(due({ position: { side: 'sell', awardedWh: 0n } })).toMatchObject({ refusal: 'SubsidyNoTrade' });
    expect(due({ position: null })).toMatchObject({ refusal: 'SubsidyNoTrade' });
    expect(due({ pool: 499n })).toMatchObject({ refusal: 'SubsidyPoolInsufficient' });
  });

  it('explains every refusal to a person', () => {
    for (const message of Object.values(SUBSIDY_REFUSALS)) expect(message.length).toBeGreaterThan(10);
  });
});
