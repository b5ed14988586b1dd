/**
 * The server's side of the continuous market, done for participants: an order placed through the API
 * is checked against the contract's rules first (so a doomed order is refused with the field to blame
 * before anything is signed), signed with the participant's key while it is logged in, and submitted
 * at once by the relayer in the platform's one chain lane, with the insertion hint computed from the
 * book just read. A cancel is signed and submitted the same way.
 */
import type { Account, LocalAccount } from 'viem';
import type { Side } from '../core/bid.ts';
import { MAX_ORDER_PRICE, MAX_ORDER_WH } from '../core/continuousAuction.ts';
import { periodAt, type PeriodSchedule } from '../core/periodClock.ts';
import { formatMoney, formatPricePerKwh } from '../core/units.ts';
import {
  continuousOutcome,
  readBook,
  type ContinuousMarket,
  type ContinuousOutcome,
} from '../chain/continuousMarket.ts';
import {
  batchHints,
  cancelSignedOrders,
  placeSignedOrders,
  signCancel,
  signOrder,
} from '../chain/continuousMarketSigning.ts';
import { ContractRefusedError } from '../chain/errors.ts';
import type { GridConnections } from '../chain/gridConnections.ts';
import type { MaintenancePlans } from '../chain/maintenancePlans.ts';
import type { Platform } from '../chain/platform.ts';
import type { ChainLock } from './chainLock.ts';
import { buyerChargesPerWh, refuseSideOfKind, refuseUnderMaintenance } from './admission.ts';
import { RequestError } from './errors.ts';
import { MAX_PERIODS_AHEAD } from './bidBook.ts';

/** How often an order whose hint another order made stale (OrderHintInvalid) is resent. */
const HINT_ATTEMPTS = 3;

export interface OrderRequest {
  readonly participantId: number;
  readonly account: LocalAccount;
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** Default: the first period whose book is still open. */
  readonly period?: bigint;
}

export interface PlacedOrder {
  readonly period: bigint;
  readonly orderId: number;
  readonly restingWh: bigint;
  readonly outcome: ContinuousOutcome;
  readonly transactionHash: `0x${string}`;
  readonly blockNumber: bigint;
}

export function createContinuousOrders(deps: {
  market: ContinuousMarket;
  platform: Platform;
  relayer: Account;
  lock: ChainLock;
  schedule: PeriodSchedule;
  maintenancePlans?: MaintenancePlans;
  gridConnections?: GridConnections;
  now(): Promise<bigint>;
}) {
  const { market, platform } = deps;
  const read = market.read.read;

  /** The first period whose book is open at `now`: its gate closure is still ahead. */
  async function nextOpenPeriod(now: bigint): Promise<bigint> {
    let period = periodAt(deps.schedule, now) + 1n;
    while ((await read.gateClosure([period])) <= now) period += 1n;
    return period;
  }

  async function checkPeriodOpen(period: bigint, now: bigint): Promise<void> {
    const next = await nextOpenPeriod(now);
    if (period < next)
      throw new RequestError(
        'invalid',
        `the book of period ${period} closed at gate closure ${await read.gateClosure([period])} (the next open period is ${next})`,
        'period',
      );
    if (period > next + MAX_PERIODS_AHEAD)
      throw new RequestError(
        'invalid',
        `period ${period} is more than ${MAX_PERIODS_AHEAD} periods ahead`,
        'period',
      );
  }

  /** The contract's admission rules (`_admit`), read from the chain, so a refused order is never signed. */
  async function admit(request: OrderRequest, period: bigint): Promise<void> {
    const { participantId: id, side } = request;
    if (request.quantityWh <= 0n || request.quantityWh > MAX_ORDER_WH)
      throw new RequestError(
        'invalid',
        `must be greater than zero and at most ${MAX_ORDER_WH} Wh`,
        'quantity',
      );
    if (request.pricePerWh <= 0n || request.pricePerWh > MAX_ORDER_PRICE)
      throw new RequestError('invalid', 'must be greater than zero and within the contract’s range', 'price');
    const profile = await platform.read.registry.read.profile([id]);
    if (!profile.authorised)
      throw new RequestError('forbidden', 'the operator has not authorised this participant to trade yet');
    refuseSideOfKind(profile.kind, side);
    await refuseUnderMaintenance(deps.maintenancePlans, id, period, side);
    const [open, position, debt, balance, margin, reserved] = await Promise.all([
      read.openOrdersOf([period, id]),
      read.positionOf([period, id]),
      read.debtOf([id]),
      platform.read.token.read.balanceOf([request.account.address]),
      read.marginAmount(),
      read.reservedOf([id]),
    ]);
    const other = side === 'buy' ? 'sell' : 'buy';
    if (
      (side === 'buy' ? open.sells : open.buys) > 0 ||
      (position.filledWh > 0 && position.sell === (side === 'buy'))
    )
      throw new RequestError(
        'conflict',
        `the participant already trades on the ${other} side in period ${period} (one side per period)`,
        'side',
      );
    // The contract first takes what the wallet holds toward a debt; only what is left refuses the order.
    if (debt > balance)
      throw new RequestError(
        'forbidden',
        `the participant owes the public grid ${formatMoney(debt)} from earlier settlements and the wallet holds ${formatMoney(balance)}: it may not trade until the debt is paid`,
        undefined,
        'IN_DEBT',
      );
    const held = balance - debt;
    if (side === 'sell' && held < margin)
      throw new RequestError(
        'invalid',
        `a seller must hold the margin ${formatMoney(margin)}; the wallet holds ${formatMoney(held)}`,
        'quantity',
      );
    if (side === 'buy') {
      const committed = margin + reserved;
      const spendable = held > committed ? held - committed : 0n;
      const chargesPerWh = await buyerChargesPerWh(deps.gridConnections, id);
      const cost = request.quantityWh * (request.pricePerWh + chargesPerWh);
      if (cost > spendable)
        throw new RequestError(
          'invalid',
          chargesPerWh === 0n
            ? `quantity × price is ${formatMoney(cost)} but the wallet can spend ${formatMoney(spendable)} (balance − margin − what its resting buy orders reserve)`
            : `quantity × (price + at most ${formatPricePerKwh(chargesPerWh)} per kWh of wheeling fee and levy) is ${formatMoney(cost)} but the wallet can spend ${formatMoney(spendable)} (balance − margin − what its resting buy orders reserve)`,
          'quantity',
        );
    }
  }

  async function place(request: OrderRequest): Promise<PlacedOrder> {
    const now = await deps.now();
    const period = request.period ?? (await nextOpenPeriod(now));
    await checkPeriodOpen(period, now);
    await admit(request, period);
    const order = {
      period,
      side: request.side,
      quantityWh: request.quantityWh,
      pricePerWh: request.pricePerWh,
    };
    return await deps.lock.run(async () => {
      // In the lane: no other relayed order can take the nonce or move the book in between.
      const nonce = await read.nonces([request.account.address]);
      const signed = await signOrder(market, request.account, request.participantId, order, nonce);
      for (let attempt = 1; ; attempt++) {
        const book = await readBook(market, period, [request.participantId]);
        const at = (await market.connection.publicClient.getBlock()).timestamp + 1n;
        try {
          const receipt = await placeSignedOrders(
            market,
            deps.relayer,
            [signed],
            batchHints(book, [signed], at),
          );
          const outcome = continuousOutcome(receipt);
          const placed = outcome.placed[0]!;
          return {
            period,
            orderId: placed.orderId,
            restingWh: placed.restingWh,
            outcome,
            transactionHash: receipt.transactionHash,
            blockNumber: receipt.blockNumber,
          };
        } catch (error) {
          const stale = error instanceof ContractRefusedError && error.errorName === 'OrderHintInvalid';
          if (!stale || attempt === HINT_ATTEMPTS) throw error;
        }
      }
    });
  }

  /** Cancels what is left of the participant's own resting order. */
  async function cancel(request: {
    participantId: number;
    account: LocalAccount;
    period: bigint;
    orderId: number;
  }) {
    const now = await deps.now();
    const resting = await read.orderOf([request.period, request.orderId]);
    if (resting.remainingWh === 0)
      throw new RequestError(
        'not-found',
        `order ${request.orderId} of period ${request.period} is not resting in the book (filled, cancelled, expired or never placed)`,
        'orderId',
      );
    if (resting.participantId !== request.participantId)
      throw new RequestError(
        'forbidden',
        `order ${request.orderId} belongs to another participant`,
        'orderId',
      );
    await checkPeriodOpen(request.period, now);
    return await deps.lock.run(async () => {
      const nonce = await read.nonces([request.account.address]);
      const signed = await signCancel(market, request.account, request, nonce);
      const receipt = await cancelSignedOrders(market, deps.relayer, [signed]);
      return {
        remainingWh: BigInt(resting.remainingWh),
        transactionHash: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      };
    });
  }

  return { market, place, cancel, nextOpenPeriod };
}

export type ContinuousOrders = ReturnType<typeof createContinuousOrders>;
