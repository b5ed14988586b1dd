/**
 * Signed orders and cancels for the continuous market (EIP-712), and their submission by a relayer
 * many per transaction. The relayer, not the participant, computes each order's insertion hint: the
 * hint is not signed, and the contract checks it.
 */
import type { Account, Address, Hex, LocalAccount, TransactionReceipt, TypedDataDomain } from 'viem';
import { placeOrder, type ContinuousBook } from '../core/continuousAuction.ts';
import { WattLedgerError } from '../core/errors.ts';
import { hintOrHead, type ContinuousMarket, type ContinuousOrder } from './continuousMarket.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import { execute } from './transactions.ts';
import { SIDE_CODE } from './typedData.ts';

export const continuousMarketDomain = (chainId: number, market: Address): TypedDataDomain => ({
  name: 'WattLedger Continuous Market',
  version: '1',
  chainId,
  verifyingContract: market,
});

export const orderTypes = {
  Order: [
    { name: 'participant', type: 'address' },
    { name: 'period', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'quantityWh', type: 'uint256' },
    { name: 'pricePerWh', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

export const cancelTypes = {
  Cancel: [
    { name: 'participant', type: 'address' },
    { name: 'period', type: 'uint256' },
    { name: 'orderId', type: 'uint32' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

export interface SignedOrder extends ContinuousOrder {
  readonly participant: Address;
  readonly participantId: number;
  readonly nonce: bigint;
  readonly signature: Hex;
}

export interface SignedCancel {
  readonly participant: Address;
  readonly period: bigint;
  readonly orderId: number;
  readonly nonce: bigint;
  readonly signature: Hex;
}

/** The participant signs an order; `nonce` is its next unused one (`nonces(participant)`). */
export async function signOrder(
  market: ContinuousMarket,
  participant: LocalAccount,
  participantId: number,
  order: ContinuousOrder,
  nonce: bigint,
): Promise<SignedOrder> {
  const signature = await participant.signTypedData({
    domain: continuousMarketDomain(market.connection.chain.id, market.address),
    types: orderTypes,
    primaryType: 'Order',
    message: { participant: participant.address, nonce, ...order, side: SIDE_CODE[order.side] },
  });
  return { participant: participant.address, participantId, nonce, signature, ...order };
}

export async function signCancel(
  market: ContinuousMarket,
  participant: LocalAccount,
  cancel: { period: bigint; orderId: number },
  nonce: bigint,
): Promise<SignedCancel> {
  const signature = await participant.signTypedData({
    domain: continuousMarketDomain(market.connection.chain.id, market.address),
    types: cancelTypes,
    primaryType: 'Cancel',
    message: { participant: participant.address, nonce, ...cancel },
  });
  return { participant: participant.address, nonce, signature, ...cancel };
}

/**
 * The insertion hints of a batch of signed orders executed in turn on `book` (one period's, read with
 * `readBook(market, period, ownerIds)` so that it holds the orders' owners' wallets). An order the
 * core refuses gets hint 0: the contract will refuse it with its own error.
 */
export function batchHints(book: ContinuousBook, orders: readonly SignedOrder[], at: bigint): number[] {
  return orders.map((order) => {
    const hint = hintOrHead(book, order.participantId, order, at);
    try {
      book = placeOrder(book, { owner: String(order.participantId), at, ...order }).book;
    } catch (error) {
      if (!(error instanceof WattLedgerError)) throw error;
    }
    return hint;
  });
}

/** The relayer submits signed orders in one transaction, in the given order, with their hints. */
export function placeSignedOrders(
  market: ContinuousMarket,
  relayer: Account,
  orders: readonly SignedOrder[],
  hints: readonly number[],
): Promise<TransactionReceipt> {
  const args = orders.map((o, i) => ({
    participant: o.participant,
    period: o.period,
    side: SIDE_CODE[o.side],
    quantityWh: o.quantityWh,
    pricePerWh: o.pricePerWh,
    nonce: o.nonce,
    restAfter: hints[i] ?? 0,
    signature: o.signature,
  }));
  return execute(
    market.connection,
    relayer,
    { address: market.address, abi: continuousMarketAbi, functionName: 'placeBySignature', args: [args] },
    `place ${orders.length} signed orders`,
  );
}

export function cancelSignedOrders(
  market: ContinuousMarket,
  relayer: Account,
  cancels: readonly SignedCancel[],
): Promise<TransactionReceipt> {
  return execute(
    market.connection,
    relayer,
    {
      address: market.address,
      abi: continuousMarketAbi,
      functionName: 'cancelBySignature',
      args: [cancels.map((c) => ({ ...c }))],
    },
    `cancel ${cancels.length} signed orders`,
  );
}
