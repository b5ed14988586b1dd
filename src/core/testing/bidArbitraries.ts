/** fast-check generators of bid sets and wallets, shared by the core's and the contracts' tests. */
import fc from 'fast-check';
import type { Bid, Wallet } from '../bid.ts';

export interface GeneratedPeriod {
  readonly bids: Bid[];
  readonly wallets: Map<string, Wallet>;
}

/** A price in base units per Wh around 0.4–0.9 currency units per kWh, often equal to others. */
const price = fc.oneof(
  fc.constantFrom(700_000_000_000_000n, 730_000_000_000_000n, 750_000_000_000_000n),
  fc.bigInt({ min: 400_000_000_000_000n, max: 900_000_000_000_000n }),
  fc.bigInt({ min: 1n, max: 1_000n }),
);

const quantityWh = fc.oneof(fc.bigInt({ min: 1n, max: 50n }), fc.bigInt({ min: 1n, max: 5_000_000n }));

export function periodArbitrary(
  options: { maxBids?: number; wallets?: boolean } = {},
): fc.Arbitrary<GeneratedPeriod> {
  const bid = fc.record({
    side: fc.constantFrom('sell' as const, 'buy' as const),
    green: fc.boolean(),
    quantityWh,
    pricePerWh: price,
  });
  return fc
    .tuple(
      fc.array(bid, { minLength: 0, maxLength: options.maxBids ?? 30 }),
      fc.array(fc.bigInt({ min: 0n, max: 5_000_000_000_000_000_000n }), { minLength: 64, maxLength: 64 }),
      fc.array(fc.bigInt({ min: 0n, max: 1_000_000_000_000_000n }), { minLength: 64, maxLength: 64 }),
      fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 64, maxLength: 64 }),
    )
    .map(([raw, balances, margins, ranks]) => {
      const seenRanks = new Set<bigint>();
      const bids: Bid[] = raw.map((b, i) => {
        let rank = ranks[i % ranks.length]! + BigInt(i) * (1n << 64n);
        while (seenRanks.has(rank)) rank += 1n;
        seenRanks.add(rank);
        return { ...b, participant: `p${i}`, rank };
      });
      const wallets = new Map<string, Wallet>();
      if (options.wallets !== false) {
        bids.forEach((b, i) => {
          if (i % 3 !== 2)
            wallets.set(b.participant, { balance: balances[i % 64]!, margin: margins[i % 64]! });
        });
      }
      return { bids, wallets };
    });
}
