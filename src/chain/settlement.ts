/**
 * Settling a period on chain: each participant with a revealed bid is settled once its reading is in,
 * or as a missing reading once the reading deadline has passed.
 */
import type { Account, Hash } from 'viem';
import { periodWindows } from '../core/periodClock.ts';
import { BID_FLAGS } from './typedData.ts';
import { readSchedule } from './periodDriver.ts';
import { revealedBids } from './periodRecords.ts';
import type { Platform } from './platform.ts';
import { execute } from './transactions.ts';
import { energyMarketAbi } from './generated/EnergyMarket.ts';

export interface SettlementReport {
  readonly period: bigint;
  readonly settled: readonly number[];
  /** Participants whose reading is still awaited before the deadline. */
  readonly pending: readonly number[];
  readonly transactions: readonly { hash: Hash; gasUsed: bigint; participants: number }[];
}

export async function settlePeriodOnChain(
  platform: Platform,
  keeper: Account,
  period: bigint,
  options: { batchSize?: number } = {},
): Promise<SettlementReport> {
  const batchSize = options.batchSize ?? 150;
  const { readingDeadline } = periodWindows(await readSchedule(platform), period);
  const now = (await platform.connection.publicClient.getBlock()).timestamp;
  const bids = await revealedBids(platform, period);
  const slots = await Promise.all(
    bids.map((b) => platform.read.market.read.bidOf([b.participantId, period])),
  );
  const due: number[] = [];
  const pending: number[] = [];
  bids.forEach((bid, i) => {
    const flags = slots[i]!.flags;
    if ((flags & BID_FLAGS.settled) !== 0) return;
    if ((flags & BID_FLAGS.read) !== 0 || now >= readingDeadline) due.push(bid.participantId);
    else pending.push(bid.participantId);
  });
  const transactions: { hash: Hash; gasUsed: bigint; participants: number }[] = [];
  for (let i = 0; i < due.length; i += batchSize) {
    const batch = due.slice(i, i + batchSize);
    const receipt = await execute(
      platform.connection,
      keeper,
      {
        address: platform.deployment.market,
        abi: energyMarketAbi,
        functionName: 'settle',
        args: [period, batch],
      },
      `settle period ${period}`,
    );
    transactions.push({
      hash: receipt.transactionHash,
      gasUsed: receipt.gasUsed,
      participants: batch.length,
    });
  }
  return { period, settled: due, pending, transactions };
}
