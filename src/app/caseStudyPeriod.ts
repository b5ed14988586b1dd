/** One period of the reference case study on the platform, with everything a person wants to see. */
import type { Hash } from 'viem';
import { clearGreenFirst } from '../core/greenFirstAuction.ts';
import type { Side } from '../core/bid.ts';
import { simulatedClock } from '../chain/chainClock.ts';
import {
  asCoreBids,
  periodSettlements,
  periodTrades,
  revealedBids,
  type SettlementRecord,
  type TradeRecord,
} from '../chain/periodRecords.ts';
import { readSchedule, runPeriod, type PeriodRunReport } from '../chain/periodDriver.ts';
import { createRelayer } from '../chain/relayer.ts';
import { periodWindows } from '../core/periodClock.ts';
import { ensureCaseStudyParticipants, planFor, type CaseStudyParticipant } from './caseStudy.ts';
import type { PlatformRuntime } from './platformRuntime.ts';

export interface CaseStudyPeriodReport {
  readonly period: bigint;
  readonly deliveryStarts: bigint;
  readonly participants: readonly CaseStudyParticipant[];
  readonly bids: readonly {
    participant: CaseStudyParticipant;
    side: Side;
    quantityWh: bigint;
    pricePerWh: bigint;
  }[];
  readonly trades: readonly TradeRecord[];
  readonly averagePrice: { value: bigint; quantityWh: bigint } | null;
  readonly readings: readonly { participant: CaseStudyParticipant; actualWh: bigint }[];
  readonly settlements: readonly SettlementRecord[];
  readonly awardedWh: ReadonlyMap<number, bigint>;
  readonly balancesBefore: ReadonlyMap<number, bigint>;
  readonly balancesAfter: ReadonlyMap<number, bigint>;
  /** The public grid's float before and after: it absorbs every imbalance and pays the incentives. */
  readonly gridBefore: bigint;
  readonly gridAfter: bigint;
  readonly run: PeriodRunReport;
  /** The contracts gave exactly the market core's trades. */
  readonly matchesCore: boolean;
  readonly transactions: readonly { step: string; hash: Hash; gasUsed: bigint }[];
}

export async function runCaseStudyPeriod(
  runtime: PlatformRuntime,
  progress: (line: string) => void,
): Promise<CaseStudyPeriodReport> {
  const { platform, connection, accounts } = runtime;
  const participants = await ensureCaseStudyParticipants(runtime, progress);
  const schedule = await readSchedule(platform);
  const clock = simulatedClock(connection);
  const now = await clock.now();
  let period = 1n;
  while (periodWindows(schedule, period).commitOpens < now) period += 1n;
  const balanceOf = (p: CaseStudyParticipant) => platform.read.token.read.balanceOf([p.account.address]);
  const balancesBefore = new Map(
    await Promise.all(participants.map(async (p) => [p.id, await balanceOf(p)] as const)),
  );
  const gridBalance = () => platform.read.token.read.balanceOf([accounts.publicGrid.address]);
  const gridBefore = await gridBalance();
  const bids = participants.map((participant) => ({
    participant,
    side: participant.role.side,
    ...planFor(period, participant.role.key),
  }));
  const relayer = createRelayer(platform, accounts.relayer);
  const run = await runPeriod(
    { platform, clock, relayer, keeper: accounts.relayer, schedule },
    period,
    bids.map((b) => ({
      participant: b.participant.account,
      intent: { side: b.side, quantityWh: b.quantityWh, pricePerWh: b.pricePerWh },
    })),
    () =>
      bids.map((b) => ({
        meter: b.participant.meter,
        participantId: b.participant.id,
        importWh: b.side === 'buy' ? b.actualWh : 0n,
        exportWh: b.side === 'sell' ? b.actualWh : 0n,
      })),
    progress,
  );
  const revealed = await revealedBids(platform, period);
  const trades = await periodTrades(platform, period);
  const core = clearGreenFirst({ bids: asCoreBids(period, revealed) });
  const matchesCore =
    JSON.stringify(
      trades.map((t) => [
        String(t.sellerId),
        String(t.buyerId),
        t.quantityWh.toString(),
        t.pricePerWh.toString(),
      ]),
    ) ===
    JSON.stringify(
      core.trades.map((t) => [t.seller, t.buyer, t.quantityWh.toString(), t.pricePerWh.toString()]),
    );
  const awardedWh = new Map<number, bigint>();
  for (const p of participants)
    awardedWh.set(p.id, BigInt((await platform.read.market.read.bidOf([p.id, period])).awardedWh));
  const [value, quantityWh] = await platform.read.market.read.averagePrice([period]);
  return {
    period,
    deliveryStarts: periodWindows(schedule, period).deliveryStarts,
    participants,
    bids,
    trades,
    averagePrice: trades.length === 0 ? null : { value, quantityWh },
    readings: bids.map((b) => ({ participant: b.participant, actualWh: b.actualWh })),
    settlements: await periodSettlements(platform, period),
    awardedWh,
    balancesBefore,
    balancesAfter: new Map(
      await Promise.all(participants.map(async (p) => [p.id, await balanceOf(p)] as const)),
    ),
    gridBefore,
    gridAfter: await gridBalance(),
    run,
    matchesCore,
    transactions: [
      ...run.relayed.map((t) => ({ step: `${t.kind} ×${t.messages}`, hash: t.hash, gasUsed: t.gasUsed })),
      ...run.clearing.transactions.map((t) => ({
        step: `clear (${t.entries} bids handed over)`,
        hash: t.hash,
        gasUsed: t.gasUsed,
      })),
      ...run.settlement.transactions.map((t) => ({
        step: `settle ×${t.participants}`,
        hash: t.hash,
        gasUsed: t.gasUsed,
      })),
    ],
  };
}
