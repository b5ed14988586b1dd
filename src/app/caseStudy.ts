/**
 * The reference case study's participants — a wind producer, a controllable-source producer, an EV
 * charging operator (green-preferring), a regular load and the public grid — with a deterministic
 * bid and meter profile per period (the platform service enrols and runs them: caseStudyBots.ts).
 *
 * Prices are in the token's unit, 10^-3 ETH as in the source paper (0.5–0.8 ×10^-3 ETH/kWh).
 */
import type { Side } from '../core/bid.ts';
import { parseKwh, parseMoney, parsePricePerKwh } from '../core/units.ts';
import type { ParticipantProfile } from '../chain/participants.ts';

export interface CaseStudyRole {
  readonly key: 'wind' | 'controllable' | 'ev' | 'load';
  readonly profile: ParticipantProfile;
  readonly side: Side;
  readonly meterNumber: string;
  readonly initialDeposit: bigint;
}

export const CASE_STUDY_ROLES: readonly CaseStudyRole[] = [
  {
    key: 'wind',
    profile: { name: 'Wind producer', kind: 'producer', greenSupply: true, greenPreference: false },
    side: 'sell',
    meterNumber: '000000000101',
    initialDeposit: parseMoney('5', 'deposit'),
  },
  {
    key: 'controllable',
    profile: { name: 'Controllable source', kind: 'producer', greenSupply: false, greenPreference: false },
    side: 'sell',
    meterNumber: '000000000102',
    initialDeposit: parseMoney('5', 'deposit'),
  },
  {
    key: 'ev',
    profile: { name: 'EV charging', kind: 'consumer', greenSupply: false, greenPreference: true },
    side: 'buy',
    meterNumber: '000000000103',
    initialDeposit: parseMoney('20', 'deposit'),
  },
  {
    key: 'load',
    profile: { name: 'Regular load', kind: 'consumer', greenSupply: false, greenPreference: false },
    side: 'buy',
    meterNumber: '000000000104',
    initialDeposit: parseMoney('20', 'deposit'),
  },
];

/** The grid company's float, from which it pays surpluses and rewards. */
export const GRID_FLOAT = parseMoney('100', 'float');

export interface PeriodPlan {
  readonly quantityWh: bigint;
  readonly pricePerWh: bigint;
  /** What the meter will read, in the bid's direction. */
  readonly actualWh: bigint;
}

/** Four quarter-hour situations the case study cycles through (forecast, price and what happened). */
const SITUATIONS: readonly Record<CaseStudyRole['key'], readonly [string, string, string]>[] = [
  {
    wind: ['0.43', '0.730', '0.41'],
    controllable: ['0.50', '0.700', '0.50'],
    ev: ['0.25', '0.756', '0.26'],
    load: ['0.60', '0.750', '0.66'],
  },
  {
    wind: ['0.52', '0.690', '0.58'],
    controllable: ['0.40', '0.720', '0.39'],
    ev: ['0.35', '0.770', '0.33'],
    load: ['0.55', '0.700', '0.52'],
  },
  {
    wind: ['0.31', '0.650', '0.22'],
    controllable: ['0.60', '0.710', '0.60'],
    ev: ['0.40', '0.800', '0.40'],
    load: ['0.50', '0.680', '0.57'],
  },
  {
    wind: ['0.47', '0.610', '0.47'],
    controllable: ['0.30', '0.740', '0.31'],
    ev: ['0.20', '0.640', '0.18'],
    load: ['0.70', '0.720', '0.75'],
  },
];

export function planFor(period: bigint, role: CaseStudyRole['key']): PeriodPlan {
  const [quantity, price, actual] = SITUATIONS[Number(period % BigInt(SITUATIONS.length))]![role];
  return {
    quantityWh: parseKwh(quantity, 'quantity'),
    pricePerWh: parsePricePerKwh(price, 'price'),
    actualWh: parseKwh(actual, 'actual'),
  };
}
