/**
 * The reference case study's participants — a wind producer, a controllable-source producer, an EV
 * charging operator (green-preferring), a regular load and the public grid — enrolled once and kept
 * in the data folder, with a deterministic bid and meter profile per period.
 *
 * Prices are in the token's unit, 10^-3 ETH as in the source paper (0.5–0.8 ×10^-3 ETH/kWh).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hex, LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Side } from '../core/bid.ts';
import { parseKwh, parseMoney, parsePricePerKwh } from '../core/units.ts';
import {
  authoriseParticipant,
  bindMeter,
  deposit,
  registerBySignature,
  type ParticipantProfile,
} from '../chain/participants.ts';
import type { PlatformRuntime } from './platformRuntime.ts';

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

export interface CaseStudyParticipant {
  readonly role: CaseStudyRole;
  readonly id: number;
  readonly account: LocalAccount;
  readonly meter: LocalAccount;
}

interface StoredKeys {
  readonly participants: Record<string, { readonly id: number; readonly key: Hex; readonly meterKey: Hex }>;
}

/**
 * Enrols the case-study participants on first start and finds them again later. Their keys are kept
 * in the data folder as plain development keys of the embedded chain.
 */
export async function ensureCaseStudyParticipants(
  runtime: PlatformRuntime,
  progress: (line: string) => void = () => {},
): Promise<CaseStudyParticipant[]> {
  const path = join(runtime.config.dataDir, 'case-study-keys.json');
  const { platform, accounts } = runtime;
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredKeys;
    return CASE_STUDY_ROLES.map((role) => {
      const entry = stored.participants[role.key];
      if (entry === undefined) throw new Error(`${path} has no participant "${role.key}"`);
      return {
        role,
        id: entry.id,
        account: privateKeyToAccount(entry.key),
        meter: privateKeyToAccount(entry.meterKey),
      };
    });
  }
  const stored: Record<string, { id: number; key: Hex; meterKey: Hex }> = {};
  const participants: CaseStudyParticipant[] = [];
  for (const role of CASE_STUDY_ROLES) {
    const key = generatePrivateKey();
    const meterKey = generatePrivateKey();
    const account = privateKeyToAccount(key);
    const meter = privateKeyToAccount(meterKey);
    const id = await registerBySignature(platform, accounts.relayer, account, role.profile);
    await authoriseParticipant(platform, accounts.operator, id);
    await bindMeter(platform, accounts.operator, id, meter.address, role.meterNumber);
    await deposit(
      platform,
      accounts.settlementAgent,
      account.address,
      role.initialDeposit,
      `opening deposit ${role.key}`,
    );
    progress(
      `enrolled #${id} ${role.profile.name}: registered by signature, authorised, meter ${role.meterNumber} bound, deposit made`,
    );
    stored[role.key] = { id, key, meterKey };
    participants.push({ role, id, account, meter });
  }
  await deposit(
    platform,
    accounts.settlementAgent,
    accounts.publicGrid.address,
    GRID_FLOAT,
    'grid company float',
  );
  progress('public grid float deposited by the settlement agent');
  writeFileSync(path, `${JSON.stringify({ participants: stored }, null, 2)}\n`, { mode: 0o600 });
  return participants;
}

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
