import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bid } from './bid.ts';
import { periodArbitrary } from './testing/bidArbitraries.ts';
import { clearUniformPrice } from './uniformPriceAuction.ts';

const bid = (
  participant: string,
  side: Bid['side'],
  quantityWh: bigint,
  pricePerWh: bigint,
  rank: bigint,
): Bid => ({
  participant,
  side,
  green: false,
  quantityWh,
  pricePerWh,
  rank,
});

describe('clearUniformPrice: hand-computed examples', () => {
  it('clears at the middle of the equilibrium price interval', () => {
    // Supply: a 100 @10, b 100 @30, c 100 @60.  Demand: x 150 @50, y 100 @40, z 100 @20.
    // Merit order: a–x 100, b–x 50, b–y 50; then c @60 > y @40 stops it. Traded 200.
    // Last matched ask 30 (b), last matched bid 40 (y, partly filled so still unmatched at 40).
    // L = max(30, 40) = 40, U = min(40, 60) = 40 → P = 40.
    const bids = [
      bid('a', 'sell', 100n, 10n, 0n),
      bid('b', 'sell', 100n, 30n, 1n),
      bid('c', 'sell', 100n, 60n, 2n),
      bid('x', 'buy', 150n, 50n, 3n),
      bid('y', 'buy', 100n, 40n, 4n),
      bid('z', 'buy', 100n, 20n, 5n),
    ];
    const result = clearUniformPrice({ bids });
    expect(result.clearingPricePerWh).toBe(40n);
    expect(result.trades.map((t) => [t.seller, t.buyer, t.quantityWh, t.amount])).toEqual([
      ['a', 'x', 100n, 4_000n],
      ['b', 'x', 50n, 2_000n],
      ['b', 'y', 50n, 2_000n],
    ]);
    expect(result.awardedWh).toEqual([100n, 100n, 0n, 150n, 50n, 0n]);
  });

  it('takes the midpoint when the interval is wide', () => {
    // s 100 @10 against b 100 @50: L = 10 (nothing left unmatched), U = 50 → P = 30.
    const result = clearUniformPrice({
      bids: [bid('s', 'sell', 100n, 10n, 0n), bid('b', 'buy', 100n, 50n, 1n)],
    });
    expect(result.clearingPricePerWh).toBe(30n);
  });

  it('caps a buyer at what it can pay at its own bid', () => {
    // b may spend 1000 − 100 = 900; at its bid of 50 that is 18 Wh. s keeps 82 Wh unsold at its
    // ask of 10, so U = min(50, 10) = 10 = L: the price is 10.
    const result = clearUniformPrice({
      bids: [bid('s', 'sell', 100n, 10n, 0n), bid('b', 'buy', 100n, 50n, 1n)],
      wallets: new Map([['b', { balance: 1000n, margin: 100n }]]),
    });
    expect(result.awardedWh).toEqual([18n, 18n]);
    expect(result.clearingPricePerWh).toBe(10n);
  });

  it('has no price when nothing crosses', () => {
    const result = clearUniformPrice({ bids: [bid('s', 'sell', 1n, 9n, 0n), bid('b', 'buy', 1n, 8n, 1n)] });
    expect(result.clearingPricePerWh).toBeNull();
    expect(result.trades).toEqual([]);
  });
});

describe('clearUniformPrice: the price is a competitive equilibrium', () => {
  it('every matched seller asks ≤ P ≤ every matched bid; nothing left over would trade at P', () => {
    fc.assert(
      fc.property(periodArbitrary(), ({ bids, wallets }) => {
        const result = clearUniformPrice({ bids, wallets });
        const price = result.clearingPricePerWh;
        if (price === null) return;
        bids.forEach((b, i) => {
          const awarded = result.awardedWh[i]!;
          if (awarded > 0n) {
            expect(b.side === 'sell' ? b.pricePerWh <= price : b.pricePerWh >= price).toBe(true);
          }
        });
        // Unmatched supply asks at least P and unmatched demand bids at most P, so at P nobody
        // left out wants to trade with anyone left out (up to budget caps, which only shrink demand).
        const unmatched = (side: Bid['side']) =>
          bids.filter((b, i) => b.side === side && result.awardedWh[i]! < b.quantityWh);
        const demandLeft = unmatched('buy').filter((b) => {
          const w = wallets.get(b.participant);
          const cap =
            w === undefined
              ? b.quantityWh
              : (w.balance > w.margin ? w.balance - w.margin : 0n) / b.pricePerWh;
          return result.awardedWh[bids.indexOf(b)]! < (cap < b.quantityWh ? cap : b.quantityWh);
        });
        for (const s of unmatched('sell'))
          for (const d of demandLeft)
            expect(s.pricePerWh > d.pricePerWh || (s.pricePerWh >= price && d.pricePerWh <= price)).toBe(
              true,
            );
        for (const t of result.trades) expect(t.pricePerWh).toBe(price);
        const supplied = result.trades.reduce((s, t) => s + t.quantityWh, 0n);
        const sold = bids.reduce((s, b, i) => s + (b.side === 'sell' ? result.awardedWh[i]! : 0n), 0n);
        expect(sold).toBe(supplied);
      }),
      { seed: 2019, numRuns: 300 },
    );
  });
});
