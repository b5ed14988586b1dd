/**
 * The scenario format (docs/simulation.md): who trades, with which profile, forecast quality and
 * price strategy, under which market parameters, for how many periods. A scenario is plain JSON so
 * that users can bring their own; every field is checked and an error names the file, the field
 * and the reason.
 */
import { readFileSync } from 'node:fs';
import type { WattLedgerConfig } from '../config/config.ts';
import { MarketInputError } from '../core/errors.ts';
import {
  parseBasisPoints,
  parseKwh,
  parseMoney,
  parsePriceBound,
  parsePricePerKwh,
  parseRate,
  PPM,
} from '../core/units.ts';
import { REPUTATION_WEIGHT_RANGE } from '../core/reputation.ts';
import { PRICING_RULES } from '../core/greenFirstAuction.ts';
import { ScenarioError } from './scenarioError.ts';
import { generateFeeder } from './feeder.ts';

export type ParticipantKind = 'producer' | 'consumer' | 'prosumer';

export type ProfileSpec =
  | { readonly type: 'wind'; readonly capacityKw: number }
  | { readonly type: 'pv'; readonly capacityKw: number }
  | { readonly type: 'controllable'; readonly capacityKw: number }
  | { readonly type: 'ev'; readonly chargers: number; readonly powerKw: number }
  | { readonly type: 'load'; readonly peakKw: number }
  | { readonly type: 'storage'; readonly powerKw: number }
  /** Energy per period in Wh, in the participant's direction (a prosumer: + sells, − buys). */
  | { readonly type: 'series'; readonly wh: readonly bigint[] };

/** Prices in base units per Wh. */
export type StrategySpec =
  | { readonly type: 'fixed'; readonly pricePerWh: bigint }
  | { readonly type: 'time-of-use'; readonly dayPricePerWh: bigint; readonly nightPricePerWh: bigint }
  /** The last period's average price plus a (possibly negative) markup. */
  | { readonly type: 'markup'; readonly markupPerWh: bigint }
  /** Zero-intelligence (ZI-C): uniform in [min, max]. */
  | { readonly type: 'random'; readonly minPerWh: bigint; readonly maxPerWh: bigint };

export interface ParticipantSpec {
  readonly name: string;
  readonly kind: ParticipantKind;
  /** A green producer, or a green-preferring consumer. */
  readonly green: boolean;
  readonly profile: ProfileSpec;
  /** Relative standard deviation of the forecast error (0.1 = 10 %). */
  readonly forecastError: number;
  readonly strategy: StrategySpec;
  readonly deposit: bigint;
  /** Probability that the meter's reading arrives in time. */
  readonly meterReliability: number;
}

/** The contract parameters a scenario sets (the rest of the market configuration is fixed). */
export type MarketSpec = Pick<
  WattLedgerConfig['market'],
  | 'marginAmount'
  | 'referencePricePerWh'
  | 'shortfallFactorPpm'
  | 'surplusFactorPpm'
  | 'rewardRatePpm'
  | 'penaltyRatePpm'
  | 'reputationWeightPpm'
  | 'pricing'
  | 'priceFloorPerWh'
  | 'priceCapPerWh'
  | 'sellerShareCapBps'
>;

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly periods: number;
  readonly market: MarketSpec;
  readonly gridFloat: bigint;
  readonly charts: {
    readonly supplyDemandPeriods: readonly number[];
    readonly imbalanceParticipant?: string;
  };
  readonly participants: readonly ParticipantSpec[];
}

export const MAX_PERIODS = 96 * 7;

/** Walks a JSON value, naming the path of any field that is wrong. */
class Reader {
  readonly file: string;
  readonly path: string;
  readonly value: unknown;

  constructor(file: string, path: string, value: unknown) {
    this.file = file;
    this.path = path;
    this.value = value;
  }

  fail(reason: string): never {
    throw new ScenarioError(this.file, this.path, reason);
  }
  at(key: string | number): Reader {
    const path = typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
    const value = typeof key === 'number' ? this.array()[key]?.value : this.object()[key];
    return new Reader(this.file, path, value);
  }
  has(key: string): boolean {
    return this.object()[key] !== undefined;
  }
  object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) {
      this.fail(`must be an object, got ${describe(this.value)}`);
    }
    return this.value as Record<string, unknown>;
  }
  known(keys: readonly string[]): this {
    for (const key of Object.keys(this.object())) {
      if (!keys.includes(key)) this.at(key).fail(`unknown field (known: ${keys.join(', ')})`);
    }
    return this;
  }
  array(): Reader[] {
    if (!Array.isArray(this.value)) this.fail(`must be an array, got ${describe(this.value)}`);
    return (this.value as unknown[]).map(
      (_, i) => new Reader(this.file, `${this.path}[${i}]`, (this.value as unknown[])[i]),
    );
  }
  string(): string {
    if (typeof this.value !== 'string' || this.value.length === 0)
      this.fail(`must be a non-empty string, got ${describe(this.value)}`);
    return this.value as string;
  }
  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail(`must be true or false, got ${describe(this.value)}`);
    return this.value as boolean;
  }
  integer(min: number, max: number): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(`must be a whole number from ${min} to ${max}, got ${describe(v)}`);
    }
    return v as number;
  }
  oneOf<T extends string>(choices: readonly T[]): T {
    const v = this.value;
    if (typeof v !== 'string' || !choices.includes(v as T)) {
      this.fail(`must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${describe(v)}`);
    }
    return v as T;
  }
  /** A decimal string parsed by one of the units parsers, its MarketInputError re-pointed at this field. */
  parsed(parse: (text: unknown, field: string) => bigint): bigint {
    if (typeof this.value !== 'string') this.fail(`must be a decimal string, got ${describe(this.value)}`);
    try {
      return parse(this.value, this.path);
    } catch (error) {
      if (error instanceof MarketInputError) this.fail(error.message.slice(this.path.length + 2));
      throw error;
    }
  }
  /** A decimal string used by a physical model (kW, a probability), within [min, max]. */
  number(min: number, max: number): number {
    if (typeof this.value !== 'string' || !/^-?\d+(\.\d+)?$/.test(this.value)) {
      this.fail(`must be a decimal string, got ${describe(this.value)}`);
    }
    const n = Number(this.value);
    if (n < min || n > max) this.fail(`must be from ${min} to ${max}, got "${this.value as string}"`);
    return n;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

const signedKwh = (text: unknown, field: string): bigint =>
  typeof text === 'string' && text.startsWith('-') ? -parseKwh(text.slice(1), field) : parseKwh(text, field);

function readProfile(r: Reader, kind: ParticipantKind, periods: number): ProfileSpec {
  const type = r.at('type').oneOf(['wind', 'pv', 'controllable', 'ev', 'load', 'storage', 'series'] as const);
  const allowed: Record<ParticipantKind, readonly string[]> = {
    producer: ['wind', 'pv', 'controllable', 'series'],
    consumer: ['ev', 'load', 'series'],
    prosumer: ['storage', 'series'],
  };
  if (!allowed[kind].includes(type)) {
    r.at('type').fail(`a ${kind} cannot have a "${type}" profile (allowed: ${allowed[kind].join(', ')})`);
  }
  switch (type) {
    case 'wind':
    case 'pv':
    case 'controllable':
      r.known(['type', 'capacityKw']);
      return { type, capacityKw: r.at('capacityKw').number(0, 100_000) };
    case 'ev':
      r.known(['type', 'chargers', 'powerKw']);
      return {
        type,
        chargers: r.at('chargers').integer(1, 10_000),
        powerKw: r.at('powerKw').number(0, 1_000),
      };
    case 'load':
      r.known(['type', 'peakKw']);
      return { type, peakKw: r.at('peakKw').number(0, 100_000) };
    case 'storage':
      r.known(['type', 'powerKw']);
      return { type, powerKw: r.at('powerKw').number(0, 100_000) };
    case 'series': {
      r.known(['type', 'kwh']);
      const items = r.at('kwh').array();
      if (items.length !== periods)
        r.at('kwh').fail(`must have one value per period (${periods}), got ${items.length}`);
      const wh = items.map((item) => item.parsed(kind === 'prosumer' ? signedKwh : parseKwh));
      return { type, wh };
    }
  }
}

function readStrategy(r: Reader): StrategySpec {
  const type = r.at('type').oneOf(['fixed', 'time-of-use', 'markup', 'random'] as const);
  const price = (key: string) => r.at(key).parsed(parsePricePerKwh);
  switch (type) {
    case 'fixed':
      r.known(['type', 'price']);
      return { type, pricePerWh: price('price') };
    case 'time-of-use':
      r.known(['type', 'day', 'night']);
      return { type, dayPricePerWh: price('day'), nightPricePerWh: price('night') };
    case 'markup': {
      r.known(['type', 'markup']);
      const markupPerWh = r
        .at('markup')
        .parsed((text, field) =>
          typeof text === 'string' && text.startsWith('-')
            ? -parsePricePerKwh(text.slice(1), field)
            : parsePricePerKwh(text, field),
        );
      return { type, markupPerWh };
    }
    case 'random': {
      r.known(['type', 'min', 'max']);
      const minPerWh = price('min');
      const maxPerWh = price('max');
      if (maxPerWh < minPerWh) r.at('max').fail('must not be below min');
      return { type, minPerWh, maxPerWh };
    }
  }
}

function readParticipant(r: Reader, periods: number): ParticipantSpec {
  r.known(['name', 'kind', 'green', 'profile', 'forecastError', 'strategy', 'deposit', 'meterReliability']);
  const kind = r.at('kind').oneOf(['producer', 'consumer', 'prosumer'] as const);
  return {
    name: r.at('name').string(),
    kind,
    green: r.at('green').boolean(),
    profile: readProfile(r.at('profile'), kind, periods),
    forecastError: r.has('forecastError') ? r.at('forecastError').number(0, 2) : 0,
    strategy: readStrategy(r.at('strategy')),
    deposit: r.at('deposit').parsed(parseMoney),
    meterReliability: r.has('meterReliability') ? r.at('meterReliability').number(0, 1) : 1,
  };
}

const ppm = (r: Reader) => r.parsed(parseRate);

/** Checks a parsed JSON document against the scenario format. */
export function parseScenario(json: unknown, file: string): Scenario {
  const r = new Reader(file, '', json);
  r.known([
    'name',
    'description',
    'seed',
    'periods',
    'market',
    'gridFloat',
    'charts',
    'participants',
    'feeder',
  ]);
  const periods = r.at('periods').integer(1, MAX_PERIODS);
  const m = r
    .at('market')
    .known([
      'margin',
      'referencePrice',
      'shortfallFactor',
      'surplusFactor',
      'rewardRate',
      'penaltyRate',
      'reputationWeight',
      'pricing',
      'priceFloor',
      'priceCap',
      'sellerShareCap',
    ]);
  const market: MarketSpec = {
    marginAmount: m.at('margin').parsed(parseMoney),
    referencePricePerWh: m.at('referencePrice').parsed(parsePricePerKwh),
    shortfallFactorPpm: ppm(m.at('shortfallFactor')),
    surplusFactorPpm: ppm(m.at('surplusFactor')),
    rewardRatePpm: ppm(m.at('rewardRate')),
    penaltyRatePpm: ppm(m.at('penaltyRate')),
    reputationWeightPpm: m.has('reputationWeight') ? ppm(m.at('reputationWeight')) : 0n,
    // The market-power safeguards, as in the platform's configuration; absent means none.
    pricing: m.has('pricing') ? m.at('pricing').oneOf(PRICING_RULES) : 'mid',
    priceFloorPerWh: m.has('priceFloor') ? m.at('priceFloor').parsed(parsePriceBound) : 0n,
    priceCapPerWh: m.has('priceCap') ? m.at('priceCap').parsed(parsePriceBound) : 0n,
    sellerShareCapBps: m.has('sellerShareCap') ? Number(m.at('sellerShareCap').parsed(parseBasisPoints)) : 0,
  };
  if (market.referencePricePerWh === 0n) m.at('referencePrice').fail('must be greater than zero');
  if (market.reputationWeightPpm > PPM) m.at('reputationWeight').fail(REPUTATION_WEIGHT_RANGE);
  if (market.priceCapPerWh !== 0n && market.priceFloorPerWh > market.priceCapPerWh)
    m.at('priceFloor').fail('must not be above priceCap (0 means none)');
  const seed = r.at('seed').integer(0, 2 ** 32 - 1);
  const listed = r.has('participants')
    ? r
        .at('participants')
        .array()
        .map((p) => readParticipant(p, periods))
    : [];
  const feeder = r.has('feeder')
    ? r.at('feeder').known(['participants']).at('participants').integer(1, 1_000_000)
    : 0;
  const participants = [...listed, ...generateFeeder(feeder, seed)];
  if (participants.length === 0) r.at('participants').fail('a scenario needs participants or a feeder');
  const names = new Set<string>();
  participants.forEach((p, i) => {
    if (names.has(p.name))
      r.at('participants').at(i).at('name').fail(`"${p.name}" is used by an earlier participant`);
    names.add(p.name);
  });
  const charts = r.has('charts')
    ? r.at('charts').known(['supplyDemandPeriods', 'imbalanceParticipant'])
    : undefined;
  const supplyDemandPeriods =
    charts?.has('supplyDemandPeriods') === true
      ? charts
          .at('supplyDemandPeriods')
          .array()
          .map((p) => p.integer(1, periods))
      : [Math.max(1, Math.round(periods * 0.35)), Math.max(1, Math.round(periods * 0.8))];
  const imbalanceParticipant =
    charts?.has('imbalanceParticipant') === true ? charts.at('imbalanceParticipant').string() : undefined;
  if (imbalanceParticipant !== undefined && !names.has(imbalanceParticipant)) {
    charts!.at('imbalanceParticipant').fail(`no participant is named "${imbalanceParticipant}"`);
  }
  return {
    file,
    name: r.at('name').string(),
    description: r.has('description') ? r.at('description').string() : '',
    seed,
    periods,
    market,
    gridFloat: r.at('gridFloat').parsed(parseMoney),
    charts: { supplyDemandPeriods, imbalanceParticipant },
    participants,
  };
}

/** The scenario with a generated feeder of `count` participants instead of its own. */
export function withFeeder(scenario: Scenario, count: number): Scenario {
  return {
    ...scenario,
    participants: generateFeeder(count, scenario.seed),
    charts: { supplyDemandPeriods: scenario.charts.supplyDemandPeriods },
  };
}

/** Reads and checks a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(file, '(file)', code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, '(file)', `not valid JSON (${(error as Error).message})`);
  }
  return parseScenario(json, file);
}
