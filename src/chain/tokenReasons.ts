/** Why tokens move: `SettlementToken.Reason`, in the contract's order. */
export const TOKEN_REASONS = [
  'deposit',
  'withdrawal',
  'trade',
  'imbalance',
  'incentive',
  'debt-repayment',
  'subsidy',
  'wheeling-fee',
  'levy',
  'region-fee',
] as const;
export type TokenReason = (typeof TOKEN_REASONS)[number];
/** The contract's `SettlementToken.Reason` code of each reason. */
export const TOKEN_REASON_CODE = Object.fromEntries(TOKEN_REASONS.map((r, i) => [r, i])) as Record<
  TokenReason,
  number
>;
