/**
 * Wheeling fees and levies, as `contracts/GridConnections.sol` computes them. Under the 2017 rules
 * for distributed-generation market trading a direct trade pays the grid a wheeling fee per kWh: the
 * transmission-and-distribution (T&D) price at the buyer's voltage level minus the T&D price at the
 * highest voltage level the trade involves; plus government funds and surcharges (the levy).
 *
 * Decided rules (docs/decisions.md, "Wheeling fees and levies"):
 * - voltage levels have ids 1..MAX_VOLTAGE_LEVELS, a higher id being a higher voltage;
 * - two parties at one level would pay nothing by the difference, though the trade uses that
 *   level's network, so a trade pays at least the operator's same-level fee of its highest level:
 *   wheeling = max(T&D[buyer] − T&D[top], sameLevelFee[top]), top = the higher of the two levels,
 *   the difference counting as 0 if a higher level were priced dearer;
 * - the levy is one rate per Wh for every trade;
 * - the buyer pays both on top of the trade price, to the public grid's account;
 * - a party without a level counts as at the other party's level; if neither has one, the trade
 *   pays no wheeling fee; a buyer without a level may not bid while any level charges a fee.
 * Every rate is in token base units per Wh, like prices.
 */
import { MarketInputError } from './errors.ts';
import { maxBig } from './units.ts';

export const MAX_VOLTAGE_LEVELS = 8;
/** The largest rate the contract accepts: 1,000 currency units per kWh, far beyond any tariff. */
export const MAX_RATE_PER_WH = 10n ** 18n;
const MAX_UINT32 = 2 ** 32 - 1;
/** A whole number from `min` to `max`. */
const wholeIn = (n: number, min: number, max: number): boolean => n % 1 === 0 && n >= min && n <= max;

export interface VoltageLevel {
  readonly level: number;
  readonly nominalVolts: number;
  readonly transmissionPerWh: bigint;
  readonly sameLevelFeePerWh: bigint;
}

/** Where a participant is connected: its voltage level and feeder (0: not recorded). */
export interface GridConnection {
  readonly level: number;
  readonly feeder: number;
}

/** The grid company's tariff: the set voltage levels by id, and the levy per Wh. */
export interface GridTariff {
  readonly levels: ReadonlyMap<number, VoltageLevel>;
  readonly levyPerWh: bigint;
}

export const NO_GRID_TARIFF: GridTariff = { levels: new Map(), levyPerWh: 0n };

/** What a trade pays the grid per Wh on top of its price. */
export interface TradeCharges {
  readonly wheelingPerWh: bigint;
  readonly levyPerWh: bigint;
}

export const NO_CHARGES: TradeCharges = { wheelingPerWh: 0n, levyPerWh: 0n };

function levelOf(tariff: GridTariff, level: number, field: string): VoltageLevel {
  const found = tariff.levels.get(level);
  if (found === undefined) throw new MarketInputError(field, `voltage level ${level} is not set`);
  return found;
}

/** The wheeling fee per Wh of a trade from a seller at `sellerLevel` to a buyer at `buyerLevel` (both set). */
export function wheelingFeePerWh(tariff: GridTariff, sellerLevel: number, buyerLevel: number): bigint {
  const seller = levelOf(tariff, sellerLevel, 'sellerLevel');
  const buyer = levelOf(tariff, buyerLevel, 'buyerLevel');
  const top = sellerLevel > buyerLevel ? seller : buyer;
  const difference =
    buyer.transmissionPerWh > top.transmissionPerWh ? buyer.transmissionPerWh - top.transmissionPerWh : 0n;
  return maxBig(difference, top.sameLevelFeePerWh);
}

/** Levels 0 (not connected) take the other party's level; neither connected: no wheeling fee. */
export function tradeCharges(tariff: GridTariff, sellerLevel: number, buyerLevel: number): TradeCharges {
  const seller = sellerLevel === 0 ? buyerLevel : sellerLevel;
  const buyer = buyerLevel === 0 ? sellerLevel : buyerLevel;
  return {
    wheelingPerWh: buyer === 0 ? 0n : wheelingFeePerWh(tariff, seller, buyer),
    levyPerWh: tariff.levyPerWh,
  };
}

/** The highest wheeling fee a buyer at `buyerLevel` can owe, whoever sells. */
export function maxWheelingPerWh(tariff: GridTariff, buyerLevel: number): bigint {
  let highest = 0n;
  for (const seller of tariff.levels.keys())
    highest = maxBig(highest, wheelingFeePerWh(tariff, seller, buyerLevel));
  return highest;
}

/** Some level charges a wheeling fee. */
export const wheelingActive = (tariff: GridTariff): boolean =>
  [...tariff.levels.keys()].some((level) => maxWheelingPerWh(tariff, level) > 0n);

/** Any wheeling fee or levy is configured; when not, the market charges nothing and asks nothing. */
export const feesActive = (tariff: GridTariff): boolean => tariff.levyPerWh > 0n || wheelingActive(tariff);

/** Why a buyer at `buyerLevel` (0: not connected) may not bid while fees apply, or null. */
export const buyerConnectionRefusal = (tariff: GridTariff, buyerLevel: number): 'GridNotConnected' | null =>
  buyerLevel === 0 && wheelingActive(tariff) ? 'GridNotConnected' : null;

/**
 * The most a buy bid may pay per Wh on top of its price: the admission check at reveal asks that
 * balance − margin covers quantity × (price + this). 0 when no fee is configured.
 */
export function buyerChargeCapPerWh(tariff: GridTariff, buyerLevel: number): bigint {
  if (!feesActive(tariff)) return 0n;
  if (buyerConnectionRefusal(tariff, buyerLevel) !== null)
    throw new MarketInputError('level', 'the buyer has no voltage level while wheeling fees apply');
  return (buyerLevel === 0 ? 0n : maxWheelingPerWh(tariff, buyerLevel)) + tariff.levyPerWh;
}

/** The charges of each trade of a clearing, by participant, or undefined when no fee is configured. */
export function chargesByParticipant(
  tariff: GridTariff,
  levelOfParticipant: (participant: string) => number,
): ((seller: string, buyer: string) => TradeCharges) | undefined {
  if (!feesActive(tariff)) return undefined;
  return (seller, buyer) => tradeCharges(tariff, levelOfParticipant(seller), levelOfParticipant(buyer));
}

/** Checks a voltage level as the contract does, naming the field at fault. */
export function checkVoltageLevel(
  tariff: GridTariff,
  level: VoltageLevel,
  /** The rates' field names where the caller calls them otherwise (an API's per-kWh fields). */
  names = { transmissionPerWh: 'transmissionPerWh', sameLevelFeePerWh: 'sameLevelFeePerWh' },
): void {
  if (!wholeIn(level.level, 1, MAX_VOLTAGE_LEVELS))
    throw new MarketInputError('level', `must be a whole number from 1 to ${MAX_VOLTAGE_LEVELS}`);
  if (!wholeIn(level.nominalVolts, 1, MAX_UINT32))
    throw new MarketInputError('nominalVolts', 'must be a whole number of volts above 0');
  for (const other of tariff.levels.values()) {
    if (other.level === level.level) continue;
    const inOrder =
      other.level < level.level
        ? other.nominalVolts < level.nominalVolts
        : other.nominalVolts > level.nominalVolts;
    if (!inOrder)
      throw new MarketInputError(
        'nominalVolts',
        `must lie strictly between the voltages of the levels below and above (level ${other.level} is ${other.nominalVolts} V): a higher level id is a higher voltage`,
      );
  }
  checkRate(names.transmissionPerWh, level.transmissionPerWh);
  checkRate(names.sameLevelFeePerWh, level.sameLevelFeePerWh);
}

export function checkRate(field: string, perWh: bigint): void {
  if (perWh < 0n || perWh > MAX_RATE_PER_WH)
    throw new MarketInputError(field, 'must be from 0 to 1,000 per kWh');
}

/** Checks a connection as the contract does, naming the field at fault. */
export function checkConnection(tariff: GridTariff, connection: GridConnection): void {
  if (!wholeIn(connection.level, 1, MAX_VOLTAGE_LEVELS))
    throw new MarketInputError('level', `must be a whole number from 1 to ${MAX_VOLTAGE_LEVELS}`);
  if (!tariff.levels.has(connection.level))
    throw new MarketInputError('level', `voltage level ${connection.level} is not set: set its prices first`);
  if (!wholeIn(connection.feeder, 0, MAX_UINT32))
    throw new MarketInputError('feeder', 'must be a whole number from 0 (not recorded) to 4,294,967,295');
}
