/**
 * The continuous double auction on chain: read a period's book into the market core's shape, place
 * orders with the insertion hint the core computes, cancel, expire after gate closure, and read what
 * a transaction did from its events. Owners are participant ids written as decimal strings.
 */
import { getContract, parseEventLogs, type Account, type Address, type TransactionReceipt } from 'viem';
import type { Side } from '../core/bid.ts';
import {
  openBook,
  placeOrder,
  type ContinuousBook,
  type ContinuousPosition,
  type OrderRequest,
  type RestingOrder,
} from '../core/continuousAuction.ts';
import { WattLedgerError } from '../core/errors.ts';
import type { ChainConnection } from './connection.ts';
import { ContractRefusedError } from './errors.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import { participantRegistryAbi } from './generated/ParticipantRegistry.ts';
import { settlementTokenAbi } from './generated/SettlementToken.ts';
import { execute } from './transactions.ts';
import { SIDE_CODE } from './typedData.ts';

export interface ContinuousMarket {
  readonly connection: ChainConnection;
  readonly address: Address;
  readonly read: ReturnType<typeof readContract>;
}

const readContract = (connection: ChainConnection, address: Address) =>
  getContract({ address, abi: continuousMarketAbi, client: connection.publicClient });

export function openContinuousMarket(connection: ChainConnection, address: Address): ContinuousMarket {
  return { connection, address, read: readContract(connection, address) };
}

/** Resting orders fetched per call when reading a side of the book. */
const PAGE = 200n;

/** One side of a period's book, best first, as the market core sees it. */
export async function readSide(
  market: ContinuousMarket,
  period: bigint,
  side: Side,
): Promise<RestingOrder[]> {
  const orders: RestingOrder[] = [];
  let from = 0;
  for (;;) {
    const [ids, page] = await market.read.read.ordersOf([period, SIDE_CODE[side], from, PAGE]);
    ids.forEach((id, i) => {
      const o = page[i]!;
      orders.push({
        id,
        owner: String(o.participantId),
        side,
        pricePerWh: o.pricePerWh,
        remainingWh: BigInt(o.remainingWh),
      });
    });
    const last = page.at(-1);
    if (ids.length < Number(PAGE) || last === undefined || last.next === 0) return orders;
    from = last.next;
  }
}

/**
 * A period's book as the market core sees it: the resting orders, the order count, gate closure,
 * margin, and the balances, reservations and positions of the resting buyers and sellers and of
 * `owners` (the participants about to place orders), so that the core predicts refusals, voids and
 * fills exactly.
 */
export async function readBook(
  market: ContinuousMarket,
  period: bigint,
  owners: readonly number[] = [],
): Promise<ContinuousBook> {
  const [book, gateClosure, margin, bids, asks] = await Promise.all([
    market.read.read.bookOf([period]),
    market.read.read.gateClosure([period]),
    market.read.read.marginAmount(),
    readSide(market, period, 'buy'),
    readSide(market, period, 'sell'),
  ]);
  const ids = [...new Set([...bids, ...asks].map((o) => Number(o.owner)).concat(owners))];
  const [registry, token] = await Promise.all([market.read.read.registry(), market.read.read.token()]);
  const client = market.connection.publicClient;
  const balances = new Map<string, bigint>();
  const reserved = new Map<string, bigint>();
  const positions = new Map<string, ContinuousPosition>();
  await Promise.all(
    ids.map(async (id) => {
      const profile = await client.readContract({
        address: registry,
        abi: participantRegistryAbi,
        functionName: 'profile',
        args: [id],
      });
      const [balance, held, position] = await Promise.all([
        client.readContract({
          address: token,
          abi: settlementTokenAbi,
          functionName: 'balanceOf',
          args: [profile.account],
        }),
        market.read.read.reservedOf([id]),
        market.read.read.positionOf([period, id]),
      ]);
      balances.set(String(id), balance);
      reserved.set(String(id), held);
      if (position.filledWh > 0) {
        positions.set(String(id), {
          side: position.sell ? 'sell' : 'buy',
          filledWh: BigInt(position.filledWh),
        });
      }
    }),
  );
  return {
    ...openBook({ gateClosure, margin, balances, positions, nextOrderId: book.orderCount + 1 }),
    bids,
    asks,
    reserved,
  };
}

export interface ContinuousOrder {
  readonly period: bigint;
  readonly side: Side;
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
}

/** Where the order's remainder will rest (the `restAfter` hint), by placing it on the core's copy. */
export function insertionHint(
  book: ContinuousBook,
  owner: number,
  order: ContinuousOrder,
  at: bigint,
): number {
  const request: OrderRequest = { owner: String(owner), at, ...order };
  return placeOrder(book, request).restsAfter;
}

/**
 * The hint, or 0 when the core refuses the order: the contract then refuses it too and names the
 * reason with its custom error, which is more use to the caller than the core's prediction.
 */
export function hintOrHead(book: ContinuousBook, owner: number, order: ContinuousOrder, at: bigint): number {
  try {
    return insertionHint(book, owner, order, at);
  } catch (error) {
    if (error instanceof WattLedgerError) return 0;
    throw error;
  }
}

/** How often a hint made stale by an order that landed first is recomputed before giving up. */
const HINT_ATTEMPTS = 3;

/**
 * Places `account`'s order, reading the book first to compute where its remainder rests. When
 * another order lands first and the hint no longer fits (`OrderHintInvalid`), the book is read again
 * and the order resent.
 */
export async function placeContinuousOrder(
  market: ContinuousMarket,
  account: Account,
  participantId: number,
  order: ContinuousOrder,
): Promise<{ receipt: TransactionReceipt; outcome: ContinuousOutcome }> {
  for (let attempt = 1; ; attempt++) {
    const book = await readBook(market, order.period, [participantId]);
    const now = (await market.connection.publicClient.getBlock()).timestamp;
    const restAfter = hintOrHead(book, participantId, order, now + 1n);
    try {
      const receipt = await execute(
        market.connection,
        account,
        {
          address: market.address,
          abi: continuousMarketAbi,
          functionName: 'place',
          args: [order.period, SIDE_CODE[order.side], order.quantityWh, order.pricePerWh, restAfter],
        },
        `place a ${order.side} order of ${order.quantityWh} Wh`,
      );
      return { receipt, outcome: continuousOutcome(receipt) };
    } catch (error) {
      const stale = error instanceof ContractRefusedError && error.errorName === 'OrderHintInvalid';
      if (!stale || attempt === HINT_ATTEMPTS) throw error;
    }
  }
}

/** Cancels the remainder of `account`'s resting order. */
export function cancelContinuousOrder(
  market: ContinuousMarket,
  account: Account,
  period: bigint,
  orderId: number,
): Promise<TransactionReceipt> {
  return execute(
    market.connection,
    account,
    { address: market.address, abi: continuousMarketAbi, functionName: 'cancel', args: [period, orderId] },
    `cancel order ${orderId} of period ${period}`,
  );
}

/** After gate closure: removes `period`'s remaining orders (all of them when no ids are given). */
export async function expireContinuousOrders(
  market: ContinuousMarket,
  account: Account,
  period: bigint,
  orderIds?: readonly number[],
): Promise<TransactionReceipt | null> {
  const ids =
    orderIds ??
    [...(await readSide(market, period, 'buy')), ...(await readSide(market, period, 'sell'))]
      .map((o) => o.id)
      .sort((a, b) => a - b);
  if (ids.length === 0) return null;
  return execute(
    market.connection,
    account,
    { address: market.address, abi: continuousMarketAbi, functionName: 'expire', args: [period, ids] },
    `expire ${ids.length} orders of period ${period}`,
  );
}

/** What a transaction did in the book, from its events, in order. */
export interface ContinuousOutcome {
  readonly placed: readonly { orderId: number; participantId: number; restingWh: bigint }[];
  readonly fills: readonly {
    makerOrderId: number;
    takerOrderId: number;
    sellerId: number;
    buyerId: number;
    quantityWh: bigint;
    pricePerWh: bigint;
  }[];
  readonly voided: readonly number[];
  /** Orders a capacity limit ended, with the Wh that left the book. */
  readonly capacityCut: readonly { orderId: number; participantId: number; droppedWh: bigint }[];
  readonly cancelled: readonly number[];
  readonly expired: readonly number[];
}

export function continuousOutcome(receipt: TransactionReceipt): ContinuousOutcome {
  const logs = parseEventLogs({ abi: continuousMarketAbi, logs: receipt.logs });
  const outcome = { placed: [], fills: [], voided: [], capacityCut: [], cancelled: [], expired: [] } as {
    -readonly [K in keyof ContinuousOutcome]: ContinuousOutcome[K][number][];
  };
  for (const log of logs) {
    if (log.eventName === 'OrderPlaced') {
      const { orderId, participantId, restingWh } = log.args;
      outcome.placed.push({ orderId, participantId, restingWh });
    } else if (log.eventName === 'OrderFilled') {
      const { makerOrderId, takerOrderId, sellerId, buyerId, quantityWh, pricePerWh } = log.args;
      outcome.fills.push({ makerOrderId, takerOrderId, sellerId, buyerId, quantityWh, pricePerWh });
    } else if (log.eventName === 'OrderCapacityCut') {
      const { orderId, participantId, droppedWh } = log.args;
      outcome.capacityCut.push({ orderId, participantId, droppedWh });
    } else if (log.eventName === 'OrderVoided') outcome.voided.push(log.args.orderId);
    else if (log.eventName === 'OrderCancelled') outcome.cancelled.push(log.args.orderId);
    else if (log.eventName === 'OrderExpired') outcome.expired.push(log.args.orderId);
  }
  return outcome;
}
