/** A period's records as the chain's events tell them: revealed bids, trades, readings, settlements. */
import { getContract, type Address, type Hash } from 'viem';
import type { Bid } from '../core/bid.ts';
import { LIMIT_KINDS, type LimitKind } from '../core/gridCapacity.ts';
import { gridConnectionsAbi } from './generated/GridConnections.ts';
import type { Platform } from './platform.ts';
import { bidRank } from './typedData.ts';
import { TOKEN_REASON_CODE, TOKEN_REASONS, type TokenReason } from './tokenReasons.ts';

export { TOKEN_REASONS, TOKEN_REASON_CODE, type TokenReason } from './tokenReasons.ts';

export interface RecordLocation {
  readonly transactionHash: Hash;
  readonly blockNumber: bigint;
}

export interface RevealedBid extends RecordLocation {
  readonly participantId: number;
  readonly side: 'sell' | 'buy';
  readonly green: boolean;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** The reputation the bid carries (its participant's score at commit), when reputation was on. */
  readonly reputationPpm?: bigint;
}

export interface TradeRecord extends RecordLocation {
  readonly sellerId: number;
  readonly buyerId: number;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  readonly stage: 'green' | 'all';
  /** What the buyer paid the grid with the trade (0 when no fee is configured). */
  readonly wheelingFee: bigint;
  readonly levy: bigint;
}

export interface SettlementRecord extends RecordLocation {
  readonly participantId: number;
  readonly actualWh: bigint;
  readonly readingMissing: boolean;
  readonly imbalanceWh: bigint;
  readonly imbalanceAmount: bigint;
  readonly reward: bigint;
  readonly penalty: bigint;
}

const location = (log: { transactionHash: Hash | null; blockNumber: bigint | null }): RecordLocation => ({
  transactionHash: log.transactionHash!,
  blockNumber: log.blockNumber!,
});

export async function revealedBids(platform: Platform, period: bigint): Promise<RevealedBid[]> {
  const [logs, carried] = await Promise.all([
    platform.read.market.getEvents.BidRevealed({ period }, { fromBlock: platform.deployment.fromBlock }),
    platform.read.market.getEvents.BidReputationCarried(
      { period },
      { fromBlock: platform.deployment.fromBlock },
    ),
  ]);
  const reputationOf = new Map(carried.map((log) => [log.args.participantId!, log.args.scorePpm!]));
  return logs.map((log) => {
    const reputationPpm = reputationOf.get(log.args.participantId!);
    return {
      ...location(log),
      participantId: log.args.participantId!,
      side: log.args.side === 0 ? 'sell' : 'buy',
      green: log.args.green!,
      quantityWh: log.args.quantityWh!,
      pricePerWh: log.args.pricePerWh!,
      ...(reputationPpm === undefined ? {} : { reputationPpm }),
    };
  });
}

export async function periodTrades(platform: Platform, period: bigint): Promise<TradeRecord[]> {
  const fromBlock = platform.deployment.fromBlock;
  const [logs, charges] = await Promise.all([
    platform.read.market.getEvents.TradeMatched({ period }, { fromBlock }),
    platform.deployment.gridConnections === undefined ? [] : periodCharges(platform, period),
  ]);
  // The market moves a trade's wheeling fee and levy right after its TradeMatched: each charge belongs
  // to the last trade logged before it.
  let next = 0;
  return logs.map((log, i) => {
    const trade = {
      ...location(log),
      sellerId: log.args.sellerId!,
      buyerId: log.args.buyerId!,
      quantityWh: log.args.quantityWh!,
      pricePerWh: log.args.pricePerWh!,
      stage: log.args.stage === 1 ? ('green' as const) : ('all' as const),
      wheelingFee: 0n,
      levy: 0n,
    };
    const following = logs[i + 1];
    for (
      ;
      next < charges.length && (following === undefined || precedes(charges[next]!, following));
      next++
    ) {
      const charge = charges[next]!;
      if (charge.reason === 'wheeling-fee') trade.wheelingFee += charge.amount;
      else trade.levy += charge.amount;
    }
    return trade;
  });
}

type LogPosition = { blockNumber: bigint | null; logIndex: number | null };
const precedes = (a: LogPosition, b: LogPosition): boolean =>
  a.blockNumber! < b.blockNumber! || (a.blockNumber === b.blockNumber && a.logIndex! < b.logIndex!);

/** A period's wheeling-fee and levy movements, in chain order. */
async function periodCharges(platform: Platform, period: bigint) {
  const fromBlock = platform.deployment.fromBlock;
  const moved = await Promise.all(
    (['wheeling-fee', 'levy'] as const).map(async (reason) =>
      (await platform.read.token.getEvents.TokensMoved({ reason: TOKEN_REASON_CODE[reason] }, { fromBlock }))
        .filter((log) => log.args.period === period)
        .map((log) => ({
          reason,
          amount: log.args.amount!,
          blockNumber: log.blockNumber,
          logIndex: log.logIndex,
        })),
    ),
  );
  return moved.flat().sort((a, b) => (precedes(a, b) ? -1 : 1));
}

/** A trade of the period cut by a feeder or transformer limit (logged by the grid connection register). */
export interface CapacityCutRecord extends RecordLocation {
  readonly sellerId: number;
  readonly buyerId: number;
  readonly limit: LimitKind;
  readonly limitId: number;
  readonly grantedWh: bigint;
}

/** The period's capacity cuts of this market's trades, in chain order (none without a register). */
export async function periodCapacityCuts(platform: Platform, period: bigint): Promise<CapacityCutRecord[]> {
  const grid = platform.deployment.gridConnections;
  if (grid === undefined) return [];
  const logs = await getContract({
    address: grid,
    abi: gridConnectionsAbi,
    client: platform.connection.publicClient,
  }).getEvents.CapacityCut(
    { market: platform.deployment.market, period },
    { fromBlock: platform.deployment.fromBlock },
  );
  return logs.map((log) => ({
    ...location(log),
    sellerId: log.args.sellerId!,
    buyerId: log.args.buyerId!,
    limit: LIMIT_KINDS[log.args.limit!]!,
    limitId: log.args.limitId!,
    grantedWh: log.args.grantedWh!,
  }));
}

export async function periodSettlements(platform: Platform, period: bigint): Promise<SettlementRecord[]> {
  const logs = await platform.read.market.getEvents.ParticipantSettled(
    { period },
    { fromBlock: platform.deployment.fromBlock },
  );
  return logs.map((log) => ({
    ...location(log),
    participantId: log.args.participantId!,
    actualWh: log.args.actualWh!,
    readingMissing: log.args.readingMissing!,
    imbalanceWh: log.args.imbalanceWh!,
    imbalanceAmount: log.args.imbalanceAmount!,
    reward: log.args.reward!,
    penalty: log.args.penalty!,
  }));
}

/** The core's view of revealed bids: participant keyed by id, ranked as the contract ranks them. */
export function asCoreBids(
  period: bigint,
  bids: readonly Pick<
    RevealedBid,
    'participantId' | 'side' | 'green' | 'quantityWh' | 'pricePerWh' | 'reputationPpm'
  >[],
): Bid[] {
  return bids.map((b) => ({
    participant: String(b.participantId),
    side: b.side,
    green: b.green,
    quantityWh: b.quantityWh,
    pricePerWh: b.pricePerWh,
    rank: bidRank(period, b.participantId),
    ...(b.reputationPpm === undefined ? {} : { reputationPpm: b.reputationPpm }),
  }));
}

export interface StatementLine extends RecordLocation {
  readonly logIndex: number;
  readonly reason: TokenReason;
  /** Signed from the account's side: positive is received. */
  readonly amount: bigint;
  readonly counterparty: Address;
  readonly period: bigint;
}

/** Every token movement of an account, with its reason, in chain order: the wallet statement. */
export async function walletStatement(platform: Platform, account: Address): Promise<StatementLine[]> {
  const fromBlock = platform.deployment.fromBlock;
  const [incoming, outgoing] = await Promise.all([
    platform.read.token.getEvents.TokensMoved({ to: account }, { fromBlock }),
    platform.read.token.getEvents.TokensMoved({ from: account }, { fromBlock }),
  ]);
  const lines = [
    ...incoming.map((log) => ({ log, sign: 1n, counterparty: log.args.from! })),
    ...outgoing.map((log) => ({ log, sign: -1n, counterparty: log.args.to! })),
  ].map(({ log, sign, counterparty }) => ({
    ...location(log),
    logIndex: log.logIndex!,
    reason: TOKEN_REASONS[log.args.reason!]!,
    amount: sign * log.args.amount!,
    counterparty,
    period: log.args.period!,
  }));
  return lines.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
}
