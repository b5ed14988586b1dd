/**
 * The one configuration object of WattLedger, built and validated at start-up from defaults, an
 * optional JSON file and command-line flags, then passed down. Nothing deeper reads the environment.
 */
import { resolve } from 'node:path';
import { WattLedgerError } from '../core/errors.ts';
import { PRICING_RULES, type PricingRule } from '../core/greenFirstAuction.ts';
import { MARKET_MECHANISMS, type MarketMechanism } from '../core/mechanism.ts';
import { REFERENCE_PARAMETERS } from '../core/settlement.ts';
import {
  formatBasisPoints,
  formatMoney,
  formatPricePerKwh,
  formatRate,
  parseBasisPoints,
  parseMoney,
  parsePriceBound,
  parsePricePerKwh,
  parseRate,
} from '../core/units.ts';

export class ConfigError extends WattLedgerError {
  override readonly name = 'ConfigError';
  constructor(source: string, field: string, reason: string) {
    super('CONFIG_INVALID', `${source}: ${field}: ${reason}`, { field });
  }
}

export interface EmbeddedChainConfig {
  readonly mode: 'embedded';
  /** 0 picks a free port. */
  readonly port: number;
  readonly stateIntervalSeconds: number;
}

export interface RpcChainConfig {
  readonly mode: 'rpc';
  readonly url: string;
  readonly pollingIntervalMs: number;
}

export interface WattLedgerConfig {
  readonly dataDir: string;
  readonly chain: EmbeddedChainConfig | RpcChainConfig;
  readonly market: {
    readonly periodSeconds: number;
    readonly commitSeconds: number;
    readonly revealSeconds: number;
    readonly readingSeconds: number;
    readonly marginAmount: bigint;
    readonly referencePricePerWh: bigint;
    readonly shortfallFactorPpm: bigint;
    readonly surplusFactorPpm: bigint;
    readonly rewardRatePpm: bigint;
    readonly penaltyRatePpm: bigint;
    /** The market rules the market is deployed with; the operator changes them later on chain. */
    readonly pricing: PricingRule;
    readonly priceFloorPerWh: bigint;
    readonly priceCapPerWh: bigint;
    readonly sellerShareCapBps: number;
    /** Weight of each settled period in a participant's reputation, ppm; 0: reputation off. */
    readonly reputationWeightPpm: bigint;
    /**
     * How the market trades: "periodic", the sealed-bid green-first auction cleared once per period
     * (the default), or "continuous", an order book per period that matches as orders arrive.
     */
    readonly mechanism: MarketMechanism;
    /** The continuous market's book of period d closes this long before d's delivery starts. */
    readonly gateClosureSeconds: number;
  };
  readonly token: { readonly name: string; readonly symbol: string };
  /** Clearing transactions carry at most this many bids (each stays under the 16.7 M gas cap). */
  readonly maxClearingEntriesPerTransaction: number;
  /** The API and web UI. */
  readonly server: { readonly host: string; readonly port: number };
  /**
   * How fast the chain's clock runs against the wall clock. The embedded chain can run faster (a
   * 15-minute period in 90 s at 10); a consortium network follows the wall clock (1).
   */
  readonly clock: { readonly speed: number };
  /** The reference case study's participants bid every period, their simulated meters report. */
  readonly caseStudy: { readonly enabled: boolean };
  /** Where the platform's own keys come from on a consortium network (see docs/configuration.md). */
  readonly keys: { readonly passwordFile: string | undefined };
}

/** The file format: every amount a decimal string, as in the interchange format. */
export const DEFAULT_CONFIG_FILE = {
  dataDir: 'data',
  chain: { mode: 'embedded', port: 0, stateIntervalSeconds: 5 },
  market: {
    periodSeconds: 900,
    commitSeconds: 180,
    revealSeconds: 120,
    readingSeconds: 600,
    margin: '0.1',
    referencePrice: '0.5',
    shortfallFactor: formatRate(REFERENCE_PARAMETERS.shortfallFactorPpm),
    surplusFactor: formatRate(REFERENCE_PARAMETERS.surplusFactorPpm),
    rewardRate: formatRate(REFERENCE_PARAMETERS.rewardRatePpm),
    penaltyRate: formatRate(REFERENCE_PARAMETERS.penaltyRatePpm),
    pricing: 'mid',
    priceFloor: '0',
    priceCap: '0',
    sellerShareCap: '0',
    reputationWeight: '0',
    mechanism: 'periodic',
    gateClosureSeconds: 300,
  },
  token: { name: 'WattLedger settlement token (10^-3 ETH, case study)', symbol: 'mETH' },
  maxClearingEntriesPerTransaction: 400,
  server: { host: '127.0.0.1', port: 8787 },
  clock: { speed: 10 },
  caseStudy: { enabled: true },
  keys: { passwordFile: null },
} as const;

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Builds the configuration: defaults, then the file's values, then flags; every field checked. */
export function buildConfig(
  file: unknown,
  source: string,
  baseDir: string,
  overrides: Json = {},
): WattLedgerConfig {
  if (file !== undefined && !isObject(file))
    throw new ConfigError(source, '(root)', 'expected a JSON object');
  const raw = merge(merge(DEFAULT_CONFIG_FILE, file ?? {}), overrides);
  const fail = (field: string, reason: string): never => {
    throw new ConfigError(source, field, reason);
  };
  const known = (object: Json, field: string, keys: readonly string[]) => {
    for (const key of Object.keys(object)) {
      if (!keys.includes(key))
        fail(field === '' ? key : `${field}.${key}`, `unknown setting (known: ${keys.join(', ')})`);
    }
  };
  known(raw, '', Object.keys(DEFAULT_CONFIG_FILE));
  const integer = (value: unknown, field: string, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return fail(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const text = (value: unknown, field: string): string =>
    typeof value === 'string' && value.length > 0
      ? value
      : fail(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
  const decimal = <T>(parse: (v: unknown, f: string) => T, value: unknown, field: string): T => {
    try {
      return parse(value, field);
    } catch (error) {
      return fail(field, (error as Error).message.replace(`${field}: `, ''));
    }
  };

  const chainRaw = isObject(raw.chain) ? raw.chain : fail('chain', 'must be an object');
  let chain: WattLedgerConfig['chain'];
  if (chainRaw.mode === 'embedded') {
    known(chainRaw, 'chain', ['mode', 'port', 'stateIntervalSeconds']);
    chain = {
      mode: 'embedded',
      port: integer(chainRaw.port, 'chain.port', 0, 65_535),
      stateIntervalSeconds: integer(chainRaw.stateIntervalSeconds, 'chain.stateIntervalSeconds', 1, 3_600),
    };
  } else if (chainRaw.mode === 'rpc') {
    known(chainRaw, 'chain', ['mode', 'url', 'pollingIntervalMs', 'port', 'stateIntervalSeconds']);
    const url = text(chainRaw.url, 'chain.url');
    if (!/^https?:\/\//.test(url)) fail('chain.url', `must be an http(s) JSON-RPC address, got "${url}"`);
    chain = {
      mode: 'rpc',
      url,
      pollingIntervalMs: integer(chainRaw.pollingIntervalMs ?? 500, 'chain.pollingIntervalMs', 10, 60_000),
    };
  } else {
    chain = fail('chain.mode', `must be "embedded" or "rpc", got ${JSON.stringify(chainRaw.mode)}`);
  }

  const m = isObject(raw.market) ? raw.market : fail('market', 'must be an object');
  known(m, 'market', Object.keys(DEFAULT_CONFIG_FILE.market));
  const periodSeconds = integer(m.periodSeconds, 'market.periodSeconds', 60, 86_400);
  const commitSeconds = integer(m.commitSeconds, 'market.commitSeconds', 1, periodSeconds);
  const revealSeconds = integer(m.revealSeconds, 'market.revealSeconds', 1, periodSeconds);
  if (commitSeconds + revealSeconds >= periodSeconds) {
    fail(
      'market.revealSeconds',
      `commitSeconds + revealSeconds must leave time to clear within periodSeconds (${periodSeconds})`,
    );
  }
  const referencePricePerWh = decimal(parsePricePerKwh, m.referencePrice, 'market.referencePrice');
  if (referencePricePerWh === 0n) fail('market.referencePrice', 'must be greater than zero');
  const rate = (field: string, max: bigint) => {
    const ppm = decimal(parseRate, m[field], `market.${field}`);
    if (ppm > max) fail(`market.${field}`, `must be at most ${formatRate(max)}`);
    return ppm;
  };
  if (!(PRICING_RULES as readonly unknown[]).includes(m.pricing))
    fail('market.pricing', `must be "mid" or "uniform", got ${JSON.stringify(m.pricing)}`);
  const priceFloorPerWh = decimal(parsePriceBound, m.priceFloor, 'market.priceFloor');
  const priceCapPerWh = decimal(parsePriceBound, m.priceCap, 'market.priceCap');
  if (priceCapPerWh !== 0n && priceFloorPerWh > priceCapPerWh)
    fail('market.priceFloor', 'must not be above market.priceCap (0 means none)');
  if (!(MARKET_MECHANISMS as readonly unknown[]).includes(m.mechanism))
    fail('market.mechanism', `must be "periodic" or "continuous", got ${JSON.stringify(m.mechanism)}`);
  const mechanism = m.mechanism as MarketMechanism;
  const t = isObject(raw.token) ? raw.token : fail('token', 'must be an object');
  known(t, 'token', ['name', 'symbol']);
  const serverRaw = isObject(raw.server) ? raw.server : fail('server', 'must be an object');
  known(serverRaw, 'server', ['host', 'port']);
  const clockRaw = isObject(raw.clock) ? raw.clock : fail('clock', 'must be an object');
  known(clockRaw, 'clock', ['speed']);
  const speed = integer(clockRaw.speed, 'clock.speed', 1, 3_600);
  if (chain.mode === 'rpc' && speed !== 1)
    fail('clock.speed', 'must be 1 on a JSON-RPC network: only the embedded chain can move its clock');
  const caseStudyRaw = isObject(raw.caseStudy) ? raw.caseStudy : fail('caseStudy', 'must be an object');
  known(caseStudyRaw, 'caseStudy', ['enabled']);
  if (typeof caseStudyRaw.enabled !== 'boolean')
    fail('caseStudy.enabled', `must be true or false, got ${JSON.stringify(caseStudyRaw.enabled)}`);
  if (caseStudyRaw.enabled && mechanism === 'continuous')
    fail(
      'caseStudy.enabled',
      'the case study bids sealed bids in periodic auctions; set it to false with market.mechanism "continuous"',
    );
  const keysRaw = isObject(raw.keys) ? raw.keys : fail('keys', 'must be an object');
  known(keysRaw, 'keys', ['passwordFile']);
  const passwordFile =
    keysRaw.passwordFile === null
      ? undefined
      : resolve(baseDir, text(keysRaw.passwordFile, 'keys.passwordFile'));
  if (chain.mode === 'rpc' && passwordFile === undefined)
    fail(
      'keys.passwordFile',
      'a JSON-RPC network needs the file holding the password of the platform keystores',
    );
  return {
    dataDir: resolve(baseDir, text(raw.dataDir, 'dataDir')),
    chain,
    market: {
      periodSeconds,
      commitSeconds,
      revealSeconds,
      readingSeconds: integer(m.readingSeconds, 'market.readingSeconds', 1, periodSeconds),
      marginAmount: decimal(parseMoney, m.margin, 'market.margin'),
      referencePricePerWh,
      shortfallFactorPpm: rate('shortfallFactor', 10_000_000n),
      surplusFactorPpm: rate('surplusFactor', 10_000_000n),
      rewardRatePpm: rate('rewardRate', 1_000_000n),
      penaltyRatePpm: rate('penaltyRate', 1_000_000n),
      pricing: m.pricing as PricingRule,
      priceFloorPerWh,
      priceCapPerWh,
      sellerShareCapBps: Number(decimal(parseBasisPoints, m.sellerShareCap, 'market.sellerShareCap')),
      reputationWeightPpm: rate('reputationWeight', 1_000_000n),
      mechanism,
      gateClosureSeconds: integer(m.gateClosureSeconds, 'market.gateClosureSeconds', 0, periodSeconds),
    },
    token: { name: text(t.name, 'token.name'), symbol: text(t.symbol, 'token.symbol') },
    maxClearingEntriesPerTransaction: integer(
      raw.maxClearingEntriesPerTransaction,
      'maxClearingEntriesPerTransaction',
      1,
      5_000,
    ),
    server: {
      host: text(serverRaw.host, 'server.host'),
      port: integer(serverRaw.port, 'server.port', 0, 65_535),
    },
    clock: { speed },
    caseStudy: { enabled: caseStudyRaw.enabled as boolean },
    keys: { passwordFile },
  };
}

/** The configuration written back in file form (for `--print-config` and the docs). */
export function describeConfig(config: WattLedgerConfig): Json {
  const m = config.market;
  return {
    dataDir: config.dataDir,
    chain: config.chain,
    market: {
      periodSeconds: m.periodSeconds,
      commitSeconds: m.commitSeconds,
      revealSeconds: m.revealSeconds,
      readingSeconds: m.readingSeconds,
      margin: formatMoney(m.marginAmount),
      referencePrice: formatPricePerKwh(m.referencePricePerWh),
      shortfallFactor: formatRate(m.shortfallFactorPpm),
      surplusFactor: formatRate(m.surplusFactorPpm),
      rewardRate: formatRate(m.rewardRatePpm),
      penaltyRate: formatRate(m.penaltyRatePpm),
      pricing: m.pricing,
      priceFloor: formatPricePerKwh(m.priceFloorPerWh),
      priceCap: formatPricePerKwh(m.priceCapPerWh),
      sellerShareCap: formatBasisPoints(BigInt(m.sellerShareCapBps)),
      reputationWeight: formatRate(m.reputationWeightPpm),
      mechanism: m.mechanism,
      gateClosureSeconds: m.gateClosureSeconds,
    },
    token: config.token,
    maxClearingEntriesPerTransaction: config.maxClearingEntriesPerTransaction,
    server: config.server,
    clock: config.clock,
    caseStudy: config.caseStudy,
    keys: { passwordFile: config.keys.passwordFile ?? null },
  };
}

function merge(base: Json, over: Json): Json {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isObject(value) && isObject(base[key]) ? merge(base[key] as Json, value) : value;
  }
  return out;
}
