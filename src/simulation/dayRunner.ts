/**
 * Runs a scenario's day against a market, pipelined as the period clock allows: in the clock period
 * of delivery period k, period k+1 is committed, revealed and cleared while period k−1's readings
 * arrive and it is settled. Bids come from each participant's forecast and price strategy, capped by
 * what a buyer can pay; readings from its actual energy, unless its meter fails to report. With
 * `meters`, readings are what the participants' meters read (metering.ts): the actual energy on
 * 10 Wh registers, missing where a meter did not answer at a boundary.
 */
import { priceWithinBounds } from '../core/priceBounds.ts';
import type { Side } from '../core/bid.ts';
import type { AveragePrice } from '../core/trade.ts';
import { meteredDay } from './metering.ts';
import { energyPlan } from './profiles.ts';
import { seededRandom } from './random.ts';
import { strategyPrice } from './strategies.ts';
import type { ParticipantPeriod, PeriodRecord, DayResult, StepName } from './dayRecord.ts';
import type {
  BidIntent,
  ClearedPeriod,
  Failure,
  LedgerView,
  ReadingIntent,
  SettledParticipant,
  SimulatedMarket,
  Step,
} from './market.ts';
import type { Scenario } from './scenario.ts';

export interface DayProgress {
  readonly step: number;
  readonly steps: number;
  readonly period: number;
  readonly elapsedMs: number;
  readonly transactions: number;
}

interface OpenPeriod {
  failures: Failure[];
  transactions: number;
  gasUsed: bigint;
  cleared?: ClearedPeriod;
  readingIntents?: ReadingIntent[];
  settled?: readonly SettledParticipant[];
}

const averageOrReference = (price: AveragePrice | null, reference: bigint) =>
  price === null ? reference : price.value / price.quantityWh;

export async function runDay(
  scenario: Scenario,
  market: SimulatedMarket,
  mode: DayResult['mode'],
  options: { setupMs?: number; meters?: boolean; onProgress?: (progress: DayProgress) => void } = {},
): Promise<DayResult> {
  const { participants, periods, seed } = scenario;
  const margin = scenario.market.marginAmount;
  const bounds = { floorPerWh: scenario.market.priceFloorPerWh, capPerWh: scenario.market.priceCapPerWh };
  const plans = participants.map((p, i) => energyPlan(p, periods, seed, i));
  const priceRandom = participants.map((_, i) => seededRandom(seed, `strategy ${i}`));
  const meterRandom = seededRandom(seed, 'meters');
  const metered = options.meters
    ? meteredDay(
        participants,
        plans.map((p) => p.actualWh),
        periods,
        seed,
      )
    : undefined;
  const open = new Map<number, OpenPeriod>();
  const records: PeriodRecord[] = [];
  const opening = await market.ledger();
  const started = Date.now();
  let transactions = 0;
  let gasUsed = 0n;
  let lastAverage = scenario.market.referencePricePerWh;

  const periodOf = (p: number): OpenPeriod => {
    let entry = open.get(p);
    if (entry === undefined) open.set(p, (entry = { failures: [], transactions: 0, gasUsed: 0n }));
    return entry;
  };
  const account = <T>(p: number, step: Step<T>): T => {
    const entry = periodOf(p);
    entry.transactions += step.cost.transactions;
    entry.gasUsed += step.cost.gasUsed;
    transactions += step.cost.transactions;
    gasUsed += step.cost.gasUsed;
    return step.result;
  };

  const decideBids = (period: number, view: LedgerView): BidIntent[] => {
    const bids: BidIntent[] = [];
    participants.forEach((spec, i) => {
      const asked = strategyPrice(spec.strategy, period - 1, lastAverage, priceRandom[i]!);
      const forecast = plans[i]!.forecastWh[period - 1]!;
      if (forecast === 0n) return;
      const side: Side =
        spec.kind === 'producer' ? 'sell' : spec.kind === 'consumer' ? 'buy' : forecast > 0n ? 'sell' : 'buy';
      // Participants know the published price bounds and bid within them, or not at all.
      const price = priceWithinBounds(side, asked, bounds);
      if (price === undefined) return;
      let quantityWh = forecast < 0n ? -forecast : forecast;
      if (side === 'buy') {
        // A buyer bids no more than its balance, less debt and margin, can pay at its own price.
        const spendable = view.balances[i]! - view.debts[i]! - margin;
        const affordable = spendable > 0n ? spendable / price : 0n;
        if (affordable < quantityWh) quantityWh = affordable;
      }
      if (quantityWh > 0n) bids.push({ participant: i, side, quantityWh, pricePerWh: price });
    });
    return bids;
  };

  const readingsFor = (period: number, cleared: ClearedPeriod): ReadingIntent[] =>
    cleared.revealed.flatMap((bid) => {
      if (metered !== undefined) return metered.intent(bid.participant, period, bid.side) ?? [];
      const spec = participants[bid.participant]!;
      if (meterRandom.next() >= spec.meterReliability) return [];
      const actual = plans[bid.participant]!.actualWh[period - 1]!;
      const inDirection = bid.side === 'sell' ? actual : spec.kind === 'prosumer' ? -actual : actual;
      return [
        { participant: bid.participant, side: bid.side, actualWh: inDirection > 0n ? inDirection : 0n },
      ];
    });

  const stepMs: Record<StepName, number> = {
    commit: 0,
    readings: 0,
    reveal: 0,
    clear: 0,
    settle: 0,
    ledger: 0,
  };
  /** Adds the wall time of one step to its total. */
  const timed = async <T>(name: StepName, work: () => Promise<T>): Promise<T> => {
    const from = performance.now();
    try {
      return await work();
    } finally {
      stepMs[name] += performance.now() - from;
    }
  };

  // Each step's order lets signatures overlap the chain's work: period k+1's commits are signed
  // while period k−1's readings (signed when k−1 was cleared) are relayed. Readings and commits
  // touch neither balances nor debts of each other, so the order changes no result.
  const steps = periods + 2;
  for (let k = 0; k < steps; k++) {
    const next = k + 1;
    const previous = k - 1;
    const bids = next <= periods ? decideBids(next, await timed('ledger', () => market.ledger())) : [];
    if (next <= periods) market.prepareCommit?.(next, bids);
    if (previous >= 1) {
      const entry = periodOf(previous);
      const step = await timed('readings', () => market.submitReadings(previous, entry.readingIntents!));
      entry.failures.push(...account(previous, step));
    }
    if (next <= periods) {
      periodOf(next).failures.push(...account(next, await timed('commit', () => market.commit(next, bids))));
      periodOf(next).failures.push(...account(next, await timed('reveal', () => market.reveal(next))));
      const entry = periodOf(next);
      const cleared = account(next, await timed('clear', () => market.clear(next)));
      entry.cleared = cleared;
      lastAverage = averageOrReference(cleared.averagePrice, lastAverage);
      // Known once the period is cleared; drawn in period order, as before.
      entry.readingIntents = readingsFor(next, cleared);
      market.prepareReadings?.(next, entry.readingIntents);
    }
    if (previous >= 1) {
      const entry = periodOf(previous);
      entry.settled = account(previous, await timed('settle', () => market.settle(previous)));
      records.push(closePeriod(previous, entry, await timed('ledger', () => market.ledger())));
      open.delete(previous);
    }
    options.onProgress?.({
      step: k + 1,
      steps,
      period: Math.min(Math.max(previous, 0), periods),
      elapsedMs: Date.now() - started,
      transactions,
    });
  }
  const closing = await market.ledger();
  return {
    scenario,
    mode,
    meters: metered !== undefined,
    periods: records,
    opening,
    closing,
    wallMs: Date.now() - started,
    setupMs: options.setupMs ?? 0,
    stepMs,
    transactions,
    gasUsed,
  };
}

function closePeriod(period: number, entry: OpenPeriod, view: LedgerView): PeriodRecord {
  const cleared = entry.cleared!;
  const awarded = new Map<number, bigint>();
  const tradeAmount = new Map<number, bigint>();
  for (const t of cleared.trades) {
    const amount = t.quantityWh * t.pricePerWh;
    awarded.set(t.seller, (awarded.get(t.seller) ?? 0n) + t.quantityWh);
    awarded.set(t.buyer, (awarded.get(t.buyer) ?? 0n) + t.quantityWh);
    tradeAmount.set(t.seller, (tradeAmount.get(t.seller) ?? 0n) + amount);
    tradeAmount.set(t.buyer, (tradeAmount.get(t.buyer) ?? 0n) - amount);
  }
  const settled = new Map((entry.settled ?? []).map((s) => [s.participant, s]));
  const participants: ParticipantPeriod[] = cleared.revealed.map((bid) => {
    const s = settled.get(bid.participant);
    return {
      participant: bid.participant,
      side: bid.side,
      declaredWh: bid.quantityWh,
      pricePerWh: bid.pricePerWh,
      awardedWh: awarded.get(bid.participant) ?? 0n,
      actualWh: s === undefined || s.readingMissing ? null : s.actualWh,
      imbalanceWh: s?.imbalanceWh ?? 0n,
      imbalanceAmount: s?.imbalanceAmount ?? 0n,
      reward: s?.reward ?? 0n,
      penalty: s?.penalty ?? 0n,
      tradeAmount: tradeAmount.get(bid.participant) ?? 0n,
    };
  });
  participants.sort((a, b) => a.participant - b.participant);
  return {
    period,
    bids: cleared.revealed,
    trades: cleared.trades,
    averagePrice: cleared.averagePrice,
    participants,
    failures: entry.failures,
    balances: view.balances,
    debts: view.debts,
    grid: view.grid,
    transactions: entry.transactions,
    gasUsed: entry.gasUsed,
  };
}
