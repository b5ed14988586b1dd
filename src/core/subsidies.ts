/**
 * Subsidies from a government-funded pool, as `contracts/SubsidyPool.sol` pays them:
 * - a **first-use bonus**, paid once to a participant after a period in which it traded (either side);
 * - **yearly coupons**, issued to every participant registered at the issue (ids up to
 *   `eligibleUpToId`), each redeemable once on a purchase in a period from the one after the issue
 *   (`validFromPeriod`) to `expiresAfterPeriod`. A coupon refunds min(value, the purchase's awarded
 *   energy × the period's average price), floored: the platform keeps one average price per period,
 *   not each buyer's own, so a buyer who paid more than the average is refunded at the average.
 * The checks run in the contract's order, so core and contract refuse with the same reason.
 */
import type { Side } from './bid.ts';
import type { AveragePrice } from './trade.ts';
import { minBig } from './units.ts';

export interface CouponProgramme {
  readonly programmeId: number;
  readonly value: bigint;
  readonly eligibleUpToId: number;
  readonly validFromPeriod: bigint;
  readonly expiresAfterPeriod: bigint;
}

/** A participant's bid in a period as the market keeps it: side and awarded energy. */
export interface PeriodPosition {
  readonly side: Side;
  readonly awardedWh: bigint;
}

export type SubsidyRefusal =
  | 'SubsidyFirstUseNotOffered'
  | 'SubsidyFirstUseAlreadyPaid'
  | 'SubsidyNoTrade'
  | 'SubsidyNotEligible'
  | 'SubsidyCouponAlreadyRedeemed'
  | 'SubsidyPurchaseBeforeIssue'
  | 'SubsidyCouponExpired'
  | 'SubsidyNoPurchase'
  | 'SubsidyPoolInsufficient';

/** What each refusal means, for a person. */
export const SUBSIDY_REFUSALS: Record<SubsidyRefusal, string> = {
  SubsidyFirstUseNotOffered: 'no first-use bonus is offered',
  SubsidyFirstUseAlreadyPaid: 'the first-use bonus was already paid to this participant',
  SubsidyNoTrade: 'the participant did not trade in that period',
  SubsidyNotEligible: 'the participant registered after the coupons were issued',
  SubsidyCouponAlreadyRedeemed: "the participant's coupon was already redeemed",
  SubsidyPurchaseBeforeIssue: 'a coupon is redeemed on a purchase after its issue',
  SubsidyCouponExpired: 'the coupon expired before that period',
  SubsidyNoPurchase: 'the participant bought nothing in that period',
  SubsidyPoolInsufficient: 'the subsidy pool holds less than the payment',
};

export type SubsidyDecision =
  { readonly ok: true; readonly amount: bigint } | { readonly ok: false; readonly refusal: SubsidyRefusal };

const refuse = (refusal: SubsidyRefusal): SubsidyDecision => ({ ok: false, refusal });
const payFrom = (pool: bigint, amount: bigint): SubsidyDecision =>
  pool < amount ? refuse('SubsidyPoolInsufficient') : { ok: true, amount };

export function firstUseBonusDue(input: {
  readonly bonus: bigint;
  readonly alreadyPaid: boolean;
  readonly position: PeriodPosition | null;
  readonly pool: bigint;
}): SubsidyDecision {
  if (input.bonus === 0n) return refuse('SubsidyFirstUseNotOffered');
  if (input.alreadyPaid) return refuse('SubsidyFirstUseAlreadyPaid');
  if (input.position === null || input.position.awardedWh === 0n) return refuse('SubsidyNoTrade');
  return payFrom(input.pool, input.bonus);
}

export function couponDue(input: {
  readonly programme: CouponProgramme;
  readonly participantId: number;
  readonly alreadyRedeemed: boolean;
  readonly period: bigint;
  readonly position: PeriodPosition | null;
  /** The period's average price (the reference price when nothing traded, as the market reports it). */
  readonly averagePrice: AveragePrice;
  readonly pool: bigint;
}): SubsidyDecision {
  const { programme: c, participantId, period, position } = input;
  if (participantId === 0 || participantId > c.eligibleUpToId) return refuse('SubsidyNotEligible');
  if (input.alreadyRedeemed) return refuse('SubsidyCouponAlreadyRedeemed');
  if (period < c.validFromPeriod) return refuse('SubsidyPurchaseBeforeIssue');
  if (period > c.expiresAfterPeriod) return refuse('SubsidyCouponExpired');
  if (position === null || position.awardedWh === 0n || position.side === 'sell')
    return refuse('SubsidyNoPurchase');
  const purchase = (position.awardedWh * input.averagePrice.value) / input.averagePrice.quantityWh;
  return payFrom(input.pool, minBig(purchase, c.value));
}
