/**
 * What each participant really produces or consumes in each period, drawn from its profile with the
 * scenario's seed. Physical models work in floats (kW, wind speed); the result is rounded once to
 * whole Wh, the unit every amount paid is computed in.
 */
import { seededRandom, type Random } from './random.ts';
import type { ParticipantSpec } from './scenario.ts';

const WH_PER_KW_PERIOD = 250; // 1 kW for 15 minutes

/** The hour of day at the middle of period index `t` (0-based, 96 a day). */
export const hourOf = (t: number): number => ((t % 96) + 0.5) / 4;

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/** AR(1) noise with stationary standard deviation `sigma` and lag-one correlation `rho`. */
function ar1(random: Random, sigma: number, rho: number): () => number {
  let x = random.normal() * sigma;
  return () => {
    const value = x;
    x = rho * x + Math.sqrt(1 - rho * rho) * sigma * random.normal();
    return value;
  };
}

function windPowerFraction(speed: number): number {
  if (speed < 3 || speed >= 25) return 0;
  if (speed >= 12) return 1;
  return ((speed - 3) / 9) ** 3;
}

function kwSeries(spec: ParticipantSpec, periods: number, random: Random): number[] {
  const p = spec.profile;
  const out: number[] = [];
  switch (p.type) {
    case 'wind': {
      const gust = ar1(random, 2.2, 0.93);
      for (let t = 0; t < periods; t++) {
        const h = hourOf(t);
        const speed = 8 + 1.8 * Math.cos(((h - 3) / 24) * 2 * Math.PI) + gust();
        out.push(p.capacityKw * windPowerFraction(Math.max(0, speed)));
      }
      return out;
    }
    case 'pv': {
      const cloud = ar1(random, 0.18, 0.9);
      for (let t = 0; t < periods; t++) {
        const sun = Math.sin((Math.PI * (hourOf(t) - 6)) / 12.5);
        out.push(sun <= 0 ? 0 : p.capacityKw * sun ** 1.3 * clamp(0.85 + cloud(), 0.15, 1));
      }
      return out;
    }
    case 'controllable': {
      const wobble = ar1(random, 0.03, 0.5);
      for (let t = 0; t < periods; t++) {
        const h = hourOf(t);
        out.push(p.capacityKw * (h >= 7 && h < 23 ? 0.85 : 0.55) * (1 + wobble()));
      }
      return out;
    }
    case 'ev':
      for (let t = 0; t < periods; t++) {
        const h = hourOf(t);
        const occupancy = 0.08 + 0.45 * Math.exp(-((h - 9) ** 2) / 3) + 0.75 * Math.exp(-((h - 20) ** 2) / 4);
        let active = 0;
        for (let c = 0; c < p.chargers; c++) if (random.next() < clamp(occupancy, 0, 1)) active += 1;
        out.push(active * p.powerKw * (0.8 + 0.2 * random.next()));
      }
      return out;
    case 'load': {
      const wobble = ar1(random, 0.06, 0.7);
      for (let t = 0; t < periods; t++) {
        const h = hourOf(t);
        const shape = 0.35 + 0.3 * Math.exp(-((h - 8) ** 2) / 2) + 0.65 * Math.exp(-((h - 19) ** 2) / 3);
        out.push(p.peakKw * Math.min(1, shape) * (1 + wobble()));
      }
      return out;
    }
    case 'storage':
      // Charges (buys) in the midday solar surplus, discharges (sells) in the evening peak.
      for (let t = 0; t < periods; t++) {
        const h = hourOf(t);
        const level = 0.85 + 0.15 * random.next();
        out.push(h >= 10 && h < 15 ? -p.powerKw * level : h >= 17 && h < 21 ? p.powerKw * level : 0);
      }
      return out;
    case 'series':
      return p.wh.map((wh) => Number(wh) / WH_PER_KW_PERIOD);
  }
}

export interface EnergyPlan {
  /** What the meter will read, Wh in the participant's direction (a prosumer: + sells, − buys). */
  readonly actualWh: readonly bigint[];
  /** The participant's forecast of it, which it bids. */
  readonly forecastWh: readonly bigint[];
}

/**
 * The actual energy of every period and the participant's forecast of it: the actual times
 * (1 + ε), ε an AR(1) error with the participant's relative standard deviation (errors persist
 * from one quarter hour to the next, as weather-driven forecast errors do).
 */
export function energyPlan(spec: ParticipantSpec, periods: number, seed: number, index: number): EnergyPlan {
  const kw = kwSeries(spec, periods, seededRandom(seed, `profile ${index}`));
  const error = ar1(seededRandom(seed, `forecast ${index}`), spec.forecastError, 0.8);
  const actualWh: bigint[] = [];
  const forecastWh: bigint[] = [];
  for (const value of kw) {
    const actual =
      spec.profile.type === 'series' ? value * WH_PER_KW_PERIOD : Math.round(value * WH_PER_KW_PERIOD);
    const sign = actual < 0 ? -1 : 1;
    actualWh.push(BigInt(Math.round(actual)));
    forecastWh.push(BigInt(sign * Math.max(0, Math.round(Math.abs(actual) * (1 + error())))));
  }
  return { actualWh, forecastWh };
}
