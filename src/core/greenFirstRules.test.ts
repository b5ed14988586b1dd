import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bid, Wallet } from './bid.ts';
import { clearGreenFirst, sellerShareCapWh, type ClearingRules } from './greenFirstAuction.ts';
import { periodArbitrary } from './testing/bidArbitraries.ts';
import { clearUniformPrice } from './uniformPriceAuction.ts';
import { parsePricePerKwh } from './units.ts';

const p = (text: string) => parsePricePerKwh(text, 'price');
const UNIFORM: ClearingRules = { pricing: 'uniform' };
const bid = (
  participant: string,
  side: Bid['side'],
  quantityWh: bigint,
  pricePerWh: bigint,
  rank: bigint,
  green = false,
): Bid => ({ participant, side, green, quantityWh, pricePerWh, rank });

const caseStudy: Bid[] = [
  bid('wind', 'sell', 430n, p('0.730'), 0n, true),
  bid('controllable', 'sell', 500n, p('0.700'), 1n),
  bid('ev', 'buy', 250n, p('0.756'), 2n, true),
  bid('load', 'buy', 600n, p('0.750'), 3n),
];

describe('clearGreenFirst with uniform pricing: hand-computed examples', () => {
  it('prices each stage once, at the middle of its equilibrium interval', () => {
    // Green: wind–ev 250; the green buyers are used up, wind keeps 180 @0.730:
    //   L = 0.730 (last ask), U = min(0.756 last bid, 0.730 first unmatched ask) → P = 0.730.
    // All: controllable–load 500, wind–load 100; the buyers are used up, wind keeps 80 @0.730:
    //   L = 0.730, U = min(0.750, 0.730) → P = 0.730.
    const result = clearGreenFirst({ bids: caseStudy, rules: UNIFORM });
    expect(result.trades.map((t) => [t.seller, t.buyer, t.quantityWh, t.pricePerWh, t.stage])).toEqual([
      ['wind', 'ev', 250n, p('0.730'), 'green'],
      ['controllable', 'load', 500n, p('0.730'), 'all'],
      ['wind', 'load', 100n, p('0.730'), 'all'],
    ]);
    expect(result.awardedWh).toEqual([350n, 500n, 250n, 600n]);
    expect(result.stagePrices).toEqual([
      {
        stage: 'green',
        pricePerWh: p('0.73'),
        lowerPerWh: p('0.73'),
        upperPerWh: p('0.73'),
        entriesThrough: 2,
      },
      {
        stage: 'all',
        pricePerWh: p('0.73'),
        lowerPerWh: p('0.73'),
        upperPerWh: p('0.73'),
        entriesThrough: 4,
      },
    ]);
  });

  it('reads the first unmatched bid from the next buyer when the current one is used up', () => {
    // s–x 100 uses up both; the sellers ran out, so y (entered next) is the first unmatched buyer:
    // L = max(10, 30) = 30, U = 50 → P = 40, fixed only once y is entered (three entries).
    const bids = [
      bid('s', 'sell', 100n, 10n, 0n),
      bid('x', 'buy', 100n, 50n, 1n),
      bid('y', 'buy', 50n, 30n, 2n),
    ];
    const result = clearGreenFirst({ bids, rules: UNIFORM });
    expect(result.trades.map((t) => [t.seller, t.buyer, t.quantityWh, t.pricePerWh])).toEqual([
      ['s', 'x', 100n, 40n],
    ]);
    expect(result.stagePrices).toEqual([
      { stage: 'all', pricePerWh: 40n, lowerPerWh: 30n, upperPerWh: 50n, entriesThrough: 3 },
    ]);
    expect(clearUniformPrice({ bids }).clearingPricePerWh).toBe(40n);
  });

  it('checks a buyer’s budget at its own bid, then pays the lower uniform price', () => {
    // x can pay 2,000 / 50 = 40 Wh at its bid: 30 from s, then 10 from t (cut, the rest void).
    // t keeps 90 @20 unmatched, so P = min(50, 20) = 20 and x pays 40 × 20 = 800.
    const bids = [
      bid('s', 'sell', 30n, 10n, 0n),
      bid('t', 'sell', 100n, 20n, 1n),
      bid('x', 'buy', 100n, 50n, 2n),
    ];
    const wallets = new Map<string, Wallet>([['x', { balance: 2_500n, margin: 500n }]]);
    const result = clearGreenFirst({ bids, wallets, rules: UNIFORM });
    expect(result.trades.map((t) => [t.seller, t.quantityWh, t.pricePerWh])).toEqual([
      ['s', 30n, 20n],
      ['t', 10n, 20n],
    ]);
    expect(result.voided).toEqual([false, false, true]);
    expect(result.wallets.get('x')!.balance).toBe(2_500n - 800n);
  });
});

describe('seller share cap: hand-computed examples', () => {
  it('cuts a seller at its share of the revealed demand and voids the rest of its bid', () => {
    // Demand 150 Wh, cap 50 % → 75 Wh. s would sell 100 to x: cut to 75, s leaves; t sells x the
    // other 75 (exactly its cap, not a cut).
    const bids = [
      bid('s', 'sell', 100n, 10n, 0n),
      bid('t', 'sell', 100n, 20n, 1n),
      bid('x', 'buy', 150n, 50n, 2n),
    ];
    const sellerCapWh = sellerShareCapWh(bids, 5_000);
    expect(sellerCapWh).toBe(75n);
    const result = clearGreenFirst({ bids, rules: { pricing: 'mid', sellerCapWh } });
    expect(result.trades.map((t) => [t.seller, t.quantityWh, t.pricePerWh])).toEqual([
      ['s', 75n, 30n],
      ['t', 75n, 35n],
    ]);
    expect(result.voided).toEqual([true, false, false]);
  });

  it('has no cap at 0 basis points, and rounds the cap down', () => {
    const bids = [bid('s', 'sell', 10n, 1n, 0n), bid('x', 'buy', 7n, 1n, 1n), bid('y', 'buy', 2n, 1n, 2n)];
    expect(sellerShareCapWh(bids, 0)).toBeUndefined();
    expect(sellerShareCapWh(bids, 3_333)).toBe(2n); // 9 × 0.3333 = 2.9997
  });
});

describe('clearGreenFirst rules: properties', () => {
  const runs = { seed: 2026, numRuns: 300 };

  it('a market with no green bids and no budgets clears as clearUniformPrice', () => {
    fc.assert(
      fc.property(periodArbitrary({ wallets: false }), ({ bids }) => {
        const plain = bids.map((b) => ({ ...b, green: false }));
        const walked = clearGreenFirst({ bids: plain, rules: UNIFORM });
        const reference = clearUniformPrice({ bids: plain });
        expect(walked.awardedWh).toEqual(reference.awardedWh);
        expect(walked.trades.map((t) => [t.seller, t.buyer, t.quantityWh, t.pricePerWh])).toEqual(
          reference.trades.map((t) => [t.seller, t.buyer, t.quantityWh, t.pricePerWh]),
        );
      }),
      runs,
    );
  });

  it('pays every trade of a stage one price between its bounds, within each bid and budget', () => {
    fc.assert(
      fc.property(periodArbitrary(), fc.integer({ min: 0, max: 10_000 }), ({ bids, wallets }, bps) => {
        const sellerCapWh = sellerShareCapWh(bids, bps);
        const rules: ClearingRules = {
          pricing: 'uniform',
          ...(sellerCapWh === undefined ? {} : { sellerCapWh }),
        };
        const result = clearGreenFirst({ bids, wallets, rules });
        const byName = new Map(bids.map((b) => [b.participant, b]));
        for (const t of result.trades) {
          const price = result.stagePrices.find((s) => s.stage === t.stage)!;
          expect(t.pricePerWh).toBe(price.pricePerWh);
          expect(price.lowerPerWh <= price.pricePerWh && price.pricePerWh <= price.upperPerWh).toBe(true);
          expect(byName.get(t.seller)!.pricePerWh <= t.pricePerWh).toBe(true);
          expect(t.pricePerWh <= byName.get(t.buyer)!.pricePerWh).toBe(true);
        }
        for (const [name, before] of wallets) {
          const spent = result.trades.filter((t) => t.buyer === name).reduce((s, t) => s + t.amount, 0n);
          const spendable = before.balance > before.margin ? before.balance - before.margin : 0n;
          expect(spent <= spendable).toBe(true);
        }
        bids.forEach((b, i) => {
          if (b.side === 'sell' && sellerCapWh !== undefined)
            expect(result.awardedWh[i]! <= sellerCapWh).toBe(true);
        });
      }),
      runs,
    );
  });

  it('walks the same merit order under both rules when budgets and caps do not bind', () => {
    fc.assert(
      fc.property(periodArbitrary({ wallets: false }), ({ bids }) => {
        const mid = clearGreenFirst({ bids });
        const uniform = clearGreenFirst({ bids, rules: UNIFORM });
        expect(uniform.entries).toEqual(mid.entries);
        expect(uniform.awardedWh).toEqual(mid.awardedWh);
      }),
      runs,
    );
  });
});
