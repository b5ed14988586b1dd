/**
 * The server's side of sealed bidding, done for participants: a bid placed through the API is sealed
 * at once (salt, commitment, and the participant's EIP-712 signature of it, made while the
 * participant is logged in) and kept here; it is committed through the relayer when its period's
 * commit window is open and revealed in the reveal window. The salt never leaves the platform store,
 * so nobody can read a bid from the chain before its reveal. Each step is driven by the chain's
 * state, so a restart carries on: a commit or reveal already on chain is recognised, never repeated.
 */
import { priceBoundRefusal } from '../core/priceBounds.ts';
import { toHex, type Hex, type LocalAccount } from 'viem';
import { randomBytes } from 'node:crypto';
import type { Side } from '../core/bid.ts';
import { periodAt, periodWindows, type PeriodSchedule } from '../core/periodClock.ts';
import { sealBid } from '../chain/bidding.ts';
import { readReputation } from '../chain/reputation.ts';
import { ContractRefusedError } from '../chain/errors.ts';
import type { Platform } from '../chain/platform.ts';
import type { Relayer } from '../chain/relayer.ts';
import { summarize } from '../chain/transactions.ts';
import type { SealedBid } from '../chain/typedData.ts';
import { formatMoney, formatPricePerKwh } from '../core/units.ts';
import { buyerChargesPerWh, refuseSideOfKind, refuseUnderMaintenance } from './admission.ts';
import { RequestError } from './errors.ts';
import type { ForwardRights } from '../chain/forwardRights.ts';
import type { MaintenancePlans } from '../chain/maintenancePlans.ts';
import type { GridConnections } from '../chain/gridConnections.ts';
import type { PlatformStore, StoredBid } from './platformStore.ts';

export interface BidRequest {
  readonly participantId: number;
  readonly account: LocalAccount;
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** Default: the next period whose bidding has not closed. */
  readonly period?: bigint;
}

export interface BidBookTick {
  readonly committed: number;
  readonly revealed: number;
  readonly refused: number;
  readonly expired: number;
}

/** How far ahead a bid may be placed: a day of 15-minute periods. */
export const MAX_PERIODS_AHEAD = 96n;

export function createBidBook(deps: {
  store: PlatformStore;
  platform: Platform;
  relayer: Relayer;
  schedule: PeriodSchedule;
  /** The grid company's maintenance plans: a unit under maintenance may not sell. */
  maintenancePlans?: MaintenancePlans;
  /** The grid company's connection register: a buy bid must also cover its wheeling fee and levy. */
  gridConnections?: GridConnections;
  /**
   * The forward rights: a participant with a forward delivery scheduled in a period may not bid in it
   * (one metered flow is settled once). The market refuses such a commit (BidUnitHasForwardSchedule);
   * the bid book refuses the bid first, at placement and again before committing it.
   */
  forwardRights?: ForwardRights;
  now(): Promise<bigint>;
}) {
  const { store, platform, relayer, schedule } = deps;

  /** The first period whose commit window has not closed at `now`. */
  function nextBiddingPeriod(now: bigint): bigint {
    let period = periodAt(schedule, now) + 1n;
    while (periodWindows(schedule, period).commitCloses <= now) period += 1n;
    return period;
  }

  /** Whether any forward offer exists: until one does, no bid needs its own look-up. */
  const forwardInUse = async (): Promise<boolean> =>
    deps.forwardRights !== undefined && (await deps.forwardRights.read.read.offerCount()) > 0n;

  /** Whether the participant's metered flow in `period` is a forward delivery's. */
  const hasForwardSchedule = async (participantId: number, period: bigint): Promise<boolean> =>
    deps.forwardRights !== undefined &&
    (await deps.forwardRights.read.read.hasSchedule([participantId, period]));

  async function place(request: BidRequest): Promise<StoredBid> {
    const now = await deps.now();
    const next = nextBiddingPeriod(now);
    const period = request.period ?? next;
    if (period < next)
      throw new RequestError(
        'invalid',
        `bidding for period ${period} has closed (the next open period is ${next})`,
        'period',
      );
    if (period > next + MAX_PERIODS_AHEAD)
      throw new RequestError(
        'invalid',
        `period ${period} is more than ${MAX_PERIODS_AHEAD} periods ahead`,
        'period',
      );
    if (request.quantityWh <= 0n) throw new RequestError('invalid', 'must be greater than zero', 'quantity');
    if (request.pricePerWh <= 0n) throw new RequestError('invalid', 'must be greater than zero', 'price');
    // The contract refuses a price outside the period's bounds at the reveal; refusing here spares a doomed bid.
    const [floorPerWh, capPerWh] = await platform.read.market.read.priceBoundsOf([period]);
    const refusal = priceBoundRefusal(request.pricePerWh, { floorPerWh, capPerWh });
    if (refusal !== undefined)
      throw new RequestError(
        'invalid',
        refusal === 'BidPriceBelowFloor'
          ? `is below period ${period}'s price floor ${formatPricePerKwh(floorPerWh)} per kWh`
          : `is above period ${period}'s price cap ${formatPricePerKwh(capPerWh)} per kWh`,
        'price',
      );
    if (store.bid(request.participantId, period) !== undefined)
      throw new RequestError(
        'conflict',
        `a bid for period ${period} is already placed (one bid per period)`,
        'period',
      );
    const profile = await platform.read.registry.read.profile([request.participantId]);
    if (!profile.authorised)
      throw new RequestError('forbidden', 'the operator has not authorised this participant to bid yet');
    refuseSideOfKind(profile.kind, request.side);
    await refuseUnderMaintenance(deps.maintenancePlans, request.participantId, period, request.side);
    if (await hasForwardSchedule(request.participantId, period))
      throw new RequestError(
        'conflict',
        `the participant has a forward delivery scheduled in period ${period}: its metered flow is settled there, so it may not bid`,
        'period',
      );
    // The contract checks admission again at the reveal; refusing here spares a doomed commit. The
    // margin is the one a bid committed now holds (scaled by the participant's reputation when on).
    const [{ nextMargin: marginAmount }, balance] = await Promise.all([
      readReputation(platform, request.participantId),
      platform.read.token.read.balanceOf([request.account.address]),
    ]);
    if (request.side === 'sell' && balance < marginAmount)
      throw new RequestError(
        'invalid',
        `a seller must hold the margin ${formatMoney(marginAmount)} (scaled by its reputation when on); the wallet holds ${formatMoney(balance)}`,
        'quantity',
      );
    if (request.side === 'buy') {
      const spendable = balance > marginAmount ? balance - marginAmount : 0n;
      const chargesPerWh = await buyerChargesPerWh(deps.gridConnections, request.participantId);
      const cost = request.quantityWh * (request.pricePerWh + chargesPerWh);
      if (cost > spendable)
        throw new RequestError(
          'invalid',
          chargesPerWh === 0n
            ? `quantity × price is ${formatMoney(cost)} but the wallet can spend ${formatMoney(spendable)} (balance − margin)`
            : `quantity × (price + at most ${formatPricePerKwh(chargesPerWh)} per kWh of wheeling fee and levy) is ${formatMoney(cost)} but the wallet can spend ${formatMoney(spendable)} (balance − margin)`,
          'quantity',
        );
    }
    const salt = toHex(randomBytes(32));
    const { commit } = await sealBid(
      platform,
      request.account,
      period,
      { side: request.side, quantityWh: request.quantityWh, pricePerWh: request.pricePerWh },
      salt,
      request.participantId,
    );
    store.addBid({
      participantId: request.participantId,
      account: request.account.address,
      period,
      side: request.side,
      quantityWh: request.quantityWh,
      pricePerWh: request.pricePerWh,
      salt,
      commitment: commit.commitment,
      signature: commit.signature,
    });
    return store.bid(request.participantId, period)!;
  }

  const sealedOf = (bid: StoredBid): SealedBid => ({
    participant: bid.account,
    participantId: bid.participantId,
    period: bid.period,
    side: bid.side,
    quantityWh: bid.quantityWh,
    pricePerWh: bid.pricePerWh,
    salt: bid.salt,
  });

  async function eventLocation(
    kind: 'BidCommitted' | 'BidRevealed',
    bid: StoredBid,
  ): Promise<{ hash: Hex; block: bigint } | undefined> {
    const filter = { period: bid.period, participantId: bid.participantId };
    const options = { fromBlock: platform.deployment.fromBlock };
    const logs =
      kind === 'BidCommitted'
        ? await platform.read.market.getEvents.BidCommitted(filter, options)
        : await platform.read.market.getEvents.BidRevealed(filter, options);
    const log = logs[0];
    return log === undefined ? undefined : { hash: log.transactionHash!, block: log.blockNumber! };
  }

  /**
   * Commits what is due, reveals what is due, and lets go of what missed its window. `chainTime` is
   * the latest block's time when the caller has just moved the chain's clock: the transactions sent
   * here carry a later one, and the clock's own time may already be ahead of the chain, which would
   * commit before the window opened on chain.
   */
  async function tick(chainTime?: bigint): Promise<BidBookTick> {
    const now = chainTime ?? (await deps.now());
    const result = { committed: 0, revealed: 0, refused: 0, expired: 0 };
    const horizon = periodAt(schedule, now) + 2n;
    const forward = await forwardInUse();
    const toCommit: { bid: StoredBid; receipt: Promise<unknown> }[] = [];
    for (const bid of store.bidsWithStatus('scheduled', horizon)) {
      const w = periodWindows(schedule, bid.period);
      if (now >= w.commitCloses) {
        store.markFailed(
          bid.participantId,
          bid.period,
          'expired',
          `its commit window closed at ${w.commitCloses} before it could be sent`,
        );
        result.expired += 1;
      } else if (
        now >= w.commitOpens &&
        forward &&
        (await hasForwardSchedule(bid.participantId, bid.period))
      ) {
        // Rights trade until the commit window of their first period opens: fixed now, and bought
        // after the bid was placed.
        store.markFailed(
          bid.participantId,
          bid.period,
          'refused',
          `BidUnitHasForwardSchedule: a forward delivery is scheduled for participant ${bid.participantId} in period ${bid.period}`,
        );
        result.refused += 1;
      } else if (now >= w.commitOpens) {
        toCommit.push({
          bid,
          receipt: relayer.commit({
            participant: bid.account,
            period: bid.period,
            commitment: bid.commitment,
            signature: bid.signature,
          }),
        });
      }
    }
    const toReveal: { bid: StoredBid; receipt: Promise<unknown> }[] = [];
    for (const bid of store.bidsWithStatus('committed', horizon)) {
      const w = periodWindows(schedule, bid.period);
      if (now >= w.revealCloses) {
        store.markFailed(
          bid.participantId,
          bid.period,
          'expired',
          `its reveal window closed at ${w.revealCloses} before it could be revealed`,
        );
        result.expired += 1;
      } else if (now >= w.commitCloses) {
        toReveal.push({ bid, receipt: relayer.reveal(sealedOf(bid)) });
      }
    }
    if (toCommit.length + toReveal.length === 0) return result;
    await relayer.flush();
    for (const [list, kind] of [
      [toCommit, 'BidCommitted'],
      [toReveal, 'BidRevealed'],
    ] as const) {
      for (const { bid, receipt } of list) {
        const outcome = await receipt.then(
          (r) => ({ ok: true as const, r: r as { transactionHash: Hex; blockNumber: bigint } }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        const mark = kind === 'BidCommitted' ? store.markCommitted : store.markRevealed;
        if (outcome.ok) {
          mark(bid.participantId, bid.period, outcome.r.transactionHash, outcome.r.blockNumber);
          if (kind === 'BidCommitted') result.committed += 1;
          else result.revealed += 1;
          continue;
        }
        const error = outcome.error;
        const already =
          error instanceof ContractRefusedError &&
          error.errorName === (kind === 'BidCommitted' ? 'BidAlreadyCommitted' : 'BidAlreadyRevealed');
        // Sent before a restart that forgot it: the chain has it, so take the chain's record.
        const location = already ? await eventLocation(kind, bid) : undefined;
        if (location !== undefined) {
          mark(bid.participantId, bid.period, location.hash, location.block);
        } else if (error instanceof ContractRefusedError) {
          store.markFailed(bid.participantId, bid.period, 'refused', error.message);
          result.refused += 1;
        } else {
          // The chain could not be reached: the bid stays as it is and the next tick tries again.
          throw new Error(`bid ${bid.participantId}/${bid.period}: ${summarize(error)}`, { cause: error });
        }
      }
    }
    return result;
  }

  return { place, tick, nextBiddingPeriod, list: store.bidsOf };
}

export type BidBook = ReturnType<typeof createBidBook>;
