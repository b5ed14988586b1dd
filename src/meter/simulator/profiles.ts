/**
 * Power profiles for simulated meters: watts at a moment, positive when the participant imports
 * (consumes) and negative when it exports (generates). Deterministic functions of time.
 */
export type PowerProfile = (timeMs: number) => number;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hourOfDay = (timeMs: number) => (((timeMs % DAY) + DAY) % DAY) / HOUR;

export const constantPower =
  (watts: number): PowerProfile =>
  () =>
    watts;

/** A household or office load: a base load with morning and evening peaks. */
export const dailyLoad =
  (baseWatts: number, peakWatts: number): PowerProfile =>
  (timeMs) => {
    const h = hourOfDay(timeMs);
    const peak = Math.exp(-((h - 8) ** 2) / 2) * 0.6 + Math.exp(-((h - 19) ** 2) / 3);
    return Math.round(baseWatts + (peakWatts - baseWatts) * Math.min(1, peak));
  };

/** Rooftop PV: exports along a bell from sunrise to sunset, with a small night-time consumption. */
export const solar =
  (peakWatts: number, sunriseHour = 6, sunsetHour = 18): PowerProfile =>
  (timeMs) => {
    const h = hourOfDay(timeMs);
    if (h <= sunriseHour || h >= sunsetHour) return 5;
    return -Math.round(peakWatts * Math.sin((Math.PI * (h - sunriseHour)) / (sunsetHour - sunriseHour)));
  };

/** A wind turbine: exports around a mean, varying smoothly and repeatably with `seed`. */
export const wind =
  (meanWatts: number, seed = 1): PowerProfile =>
  (timeMs) => {
    const t = timeMs / HOUR;
    const variation =
      0.5 * Math.sin(t * 0.7 + seed) +
      0.3 * Math.sin(t * 2.3 + seed * 2) +
      0.2 * Math.sin(t * 5.1 + seed * 3);
    return -Math.max(0, Math.round(meanWatts * (1 + variation)));
  };

/** An EV charger: draws `chargeWatts` between the given hours, nothing otherwise. */
export const evCharging =
  (chargeWatts: number, fromHour = 18, toHour = 23): PowerProfile =>
  (timeMs) => {
    const h = hourOfDay(timeMs);
    return h >= fromHour && h < toHour ? chargeWatts : 0;
  };

/** The sum of profiles: a prosumer with PV and a load behind one meter. */
export const combined =
  (...profiles: PowerProfile[]): PowerProfile =>
  (timeMs) =>
    profiles.reduce((sum, p) => sum + p(timeMs), 0);
