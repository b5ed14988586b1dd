/**
 * A generated distribution feeder: PV, wind, storage, EV and household-load participants with varied
 * sizes, price strategies, green shares and forecast quality, all drawn from the seed.
 */
import { parseMoney, parsePricePerKwh } from '../core/units.ts';
import { seededRandom, type Random } from './random.ts';
import type { ParticipantSpec, StrategySpec } from './scenario.ts';

const price = (text: string) => parsePricePerKwh(text, 'price');
const round1 = (x: number) => Math.round(x * 10) / 10;

function strategy(random: Random, seller: boolean): StrategySpec {
  const pick = random.next();
  if (pick < 0.35) {
    return seller
      ? { type: 'random', minPerWh: price('0.55'), maxPerWh: price('0.72') }
      : { type: 'random', minPerWh: price('0.62'), maxPerWh: price('0.80') };
  }
  if (pick < 0.6) {
    const cents = random.integer(1, 4);
    const markup = price(`0.0${cents}`);
    return { type: 'markup', markupPerWh: seller ? -markup : markup };
  }
  if (pick < 0.85) {
    return seller
      ? { type: 'time-of-use', dayPricePerWh: price('0.70'), nightPricePerWh: price('0.60') }
      : { type: 'time-of-use', dayPricePerWh: price('0.78'), nightPricePerWh: price('0.63') };
  }
  return { type: 'fixed', pricePerWh: seller ? price('0.66') : price('0.72') };
}

/** `count` participants, named by type and number ("pv-0001"). */
export function generateFeeder(count: number, seed: number): ParticipantSpec[] {
  const random = seededRandom(seed, 'feeder');
  const out: ParticipantSpec[] = [];
  for (let i = 0; i < count; i++) {
    const pick = random.next();
    const forecastError = round1(0.3 + random.next() * 2) / 10; // 3 %–23 %
    const meterReliability = random.next() < 0.1 ? 0.97 : 1;
    const name = (type: string) => `${type}-${String(i + 1).padStart(5, '0')}`;
    if (pick < 0.25) {
      out.push({
        name: name('pv'),
        kind: 'producer',
        green: true,
        profile: { type: 'pv', capacityKw: round1(3 + random.next() * 6) },
        forecastError,
        strategy: strategy(random, true),
        deposit: parseMoney('5', 'deposit'),
        meterReliability,
      });
    } else if (pick < 0.33) {
      out.push({
        name: name('wind'),
        kind: 'producer',
        green: true,
        profile: { type: 'wind', capacityKw: round1(5 + random.next() * 15) },
        forecastError: forecastError * 1.5,
        strategy: strategy(random, true),
        deposit: parseMoney('5', 'deposit'),
        meterReliability,
      });
    } else if (pick < 0.43) {
      out.push({
        name: name('storage'),
        kind: 'prosumer',
        green: random.next() < 0.5,
        profile: { type: 'storage', powerKw: round1(2 + random.next() * 3) },
        forecastError: 0.02,
        strategy: strategy(random, true),
        deposit: parseMoney('30', 'deposit'),
        meterReliability,
      });
    } else if (pick < 0.55) {
      out.push({
        name: name('ev'),
        kind: 'consumer',
        green: random.next() < 0.7,
        profile: { type: 'ev', chargers: random.integer(1, 3), powerKw: round1(3.7 + random.next() * 3.3) },
        forecastError,
        strategy: strategy(random, false),
        deposit: parseMoney('60', 'deposit'),
        meterReliability,
      });
    } else {
      out.push({
        name: name('load'),
        kind: 'consumer',
        green: random.next() < 0.3,
        profile: { type: 'load', peakKw: round1(1 + random.next() * 3) },
        forecastError,
        strategy: strategy(random, false),
        deposit: parseMoney('50', 'deposit'),
        meterReliability,
      });
    }
  }
  return out;
}
