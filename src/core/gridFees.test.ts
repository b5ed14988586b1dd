import { describe, expect, it } from 'vitest';
import { clearGreenFirst } from './greenFirstAuction.ts';
import {
  buyerChargeCapPerWh,
  chargesByParticipant,
  checkConnection,
  checkVoltageLevel,
  feesActive,
  maxWheelingPerWh,
  NO_GRID_TARIFF,
  tradeCharges,
  wheelingFeePerWh,
  type GridTariff,
  type VoltageLevel,
} from './gridFees.ts';
import { parsePricePerKwh } from './units.ts';

const perKwh = (text: string) => parsePricePerKwh(text, 'rate');
const level = (id: number, volts: number, transmission: string, sameLevel: string): VoltageLevel => ({
  level: id,
  nominalVolts: volts,
  transmissionPerWh: perKwh(transmission),
  sameLevelFeePerWh: perKwh(sameLevel),
});

/** A provincial tariff's shape: T&D price falls as voltage rises. */
const TARIFF: GridTariff = {
  levels: new Map(
    [level(1, 400, '0.20', '0.015'), level(2, 10_000, '0.17', '0.015'), level(3, 35_000, '0.12', '0.01')].map(
      (l) => [l.level, l],
    ),
  ),
  levyPerWh: perKwh('0.03'),
};

describe('the wheeling fee (hand examples, CNY per kWh)', () => {
  it('charges the same-level fee between two parties at one level', () => {
    expect(wheelingFeePerWh(TARIFF, 2, 2)).toBe(perKwh('0.015'));
    expect(wheelingFeePerWh(TARIFF, 3, 3)).toBe(perKwh('0.01'));
  });

  it('charges the buyer level’s T&D price less the highest level’s when the seller is higher', () => {
    expect(wheelingFeePerWh(TARIFF, 3, 1)).toBe(perKwh('0.08')); // 0.20 − 0.12
    expect(wheelingFeePerWh(TARIFF, 2, 1)).toBe(perKwh('0.03')); // 0.20 − 0.17
    expect(wheelingFeePerWh(TARIFF, 3, 2)).toBe(perKwh('0.05')); // 0.17 − 0.12
  });

  it('never charges less than the same-level fee of the highest level the trade involves', () => {
    // Seller below the buyer: the difference is 0, the 35 kV network is still used.
    expect(wheelingFeePerWh(TARIFF, 1, 3)).toBe(perKwh('0.01'));
    const close: GridTariff = {
      ...TARIFF,
      levels: new Map([...TARIFF.levels, [2, level(2, 10_000, '0.195', '0.015')]]),
    };
    expect(wheelingFeePerWh(close, 2, 1)).toBe(perKwh('0.015')); // 0.005 difference < 0.015
    // A higher level priced dearer counts as no difference.
    const odd: GridTariff = {
      ...TARIFF,
      levels: new Map([...TARIFF.levels, [3, level(3, 35_000, '0.30', '0')]]),
    };
    expect(wheelingFeePerWh(odd, 3, 1)).toBe(0n);
  });

  it('takes an unconnected party at the other’s level, and charges no wheeling fee when neither is connected', () => {
    expect(tradeCharges(TARIFF, 0, 2)).toEqual({ wheelingPerWh: perKwh('0.015'), levyPerWh: perKwh('0.03') });
    expect(tradeCharges(TARIFF, 3, 0)).toEqual({ wheelingPerWh: perKwh('0.01'), levyPerWh: perKwh('0.03') });
    expect(tradeCharges(TARIFF, 0, 0)).toEqual({ wheelingPerWh: 0n, levyPerWh: perKwh('0.03') });
  });

  it('caps what a buy bid may owe per Wh at the dearest seller level plus the levy', () => {
    expect(maxWheelingPerWh(TARIFF, 1)).toBe(perKwh('0.08'));
    expect(maxWheelingPerWh(TARIFF, 3)).toBe(perKwh('0.01'));
    expect(buyerChargeCapPerWh(TARIFF, 1)).toBe(perKwh('0.11'));
    expect(() => buyerChargeCapPerWh(TARIFF, 0)).toThrow(/no voltage level/);
    // A levy alone needs no connection.
    expect(buyerChargeCapPerWh({ ...NO_GRID_TARIFF, levyPerWh: 7n }, 0)).toBe(7n);
    expect(buyerChargeCapPerWh(NO_GRID_TARIFF, 0)).toBe(0n);
    expect(feesActive(NO_GRID_TARIFF)).toBe(false);
    expect(chargesByParticipant(NO_GRID_TARIFF, () => 1)).toBeUndefined();
  });

  it('refuses bad levels and connections naming the field', () => {
    expect(() => checkVoltageLevel(TARIFF, level(9, 1, '0', '0'))).toThrow(/^level:/);
    expect(() => checkVoltageLevel(TARIFF, level(4, 0, '0', '0'))).toThrow(/^nominalVolts:/);
    expect(() => checkVoltageLevel(TARIFF, level(4, 20_000, '0', '0'))).toThrow(/^nominalVolts: .*level 3/);
    expect(() => checkVoltageLevel(TARIFF, level(4, 110_000, '1000.001', '0'))).toThrow(
      /^transmissionPerWh:/,
    );
    expect(() =>
      checkVoltageLevel(TARIFF, { ...level(4, 110_000, '0', '0'), sameLevelFeePerWh: -1n }),
    ).toThrow(/^sameLevelFeePerWh:/);
    expect(() => checkVoltageLevel(TARIFF, level(2, 12_000, '0.17', '0.02'))).not.toThrow();
    expect(() => checkConnection(TARIFF, { level: 5, feeder: 1 })).toThrow(
      /^level: voltage level 5 is not set/,
    );
    expect(() => checkConnection(TARIFF, { level: 1, feeder: -1 })).toThrow(/^feeder:/);
    expect(() => checkConnection(TARIFF, { level: 1, feeder: 12 })).not.toThrow();
  });
});

describe('clearing with charges', () => {
  const bid = (participant: string, side: 'sell' | 'buy', kwh: bigint, price: string, rank: bigint) => ({
    participant,
    side,
    green: false,
    quantityWh: kwh * 1000n,
    pricePerWh: perKwh(price),
    rank,
  });
  const levels = new Map([
    ['s', 3],
    ['b', 1],
  ]);
  const charges = chargesByParticipant(TARIFF, (p) => levels.get(p) ?? 0)!;

  it('has the buyer pay price, wheeling fee and levy, and cuts it to what it can pay with them', () => {
    // Mid price 0.60; charges 0.08 + 0.03: 0.71 per kWh. A budget of 7.1 buys exactly 10 kWh.
    const wallets = new Map([['b', { balance: perKwh('7.1') * 1000n + 5n, margin: 5n }]]);
    const bids = [bid('s', 'sell', 20n, '0.50', 1n), bid('b', 'buy', 20n, '0.70', 2n)];
    const result = clearGreenFirst({ bids, wallets, charges });
    expect(result.trades).toEqual([
      {
        seller: 's',
        buyer: 'b',
        quantityWh: 10_000n,
        pricePerWh: perKwh('0.60'),
        amount: perKwh('6') * 1000n,
        stage: 'all',
        wheelingFee: perKwh('0.8') * 1000n,
        levy: perKwh('0.3') * 1000n,
      },
    ]);
    expect(result.voided).toEqual([false, true]);
    expect(result.wallets.get('b')!.balance).toBe(5n);
    // Without charges the same budget buys more.
    expect(clearGreenFirst({ bids, wallets }).trades[0]!.quantityWh).toBe(11_833n);
  });

  it('counts the charges of a buyer’s earlier awards in a uniform stage', () => {
    // Two sellers at different levels; the buyer's budget is checked at its bid 0.70 + charges.
    const two = new Map([...levels, ['s2', 1]]);
    const byLevel = chargesByParticipant(TARIFF, (p) => two.get(p) ?? 0)!;
    const bids = [
      bid('s', 'sell', 5n, '0.40', 1n),
      bid('s2', 'sell', 50n, '0.45', 2n),
      bid('b', 'buy', 50n, '0.70', 3n),
    ];
    // 5 kWh from s cost (0.70 + 0.11) × 5 = 4.05; the rest at 0.70 + 0.015 + 0.03 = 0.745 per kWh.
    const budget = perKwh('4.05') * 1000n + perKwh('0.745') * 1000n * 10n;
    const wallets = new Map([['b', { balance: budget, margin: 0n }]]);
    const result = clearGreenFirst({ bids, wallets, charges: byLevel, rules: { pricing: 'uniform' } });
    expect(result.trades.map((t) => [t.seller, t.quantityWh, t.wheelingFee, t.levy])).toEqual([
      ['s', 5_000n, 5_000n * perKwh('0.08'), 5_000n * perKwh('0.03')],
      ['s2', 10_000n, 10_000n * perKwh('0.015'), 10_000n * perKwh('0.03')],
    ]);
  });
});
