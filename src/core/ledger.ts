/**
 * How settlement amounts move tokens, exactly as the contracts move them. Each participant's
 * imbalance amount, then its net incentive, is one movement between it and the public grid.
 *
 * - The grid pays from its float; a float too small to pay is an error (the grid company must top
 *   it up), never an overdraft.
 * - A participant pays what its balance holds; the rest becomes a debt to the grid, which is taken
 *   from its next deposit and bars it from bidding until repaid.
 */
import { MarketRuleError } from './errors.ts';
import { minBig } from './units.ts';

export type MovementReason = 'trade' | 'imbalance' | 'incentive' | 'debt-repayment';

export interface Movement {
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly reason: MovementReason;
}

export interface LedgerState {
  readonly balances: ReadonlyMap<string, bigint>;
  readonly debts: ReadonlyMap<string, bigint>;
}

export class GridFloatInsufficientError extends MarketRuleError {
  constructor(grid: string, balance: bigint, needed: bigint) {
    super(
      'GRID_FLOAT_INSUFFICIENT',
      `the public grid's float (${balance} base units) cannot pay ${needed}; the grid company must deposit more before this settlement`,
      { grid, balance, needed },
    );
  }
}

export interface PayOutcome {
  readonly state: LedgerState;
  readonly movements: readonly Movement[];
  /** Debt the payer took on because its balance fell short. */
  readonly debtIncurred: bigint;
}

/**
 * Settles a signed amount between a participant and the grid: positive is paid to the participant,
 * negative by it.
 */
export function settleWithGrid(
  state: LedgerState,
  participant: string,
  grid: string,
  signedAmount: bigint,
  reason: MovementReason,
): PayOutcome {
  const balances = new Map(state.balances);
  const debts = new Map(state.debts);
  const balanceOf = (who: string) => balances.get(who) ?? 0n;
  if (signedAmount === 0n) return { state, movements: [], debtIncurred: 0n };
  if (signedAmount > 0n) {
    const available = balanceOf(grid);
    if (available < signedAmount) throw new GridFloatInsufficientError(grid, available, signedAmount);
    balances.set(grid, available - signedAmount);
    balances.set(participant, balanceOf(participant) + signedAmount);
    return {
      state: { balances, debts },
      movements: [{ from: grid, to: participant, amount: signedAmount, reason }],
      debtIncurred: 0n,
    };
  }
  const owed = -signedAmount;
  const paid = minBig(owed, balanceOf(participant));
  const debtIncurred = owed - paid;
  balances.set(participant, balanceOf(participant) - paid);
  balances.set(grid, balanceOf(grid) + paid);
  if (debtIncurred > 0n) debts.set(participant, (debts.get(participant) ?? 0n) + debtIncurred);
  const movements: Movement[] = paid > 0n ? [{ from: participant, to: grid, amount: paid, reason }] : [];
  return { state: { balances, debts }, movements, debtIncurred };
}
