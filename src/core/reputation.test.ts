import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accuracyPpm, agedScore, marginFor, NEWCOMER, scoreSettlement, START_PPM } from './reputation.ts';
import { compareBuyers, compareSellers, validateBids, type Bid } from './bid.ts';
import { clearGreenFirst } from './greenFirstAuction.ts';
import { MarketInputError } from './errors.ts';
import { PPM } from './units.ts';

const position = (declaredWh: bigint, awardedWh: bigint, actualWh: bigint | null) => ({
  declaredWh,
  awardedWh,
  actualWh,
});

describe('accuracy of a settled participant-period', () => {
  it('is whole when the actual energy lies between the award and the declared quantity', () => {
    expect(accuracyPpm(position(10_000n, 4_000n, 4_000n))).toBe(PPM);
    expect(accuracyPpm(position(10_000n, 4_000n, 7_000n))).toBe(PPM);
    expect(accuracyPpm(position(10_000n, 4_000n, 10_000n))).toBe(PPM);
    // Not matched and nothing flowed: it broke no promise.
    expect(accuracyPpm(position(10_000n, 0n, 0n))).toBe(PPM);
  });

  it('loses the share of the declared quantity that fell outside, rounded against the participant', () => {
    // Awarded 8 kWh, delivered 6: 2 of 10 declared short → 0.8.
    expect(accuracyPpm(position(10_000n, 8_000n, 6_000n))).toBe(800_000n);
    // Declared 10, delivered 12.5: 2.5 over → 0.75.
    expect(accuracyPpm(position(10_000n, 10_000n, 12_500n))).toBe(750_000n);
    // 1 Wh short of 3 declared: 1/3 = 333,333.3… ppm lost, rounded up to 333,334.
    expect(accuracyPpm(position(3n, 3n, 2n))).toBe(666_666n);
  });

  it('is 0 for a missing reading or a deviation as large as the declared quantity', () => {
    expect(accuracyPpm(position(10_000n, 10_000n, null))).toBe(0n);
    expect(accuracyPpm(position(10_000n, 10_000n, 0n))).toBe(0n);
    expect(accuracyPpm(position(10_000n, 10_000n, 20_000n))).toBe(0n);
    expect(accuracyPpm(position(10_000n, 10_000n, 90_000n))).toBe(0n);
  });
});

describe('ageing', () => {
  it('moves the score toward the period’s accuracy by the weight (worked examples of decisions.md)', () => {
    // A newcomer (0.9) with weight 0.05 delivers perfectly: 0.9 × 0.95 + 1 × 0.05 = 0.905.
    expect(agedScore(START_PPM, PPM, 50_000n)).toBe(905_000n);
    // Then misses a reading: 0.905 × 0.95 = 0.85975.
    expect(agedScore(905_000n, 0n, 50_000n)).toBe(859_750n);
    // Rounded down: 0.333333 × 0.95 + 0.8 × 0.05 = 0.35666635 → 356,666 ppm.
    expect(agedScore(333_333n, 800_000n, 50_000n)).toBe(356_666n);
    // Weight 1: only the last period counts; weight 0: nothing moves.
    expect(agedScore(123_456n, 800_000n, PPM)).toBe(800_000n);
    expect(agedScore(123_456n, 800_000n, 0n)).toBe(123_456n);
  });

  it('forgets old behaviour: after a run of perfect periods a missed reading fades', () => {
    let record = scoreSettlement(NEWCOMER, 1n, position(100n, 100n, null), 100_000n);
    expect(record).toEqual({ scorePpm: 810_000n, scoredPeriods: 1, missedReadings: 1, lastPeriod: 1n });
    for (let period = 2n; period <= 60n; period++)
      record = scoreSettlement(record, period, position(100n, 100n, 100n), 100_000n);
    // 0.81 → 1 − 0.19 × 0.9^59 = 0.9996214…; the floors of 59 updates cost 6 ppm here.
    expect(record.scorePpm).toBe(999_615n);
    expect([record.scoredPeriods, record.missedReadings, record.lastPeriod]).toEqual([60, 1, 60n]);
  });

  it('leaves the record alone while reputation is off', () => {
    expect(scoreSettlement(NEWCOMER, 5n, position(100n, 100n, null), 0n)).toBe(NEWCOMER);
  });

  it('stays within 0 … 1 and between the old score and the accuracy (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: PPM }),
        fc.bigInt({ min: 1n, max: (1n << 48n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }),
        fc.option(fc.bigInt({ min: 0n, max: (1n << 48n) - 1n })),
        fc.bigInt({ min: 0n, max: PPM }),
        (score, declaredWh, awardedRaw, actualWh, weight) => {
          const awardedWh = awardedRaw > declaredWh ? declaredWh : awardedRaw;
          const accuracy = accuracyPpm(position(declaredWh, awardedWh, actualWh));
          expect(accuracy >= 0n && accuracy <= PPM).toBe(true);
          const next = agedScore(score, accuracy, weight);
          const low = score < accuracy ? score : accuracy;
          const high = score < accuracy ? accuracy : score;
          expect(next >= low && next <= high).toBe(true);
        },
      ),
    );
  });

  it('weighs a period k settlements back (1 − w)^k of the newest (property, up to rounding)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: PPM }), { minLength: 1, maxLength: 30 }),
        fc.bigInt({ min: 1n, max: PPM }),
        (accuracies, weight) => {
          let score = START_PPM;
          for (const a of accuracies) score = agedScore(score, a, weight);
          // The exact value in rationals: START·(1−w)^n + Σ a_i·w·(1−w)^(n−1−i), scaled by PPM^n.
          const n = accuracies.length;
          const keep = PPM - weight;
          let exact = START_PPM * keep ** BigInt(n);
          accuracies.forEach((a, i) => (exact += a * weight * keep ** BigInt(n - 1 - i) * PPM ** BigInt(i)));
          const scale = PPM ** BigInt(n);
          // Each floor loses less than 1 ppm and later ageing only shrinks that loss.
          expect(exact / scale - score >= 0n).toBe(true);
          expect(exact / scale - score <= BigInt(n)).toBe(true);
        },
      ),
    );
  });
});

describe('margin', () => {
  it('is the base at a perfect score, twice it at 0, rounded up between', () => {
    expect(marginFor(100n, PPM)).toBe(100n);
    expect(marginFor(100n, 0n)).toBe(200n);
    expect(marginFor(100n, START_PPM)).toBe(110n);
    expect(marginFor(10n ** 17n, 859_750n)).toBe(114_025_000_000_000_000n);
    expect(marginFor(3n, 999_999n)).toBe(4n);
    expect(marginFor(100n, undefined)).toBe(100n);
  });

  it('never falls below the base nor exceeds twice it (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.bigInt({ min: 0n, max: PPM }),
        (base, s) => {
          const m = marginFor(base, s);
          expect(m >= base && m <= 2n * base).toBe(true);
        },
      ),
    );
  });
});

describe('priority at equal price', () => {
  const bid = (
    participant: string,
    side: Bid['side'],
    price: bigint,
    rank: bigint,
    reputationPpm?: bigint,
  ): Bid => ({
    participant,
    side,
    green: false,
    quantityWh: 10n,
    pricePerWh: price,
    rank,
    ...(reputationPpm === undefined ? {} : { reputationPpm }),
  });

  it('puts the higher reputation first, then a bid carrying none, then the rank', () => {
    const a = bid('a', 'sell', 5n, 1n, 700_000n);
    const b = bid('b', 'sell', 5n, 2n, 950_000n);
    const c = bid('c', 'sell', 5n, 0n);
    const d = bid('d', 'sell', 4n, 9n, 0n);
    expect([a, b, c, d].sort(compareSellers).map((x) => x.participant)).toEqual(['d', 'b', 'a', 'c']);
    const e = bid('e', 'buy', 5n, 3n, 950_000n);
    const f = bid('f', 'buy', 5n, 1n, 950_000n);
    const g = bid('g', 'buy', 6n, 8n, 0n);
    expect([e, f, g].sort(compareBuyers).map((x) => x.participant)).toEqual(['g', 'f', 'e']);
  });

  it('decides who trades when supply is short', () => {
    const result = clearGreenFirst({
      bids: [
        bid('reliable', 'sell', 5n, 2n, 990_000n),
        bid('newcomer', 'sell', 5n, 1n, START_PPM),
        { ...bid('buyer', 'buy', 6n, 3n), quantityWh: 10n },
      ],
    });
    expect(result.trades.map((t) => t.seller)).toEqual(['reliable']);
  });

  it('refuses a reputation outside 0 … 1, naming the bid’s field', () => {
    expect(() => validateBids([bid('a', 'sell', 5n, 1n, PPM + 1n)])).toThrow(MarketInputError);
    expect(() => validateBids([bid('a', 'sell', 5n, 1n, -1n)])).toThrow('bids[0].reputation');
  });
});
