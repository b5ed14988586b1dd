/**
 * The `settle` interchange format (docs/interchange.md): one period's positions in, imbalance and
 * incentive amounts out, signed from the participant's side, in currency units rounded to the
 * token's base unit (what a participant pays rounded up, what it receives rounded down).
 */
import type { Side } from '../core/bid.ts';
import { parseDecimal, writtenScale } from '../core/decimal.ts';
import { MarketInputError } from '../core/errors.ts';
import {
  REFERENCE_PARAMETERS,
  settlePosition,
  type Position,
  type SettlementOutcome,
  type SettlementParameters,
} from '../core/settlement.ts';
import type { AveragePrice } from '../core/trade.ts';
import { formatKwh, formatMoney, parseKwh, parseRate, TOKEN_DECIMALS, WH_PER_KWH } from '../core/units.ts';
import { expectArray, expectObject, expectOneOf, expectString } from './json.ts';

export interface SettleRequest {
  readonly averagePrice: AveragePrice;
  readonly parameters: SettlementParameters;
  readonly participants: readonly (Position & {
    readonly participant: string;
    readonly energyScale: number;
  })[];
}

const PARAMETER_FIELDS = {
  shortfallFactor: 'shortfallFactorPpm',
  surplusFactor: 'surplusFactorPpm',
  rewardRate: 'rewardRatePpm',
  penaltyRate: 'penaltyRatePpm',
} as const satisfies Record<string, keyof SettlementParameters>;

export function parseSettleRequest(input: unknown): SettleRequest {
  const root = expectObject(input, 'input');
  if (root.averagePrice === null) {
    throw new MarketInputError(
      'averagePrice',
      "is null: a period with no trade settles at the operator's reference price; give that price",
    );
  }
  // A_i in base units per kWh is an exact fraction of base units per Wh.
  const perKwh = parseDecimal(root.averagePrice, TOKEN_DECIMALS, 'averagePrice');
  const averagePrice: AveragePrice = { value: perKwh, quantityWh: WH_PER_KWH };
  const parameters = { ...REFERENCE_PARAMETERS };
  if (root.parameters !== undefined) {
    const raw = expectObject(root.parameters, 'parameters');
    for (const [name, key] of Object.entries(PARAMETER_FIELDS)) {
      if (raw[name] !== undefined) parameters[key] = parseRate(raw[name], `parameters.${name}`);
    }
  }
  const seen = new Set<string>();
  const participants = expectArray(root.participants, 'participants').map((value, index) => {
    const at = `participants[${index}]`;
    const entry = expectObject(value, at);
    const participant = expectString(entry.participant, `${at}.participant`);
    if (seen.has(participant))
      throw new MarketInputError(`${at}.participant`, `"${participant}" appears twice`);
    seen.add(participant);
    const side: Side = expectOneOf(entry.side, `${at}.side`, ['sell', 'buy'] as const);
    if (!('actual' in entry)) {
      throw new MarketInputError(
        `${at}.actual`,
        'missing; give the meter reading, or null when none arrived',
      );
    }
    const texts = [entry.declared, entry.awarded, entry.actual].filter(
      (t): t is string => typeof t === 'string',
    );
    const declaredWh = parseKwh(entry.declared, `${at}.declared`);
    const awardedWh = parseKwh(entry.awarded, `${at}.awarded`);
    if (awardedWh > declaredWh) {
      throw new MarketInputError(
        `${at}.awarded`,
        'is more than the declared quantity; a bid never wins more than it offered',
      );
    }
    const actualWh = entry.actual === null ? null : parseKwh(entry.actual, `${at}.actual`);
    const energyScale = Math.max(0, ...texts.map(writtenScale));
    return { participant, side, declaredWh, awardedWh, actualWh, energyScale };
  });
  return { averagePrice, parameters, participants };
}

export function settleRequest(request: SettleRequest): SettlementOutcome[] {
  return request.participants.map((position) =>
    settlePosition(position, request.averagePrice, request.parameters),
  );
}

export function formatSettleOutcome(
  request: SettleRequest,
  outcomes: readonly SettlementOutcome[],
): Record<string, unknown> {
  return {
    participants: request.participants.map((position, i) => {
      const outcome = outcomes[i]!;
      return {
        participant: position.participant,
        imbalance: {
          energy: formatKwh(outcome.imbalanceWh, position.energyScale),
          amount: formatMoney(outcome.imbalanceAmount),
        },
        incentive: {
          reward: formatMoney(outcome.reward),
          penalty: formatMoney(outcome.penalty),
          net: formatMoney(outcome.incentiveNet),
        },
        readingMissing: outcome.readingMissing,
      };
    }),
  };
}
