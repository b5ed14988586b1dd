import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bid, Wallet } from './bid.ts';
import { MarketInputError } from './errors.ts';
import { clearGreenFirst } from './greenFirstAuction.ts';
import { periodArbitrary } from './testing/bidArbitraries.ts';
import { averagePricePerKwh } from './trade.ts';
import { parseMoney, parsePricePerKwh } from './units.ts';

const p = (text: string) => parsePricePerKwh(text, 'price');
const bid = (
  participant: string,
  side: Bid['side'],
  green: boolean,
  quantityWh: bigint,
  price: string,
  rank: bigint,
): Bid => ({
  participant,
  side,
  green,
  quantityWh,
  pricePerWh: p(price),
  rank,
});

// The reference case study's four traders in one period (hand-computed below).
const caseStudy: Bid[] = [
  bid('wind', 'sell', true, 430n, '0.730', 0n),
  bid('controllable', 'sell', false, 500n, '0.700', 1n),
  bid('ev', 'buy', true, 250n, '0.756', 2n),
  bid('load', 'buy', false, 600n, '0.750', 3n),
];

describe('clearGreenFirst: hand-computed examples', () => {
  it('matches green first, then everyone, at the mid-price', () => {
    const result = clearGreenFirst({ bids: caseStudy });
    // Green: wind 430 @0.730 vs ev 250 @0.756 → 250 @0.743; wind keeps 180.
    // All: controllable 500 @0.700 vs load 600 @0.750 → 500 @0.725; then wind 180 @0.730 vs load's
    // remaining 100 → 100 @0.740. Wind keeps 80 unsold.
    expect(result.trades.map((t) => [t.seller, t.buyer, t.quantityWh, t.pricePerWh, t.stage])).toEqual([
      ['wind', 'ev', 250n, p('0.743'), 'green'],
      ['controllable', 'load', 500n, p('0.725'), 'all'],
      ['wind', 'load', 100n, p('0.74'), 'all'],
    ]);
    expect(result.awardedWh).toEqual([350n, 500n, 250n, 600n]);
    // A = (0.25·0.743 + 0.5·0.725 + 0.1·0.74) / 0.85 = 0.62225 / 0.85
    expect(result.averagePrice).toEqual({ value: parseMoney('0.62225', 'v'), quantityWh: 850n });
    expect(averagePricePerKwh(result.averagePrice!)).toBe(732_058_823_529_411_765n);
  });

  it('logs the bids in the order the contract must receive them', () => {
    const { entries } = clearGreenFirst({ bids: caseStudy });
    expect(entries.map((e) => `${e.stage}:${e.queue}:${caseStudy[e.bid]!.participant}`)).toEqual([
      'green:seller:wind',
      'green:buyer:ev',
      'all:seller:controllable',
      'all:buyer:ev', // entered with nothing left, so the next buyer follows at once
      'all:buyer:load',
      'all:seller:wind',
    ]);
  });

  it('cuts a trade to what the buyer can pay and drops the rest of its bid', () => {
    // load: 0.5 − 0.1 margin = 0.4 spendable. Pays 0.3625 for 500 Wh, has 0.0375 left;
    // 100 Wh @0.74 would cost 0.074, so it gets floor(0.0375 / 0.00074) = 50 Wh.
    const wallets = new Map<string, Wallet>([
      ['load', { balance: parseMoney('0.5', 'b'), margin: parseMoney('0.1', 'm') }],
    ]);
    const result = clearGreenFirst({ bids: caseStudy, wallets });
    expect(result.trades.at(-1)).toMatchObject({ seller: 'wind', buyer: 'load', quantityWh: 50n });
    expect(result.voided).toEqual([false, false, false, true]);
    expect(result.wallets.get('load')!.balance).toBe(
      parseMoney('0.5', 'b') - parseMoney('0.3625', 'a') - 50n * p('0.74'),
    );
  });

  it('breaks ties at equal price by rank', () => {
    const bids = [
      bid('late', 'sell', false, 100n, '0.5', 9n),
      bid('early', 'sell', false, 100n, '0.5', 1n),
      bid('buyer', 'buy', false, 100n, '0.6', 5n),
    ];
    expect(clearGreenFirst({ bids }).trades.map((t) => t.seller)).toEqual(['early']);
  });

  it('keeps the half unit of an odd mid-price with the buyer', () => {
    const bids: Bid[] = [
      { participant: 's', side: 'sell', green: false, quantityWh: 10n, pricePerWh: 3n, rank: 0n },
      { participant: 'b', side: 'buy', green: false, quantityWh: 10n, pricePerWh: 6n, rank: 1n },
    ];
    expect(clearGreenFirst({ bids }).trades[0]).toMatchObject({ pricePerWh: 4n, amount: 40n });
  });

  it('trades nothing when no ask is at or below a bid', () => {
    const bids = [bid('s', 'sell', true, 100n, '0.8', 0n), bid('b', 'buy', true, 100n, '0.7', 1n)];
    const result = clearGreenFirst({ bids });
    expect(result.trades).toEqual([]);
    expect(result.averagePrice).toBeNull();
  });

  it('refuses two bids of one participant', () => {
    const bids = [bid('x', 'sell', true, 1n, '1', 0n), bid('x', 'buy', true, 1n, '1', 1n)];
    expect(() => clearGreenFirst({ bids })).toThrow(MarketInputError);
    expect(() => clearGreenFirst({ bids })).toThrow('bids[1].participant: "x" already has a bid');
  });
});

describe('clearGreenFirst: properties', () => {
  const runs = { seed: 2019, numRuns: 300 };

  it('never trades above the buyer price or below the seller ask, nor beyond a bid', () => {
    fc.assert(
      fc.property(periodArbitrary(), ({ bids, wallets }) => {
        const result = clearGreenFirst({ bids, wallets });
        const byName = new Map(bids.map((b) => [b.participant, b]));
        const traded = new Map<string, bigint>();
        for (const t of result.trades) {
          const seller = byName.get(t.seller)!;
          const buyer = byName.get(t.buyer)!;
          expect(seller.side).toBe('sell');
          expect(buyer.side).toBe('buy');
          expect(t.pricePerWh >= seller.pricePerWh && t.pricePerWh <= buyer.pricePerWh).toBe(true);
          expect(t.quantityWh > 0n).toBe(true);
          expect(t.amount).toBe(t.quantityWh * t.pricePerWh);
          traded.set(t.seller, (traded.get(t.seller) ?? 0n) + t.quantityWh);
          traded.set(t.buyer, (traded.get(t.buyer) ?? 0n) + t.quantityWh);
        }
        bids.forEach((b, i) => {
          expect(result.awardedWh[i]).toBe(traded.get(b.participant) ?? 0n);
          expect(result.awardedWh[i]! <= b.quantityWh).toBe(true);
        });
      }),
      runs,
    );
  });

  it('makes every green trade, between green parties only, before any all-stage trade', () => {
    fc.assert(
      fc.property(periodArbitrary(), ({ bids, wallets }) => {
        const { trades } = clearGreenFirst({ bids, wallets });
        const byName = new Map(bids.map((b) => [b.participant, b]));
        const firstAll = trades.findIndex((t) => t.stage === 'all');
        trades.forEach((t, i) => {
          if (t.stage === 'green') {
            expect(firstAll === -1 || i < firstAll).toBe(true);
            expect(byName.get(t.seller)!.green && byName.get(t.buyer)!.green).toBe(true);
          }
        });
      }),
      runs,
    );
  });

  it('never lets a buyer spend beyond balance − margin, and conserves money', () => {
    fc.assert(
      fc.property(periodArbitrary(), ({ bids, wallets }) => {
        const result = clearGreenFirst({ bids, wallets });
        const total = (ws: ReadonlyMap<string, Wallet>) =>
          [...ws.values()].reduce((s, w) => s + w.balance, 0n);
        const paidToOutsiders = result.trades
          .filter((t) => wallets.has(t.buyer) && !wallets.has(t.seller))
          .reduce((s, t) => s + t.amount, 0n);
        const paidByOutsiders = result.trades
          .filter((t) => !wallets.has(t.buyer) && wallets.has(t.seller))
          .reduce((s, t) => s + t.amount, 0n);
        expect(total(result.wallets)).toBe(total(wallets) - paidToOutsiders + paidByOutsiders);
        for (const [name, before] of wallets) {
          const spent = result.trades.filter((t) => t.buyer === name).reduce((s, t) => s + t.amount, 0n);
          const spendable = before.balance > before.margin ? before.balance - before.margin : 0n;
          expect(spent <= spendable).toBe(true);
        }
      }),
      runs,
    );
  });

  it('leaves no crossing pair unmatched when budgets do not bind', () => {
    fc.assert(
      fc.property(periodArbitrary({ wallets: false }), ({ bids }) => {
        const result = clearGreenFirst({ bids });
        const left = (side: Bid['side']) =>
          bids
            .filter((b, i) => b.side === side && result.awardedWh[i]! < b.quantityWh)
            .map((b) => b.pricePerWh);
        const asks = left('sell');
        const offers = left('buy');
        if (asks.length > 0 && offers.length > 0) {
          const minAsk = asks.reduce((a, b) => (a < b ? a : b));
          const maxBid = offers.reduce((a, b) => (a > b ? a : b));
          expect(minAsk > maxBid).toBe(true);
        }
      }),
      runs,
    );
  });

  it('enters every bid of each stage exactly once', () => {
    fc.assert(
      fc.property(periodArbitrary(), ({ bids, wallets }) => {
        const { entries } = clearGreenFirst({ bids, wallets });
        const green = entries
          .filter((e) => e.stage === 'green')
          .map((e) => e.bid)
          .sort((a, b) => a - b);
        const all = entries
          .filter((e) => e.stage === 'all')
          .map((e) => e.bid)
          .sort((a, b) => a - b);
        expect(green).toEqual(bids.flatMap((b, i) => (b.green ? [i] : [])));
        expect(all).toEqual(bids.map((_, i) => i));
      }),
      runs,
    );
  });
});
