/**
 * The bids of the generated contract = core tests: each of a pool member, sealed, committed and
 * revealed, after which a buyer may withdraw a share of what it holds so the clearing's budget cut
 * bites.
 */
import { withdraw } from '../participants.ts';
import { commitAndReveal } from '../periodDriver.ts';
import type { Enrolled, TestPlatform } from './testPlatform.ts';

export interface GeneratedBid {
  readonly member: number;
  readonly sell: boolean;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** Percent of what a buyer may withdraw that it withdraws between reveal and clearing. */
  readonly withdrawShare: number;
}

/** Commits and reveals the bids in `period`; returns what the contract refused. */
export async function commitAndRevealGenerated(
  t: TestPlatform,
  period: bigint,
  pool: readonly Enrolled[],
  bids: readonly GeneratedBid[],
) {
  return await commitAndReveal(
    t,
    period,
    bids.map((b) => ({
      participant: pool[b.member]!.account,
      participantId: pool[b.member]!.id,
      intent: {
        side: b.sell ? ('sell' as const) : ('buy' as const),
        quantityWh: b.quantityWh,
        pricePerWh: b.pricePerWh,
      },
    })),
  );
}

/** Each buyer with a withdrawal share withdraws that percent of what it may withdraw. */
export async function withdrawShares(
  t: TestPlatform,
  pool: readonly Enrolled[],
  bids: readonly GeneratedBid[],
  reference: string,
): Promise<void> {
  for (const b of bids.filter((x) => !x.sell && x.withdrawShare > 0)) {
    const member = pool[b.member]!;
    const available = (await t.platform.read.market.read.participantState([member.id]))[3];
    const amount = (available * BigInt(b.withdrawShare)) / 100n;
    if (amount > 0n)
      await withdraw(t.platform, t.accounts.settlementAgent, member.account, amount, reference);
  }
}
