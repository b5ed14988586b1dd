/**
 * Generated order streams for the continuous double auction, shared by the core's property tests
 * and the contract–core comparison: a few owners, prices from a narrow band (many crosses and ties),
 * cancels of resting orders (sometimes by the wrong owner), and a few orders the book must refuse.
 */
import fc from 'fast-check';
import type { Side } from '../bid.ts';
import {
  cancelOrder,
  placeOrder,
  type ContinuousBook,
  type PlaceResult,
  type RestingOrder,
} from '../continuousAuction.ts';
import { WattLedgerError } from '../errors.ts';

export type StreamEvent =
  | {
      readonly kind: 'place';
      readonly owner: number;
      readonly side: Side;
      readonly quantityWh: bigint;
      readonly pricePerWh: bigint;
    }
  | {
      readonly kind: 'cancel';
      readonly owner: number;
      /** Which resting order, modulo the number resting. */
      readonly pick: number;
      /** Ask someone other than the owner to cancel it (a refusal). */
      readonly wrongOwner: boolean;
    };

/** 0.40–0.60 currency units per kWh in steps of 0.01: crosses and equal prices are frequent. */
const price = fc.integer({ min: 40, max: 60 }).map((cents) => BigInt(cents) * 10_000_000_000_000n);
const quantityWh = fc.oneof(
  { weight: 12, arbitrary: fc.bigInt({ min: 1n, max: 400n }) },
  { weight: 1, arbitrary: fc.constant(0n) },
);

export function orderStreamArbitrary(options: {
  owners: number;
  maxEvents: number;
  minEvents?: number;
}): fc.Arbitrary<StreamEvent[]> {
  const owner = fc.integer({ min: 0, max: options.owners - 1 });
  const place = fc.record({
    kind: fc.constant('place' as const),
    owner,
    side: fc.constantFrom('sell' as const, 'buy' as const),
    quantityWh,
    pricePerWh: price,
  });
  const cancel = fc.record({
    kind: fc.constant('cancel' as const),
    owner,
    pick: fc.nat({ max: 1_000 }),
    wrongOwner: fc.boolean(),
  });
  const event: fc.Arbitrary<StreamEvent> = fc.oneof(
    { weight: 5, arbitrary: place },
    { weight: 1, arbitrary: cancel },
  );
  return fc.array(event, { minLength: options.minEvents ?? 1, maxLength: options.maxEvents });
}

export type StreamOutcome =
  | { readonly kind: 'placed'; readonly result: PlaceResult }
  | { readonly kind: 'cancelled'; readonly cancelled: RestingOrder }
  | { readonly kind: 'refused'; readonly error: WattLedgerError };

/** The cancel request a stream event stands for in `book` (null: nothing rests to cancel). */
export function cancelTarget(
  book: ContinuousBook,
  event: Extract<StreamEvent, { kind: 'cancel' }>,
  owners: readonly string[],
): { orderId: number; owner: string } | null {
  const resting = [...book.bids, ...book.asks];
  if (resting.length === 0) return null;
  const order = resting[event.pick % resting.length]!;
  const index = owners.indexOf(order.owner);
  const owner = event.wrongOwner ? owners[(index + 1) % owners.length]! : order.owner;
  return { orderId: order.id, owner };
}

/** Applies one stream event to the core book; a refusal leaves the book as it was. */
export function applyStreamEvent(
  book: ContinuousBook,
  event: StreamEvent,
  owners: readonly string[],
  at: bigint,
): { book: ContinuousBook; outcome: StreamOutcome | null } {
  try {
    if (event.kind === 'place') {
      const result = placeOrder(book, { ...event, owner: owners[event.owner]!, at });
      return { book: result.book, outcome: { kind: 'placed', result } };
    }
    const target = cancelTarget(book, event, owners);
    if (target === null) return { book, outcome: null };
    const { book: next, cancelled } = cancelOrder(book, { ...target, at });
    return { book: next, outcome: { kind: 'cancelled', cancelled } };
  } catch (error) {
    if (error instanceof WattLedgerError) return { book, outcome: { kind: 'refused', error } };
    throw error;
  }
}
