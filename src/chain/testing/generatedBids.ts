/**
 * The bids of the generated contract = core tests: each of a pool member, sealed, committed and
 * revealed, after which a buyer may withdraw a share of what it holds so the clearing's budget cut
 * bites.
 */
import { expect } from 'vitest';
import type { GreenFirstResult } from '../../core/greenFirstAuction.ts';
import { withdraw } from '../participants.ts';
import type { RevealedBid } from '../periodRecords.ts';
import { BID_FLAGS } from '../typedData.ts';
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

/** Each revealed bid's award and void on chain equal the core's, and so does each member's balance. */
export async function expectAwardsAndBalances(
  t: TestPlatform,
  period: bigint,
  revealed: readonly RevealedBid[],
  pool: readonly Enrolled[],
  core: Pick<GreenFirstResult, 'awardedWh' | 'voided' | 'wallets'>,
): Promise<void> {
  for (const [i, bid] of revealed.entries()) {
    const slot = await t.platform.read.market.read.bidOf([bid.participantId, period]);
    expect([BigInt(slot.awardedWh), (slot.flags & BID_FLAGS.voided) !== 0]).toEqual([
      core.awardedWh[i],
      core.voided[i],
    ]);
  }
  for (const member of pool)
    expect(await t.platform.read.token.read.balanceOf([member.account.address])).toBe(
      core.wallets.get(String(member.id))!.balance,
    );
}
