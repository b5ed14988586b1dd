/**
 * The `clear` interchange format (docs/interchange.md): one period's bids in, trades out.
 * All numbers are decimal strings; quantities in kWh, prices in currency units per kWh.
 */
import type { Bid, Wallet } from '../core/bid.ts';
import { writtenScale } from '../core/decimal.ts';
import { clearGreenFirst } from '../core/greenFirstAuction.ts';
import { averagePricePerKwh, type AveragePrice, type Trade } from '../core/trade.ts';
import { clearUniformPrice } from '../core/uniformPriceAuction.ts';
import {
  formatKwh,
  formatMoney,
  formatPricePerKwh,
  parseKwh,
  parseMoney,
  parsePricePerKwh,
} from '../core/units.ts';
import { expectArray, expectBoolean, expectObject, expectOneOf, expectString } from './json.ts';

export const MECHANISMS = ['green-first', 'uniform'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export interface ClearRequest {
  readonly mechanism: Mechanism;
  readonly bids: readonly Bid[];
  readonly wallets: ReadonlyMap<string, Wallet>;
  /** Decimal places each bid's quantity was written with, to print trades the same way. */
  readonly quantityScales: ReadonlyMap<string, number>;
}

export interface ClearOutcome {
  readonly mechanism: Mechanism;
  readonly bids: readonly Bid[];
  readonly trades: readonly Trade[];
  readonly awardedWh: readonly bigint[];
  readonly averagePrice: AveragePrice | null;
  readonly clearingPricePerWh?: bigint | null;
}

export function parseClearRequest(input: unknown): ClearRequest {
  const root = expectObject(input, 'input');
  const mechanism = expectOneOf(root.mechanism, 'mechanism', MECHANISMS);
  const quantityScales = new Map<string, number>();
  const bids = expectArray(root.bids, 'bids').map((raw, index): Bid => {
    const at = `bids[${index}]`;
    const bid = expectObject(raw, at);
    const participant = expectString(bid.participant, `${at}.participant`);
    const quantityWh = parseKwh(bid.quantity, `${at}.quantity`);
    quantityScales.set(participant, writtenScale(bid.quantity as string));
    return {
      participant,
      side: expectOneOf(bid.side, `${at}.side`, ['sell', 'buy'] as const),
      green: expectBoolean(bid.green, `${at}.green`),
      quantityWh,
      pricePerWh: parsePricePerKwh(bid.price, `${at}.price`),
      // File order breaks ties at equal price: the earlier bid goes first.
      rank: BigInt(index),
    };
  });
  const wallets = new Map<string, Wallet>();
  if (root.wallets !== undefined) {
    for (const [participant, raw] of Object.entries(expectObject(root.wallets, 'wallets'))) {
      const at = `wallets.${participant}`;
      const wallet = expectObject(raw, at);
      wallets.set(participant, {
        balance: parseMoney(wallet.balance, `${at}.balance`),
        margin: wallet.margin === undefined ? 0n : parseMoney(wallet.margin, `${at}.margin`),
      });
    }
  }
  return { mechanism, bids, wallets, quantityScales };
}

export function clearRequest(request: ClearRequest): ClearOutcome {
  const { mechanism, bids, wallets } = request;
  if (mechanism === 'uniform') {
    const result = clearUniformPrice({ bids, wallets });
    return { mechanism, bids, ...result };
  }
  return { mechanism, bids, ...clearGreenFirst({ bids, wallets }) };
}

export function formatClearOutcome(outcome: ClearOutcome, request: ClearRequest): Record<string, unknown> {
  const scale = (participant: string) => request.quantityScales.get(participant) ?? 0;
  const output: Record<string, unknown> = {
    mechanism: outcome.mechanism,
    trades: outcome.trades.map((trade) => ({
      seller: trade.seller,
      buyer: trade.buyer,
      quantity: formatKwh(trade.quantityWh, Math.max(scale(trade.seller), scale(trade.buyer))),
      price: formatPricePerKwh(trade.pricePerWh),
      stage: trade.stage,
      amount: formatMoney(trade.amount),
    })),
    averagePrice:
      outcome.averagePrice === null ? null : formatMoney(averagePricePerKwh(outcome.averagePrice)),
    averagePriceExact:
      outcome.averagePrice === null
        ? null
        : {
            value: formatMoney(outcome.averagePrice.value),
            quantity: formatKwh(outcome.averagePrice.quantityWh),
          },
    awarded: Object.fromEntries(
      outcome.bids.map((bid, i) => [
        bid.participant,
        formatKwh(outcome.awardedWh[i]!, scale(bid.participant)),
      ]),
    ),
  };
  if (outcome.clearingPricePerWh !== undefined) {
    output.clearingPrice =
      outcome.clearingPricePerWh === null ? null : formatPricePerKwh(outcome.clearingPricePerWh);
  }
  return output;
}
