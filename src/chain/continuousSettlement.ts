/**
 * Settling the continuous market after delivery: meters' signed readings (the same signatures the
 * sealed-bid market takes) go to the continuous market, and each participant's position in a period
 * is settled once its reading is in, or as a missing reading once the reading deadline has passed.
 */
import type { SettlementReport } from './settlement.ts';
import { parseEventLogs, type Account, type Hash, type TransactionReceipt } from 'viem';
import type { ContinuousPosition } from '../core/continuousAuction.ts';
import type { SignedReading } from './bidding.ts';
import type { ContinuousMarket } from './continuousMarket.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import { execute } from './transactions.ts';

const READ = 1;
const SETTLED = 2;

/** Submits meters' signed readings to the continuous market in one transaction (all or nothing). */
export function submitContinuousReadings(
  market: ContinuousMarket,
  relayer: Account,
  readings: readonly SignedReading[],
): Promise<TransactionReceipt> {
  return execute(
    market.connection,
    relayer,
    {
      address: market.address,
      abi: continuousMarketAbi,
      functionName: 'submitReadingsBySignature',
      args: [readings],
    },
    `submit ${readings.length} readings to the continuous market`,
  );
}

/** A participant's position in a period as the contract keeps it. */
export interface ChainPosition extends ContinuousPosition {
  readonly participantId: number;
  readonly actualWh: bigint;
  readonly read: boolean;
  readonly settled: boolean;
}

/** The participants that traded in `period` (from its fills), with their positions. */
export async function continuousPositions(
  market: ContinuousMarket,
  period: bigint,
  fromBlock = 0n,
): Promise<ChainPosition[]> {
  const fills = await market.read.getEvents.OrderFilled({ period }, { fromBlock });
  const ids = [...new Set(fills.flatMap((f) => [f.args.sellerId!, f.args.buyerId!]))].sort((a, b) => a - b);
  return Promise.all(
    ids.map(async (participantId) => {
      const p = await market.read.read.positionOf([period, participantId]);
      return {
        participantId,
        side: p.sell ? 'sell' : 'buy',
        filledWh: BigInt(p.filledWh),
        actualWh: BigInt(p.actualWh),
        read: (p.flags & READ) !== 0,
        settled: (p.flags & SETTLED) !== 0,
      } satisfies ChainPosition;
    }),
  );
}

/** The same report as the sealed-bid market's settlement gives. */
export type ContinuousSettlementReport = SettlementReport;

/** Settles every position of `period` that is due, in batches. */
export async function settleContinuousPeriod(
  market: ContinuousMarket,
  keeper: Account,
  period: bigint,
  options: { batchSize?: number; fromBlock?: bigint } = {},
): Promise<ContinuousSettlementReport> {
  const batchSize = options.batchSize ?? 150;
  const [deadline, positions, block] = await Promise.all([
    market.read.read.readingDeadline([period]),
    continuousPositions(market, period, options.fromBlock),
    market.connection.publicClient.getBlock(),
  ]);
  const open = positions.filter((p) => !p.settled);
  const due = open.filter((p) => p.read || block.timestamp >= deadline).map((p) => p.participantId);
  const pending = open.filter((p) => !due.includes(p.participantId)).map((p) => p.participantId);
  const transactions: { hash: Hash; gasUsed: bigint; participants: number }[] = [];
  for (let i = 0; i < due.length; i += batchSize) {
    const batch = due.slice(i, i + batchSize);
    const receipt = await execute(
      market.connection,
      keeper,
      { address: market.address, abi: continuousMarketAbi, functionName: 'settle', args: [period, batch] },
      `settle period ${period} of the continuous market`,
    );
    transactions.push({
      hash: receipt.transactionHash,
      gasUsed: receipt.gasUsed,
      participants: batch.length,
    });
  }
  return { period, settled: due, pending, transactions };
}

/** What a settlement transaction did, from its events. */
export interface ContinuousSettlementOutcome {
  readonly settled: readonly {
    participantId: number;
    actualWh: bigint;
    readingMissing: boolean;
    imbalanceWh: bigint;
    imbalanceAmount: bigint;
    reward: bigint;
    penalty: bigint;
  }[];
  readonly debts: readonly { participantId: number; amount: bigint; totalDebt: bigint }[];
}

export function continuousSettlementOutcome(receipt: TransactionReceipt): ContinuousSettlementOutcome {
  const logs = parseEventLogs({ abi: continuousMarketAbi, logs: receipt.logs });
  const outcome = { settled: [], debts: [] } as {
    -readonly [K in keyof ContinuousSettlementOutcome]: ContinuousSettlementOutcome[K][number][];
  };
  for (const log of logs) {
    if (log.eventName === 'ParticipantSettled') {
      const { period: _, ...settled } = log.args;
      outcome.settled.push(settled);
    } else if (log.eventName === 'DebtRecorded') outcome.debts.push(log.args);
  }
  return outcome;
}
