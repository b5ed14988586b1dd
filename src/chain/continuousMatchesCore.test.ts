/**
 * The continuous market on chain and the market core's order book must agree to the unit. Each
 * generated order stream is replayed both ways in its own delivery period, half the streams placed
 * directly and half signed and relayed: every fill, void, resting remainder and balance is compared,
 * every refusal must come with the contract's custom error (and its values) and change nothing, and
 * at gate closure the remainders expire the same way. A second run charges the grid's wheeling fees
 * and levies on the fills (connections at three voltage levels, one seller without a level), and
 * the grid's account must gain exactly the core's charges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  closeBook,
  openBook,
  setBalance,
  type BookCharges,
  type ContinuousBook,
} from '../core/continuousAuction.ts';
import { buyerChargeCapPerWh, tradeCharges, type GridTariff } from '../core/gridFees.ts';
import { parsePricePerKwh } from '../core/units.ts';
import type { WattLedgerError } from '../core/errors.ts';
import {
  applyStreamEvent,
  cancelTarget,
  orderStreamArbitrary,
  type StreamEvent,
} from '../core/testing/continuousAuctionStreams.ts';
import {
  cancelContinuousOrder,
  continuousOutcome,
  expireContinuousOrders,
  placeContinuousOrder,
  readBook,
  type ContinuousOutcome,
} from './continuousMarket.ts';
import { cancelSignedOrders, placeSignedOrders, signCancel, signOrder } from './continuousMarketSigning.ts';
import {
  refusalOf,
  startContinuousTestPlatform,
  type ContinuousTestPlatform,
} from './continuousMarketTesting.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import {
  clearingCapacity,
  openGridConnections,
  setCapacityLimit,
  setFeederTransformer,
  type GridConnections,
  readGridTariff,
  setGridConnection,
  setLevy,
  setVoltageLevel,
} from './gridConnections.ts';
import { deposit, withdraw } from './participants.ts';
import { execute } from './transactions.ts';
import { SIDE_CODE, type ParticipantKind } from './typedData.ts';
import type { Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;

interface StreamCase {
  readonly streams: number;
  readonly seed: number;
  /** Voltage level of each trader (0: none), when the grid charges fees. */
  readonly levels?: readonly number[];
  /** Each trader's feeder, when feeders and transformers carry capacity limits. */
  readonly feeders?: readonly number[];
}

const CASES: readonly StreamCase[] = [
  { streams: 40, seed: 1997 },
  { streams: 16, seed: 2017, levels: [3, 0, 1, 2, 1, 2, 1] },
  // Feeders 1 and 2 on transformer 1, feeder 3 on transformer 2 (see CAPACITY below).
  { streams: 16, seed: 7, feeders: [1, 3, 2, 3, 1, 2, 1] },
];

/** Feeders 1–3 carry 300, 250 and 400 Wh a period, transformer 2 350 Wh; transformer 1 is unlimited. */
const CAPACITY = {
  transformerOf: new Map([
    [1, 1],
    [2, 1],
    [3, 2],
  ]),
  limits: [
    ['feeder', 1, 300n],
    ['feeder', 2, 250n],
    ['feeder', 3, 400n],
    ['transformer', 2, 350n],
  ] as const,
};

const perKwh = (text: string) => parsePricePerKwh(text, 'rate');

/** Three levels (0.4, 10 and 35 kV), T&D price falling with voltage, and a levy, as gridFees.test.ts. */
const TARIFF: GridTariff = {
  levels: new Map(
    [
      { level: 1, nominalVolts: 400, transmissionPerWh: perKwh('0.2'), sameLevelFeePerWh: perKwh('0.015') },
      {
        level: 2,
        nominalVolts: 10_000,
        transmissionPerWh: perKwh('0.17'),
        sameLevelFeePerWh: perKwh('0.015'),
      },
      {
        level: 3,
        nominalVolts: 35_000,
        transmissionPerWh: perKwh('0.12'),
        sameLevelFeePerWh: perKwh('0.01'),
      },
    ].map((l) => [l.level, l]),
  ),
  levyPerWh: perKwh('0.03'),
};
const KINDS: ParticipantKind[] = [
  'producer',
  'producer',
  'consumer',
  'consumer',
  'consumer',
  'prosumer',
  'prosumer',
];
// A producer without the margin and a buyer who can afford little: they get refused at times.
const DEPOSITS = [UNIT, 0n, UNIT, UNIT, UNIT / 100n, UNIT / 3n, UNIT / 3n];

/**
 * Mostly the side a trader's kind allows (now and then the other one, which the contract refuses),
 * and bids a little higher than asks, so that many orders cross.
 */
function alongKinds(event: StreamEvent): StreamEvent {
  if (event.kind !== 'place') return event;
  const kind = KINDS[event.owner]!;
  let side = event.side;
  if (event.quantityWh % 8n !== 0n && kind !== 'prosumer') side = kind === 'producer' ? 'sell' : 'buy';
  const lift = side === 'buy' ? 60_000_000_000_000n : 0n;
  return { ...event, side, pricePerWh: event.pricePerWh + lift };
}

/** The contract's custom error and values for a refusal of the core. */
function expectedRefusal(error: WattLedgerError, period: bigint, id: number): [string, unknown[] | null] {
  const d = error.details as Record<string, bigint>;
  if (error.field === 'quantityWh') return ['OrderQuantityOutOfRange', null];
  if (error.field === 'pricePerWh') return ['OrderPriceOutOfRange', null];
  switch (error.code) {
    case 'ORDER_GATE_CLOSED':
      return ['OrderGateClosed', null];
    case 'ORDER_SIDE_CONFLICT':
      return ['OrderSideConflict', [id, period]];
    case 'ORDER_MARGIN_NOT_COVERED':
      return ['OrderMarginNotCovered', [id, d.balance, d.margin]];
    case 'ORDER_BUDGET_NOT_COVERED':
      return ['OrderBudgetNotCovered', [id, d.spendable, d.cost]];
    case 'ORDER_NOT_FOUND':
      return ['OrderNotFound', null];
    case 'ORDER_NOT_OWNER':
      return ['OrderNotOwner', [period, d.orderId, id]];
    default:
      throw new Error(`no contract error known for ${error.code}`);
  }
}

describe.each(CASES)(
  'continuous market = core on $streams generated order streams, levels $levels, feeders $feeders',
  (run) => {
    let c: ContinuousTestPlatform;
    let charges: BookCharges | undefined;
    let grid: GridConnections | undefined;
    const traders: Enrolled[] = [];
    let owners: string[] = [];
    let balances = new Map<string, bigint>();
    const totals = { events: 0, fills: 0, refusals: 0, voids: 0, expired: 0, charged: 0n, capacityCuts: 0 };

    beforeAll(async () => {
      // Without the token's holds, so that a withdrawal can take a resting buyer's money (see below).
      c = await startContinuousTestPlatform(undefined, {
        holdFunds: false,
        gridConnections: run.levels !== undefined || run.feeders !== undefined,
      });
      for (const [i, kind] of KINDS.entries())
        traders.push(await c.trader(`trader ${i}`, kind, DEPOSITS[i]!));
      if (run.levels !== undefined) {
        const grid = openGridConnections(c.t.connection, c.t.platform.deployment)!;
        for (const level of TARIFF.levels.values()) await setVoltageLevel(grid, c.t.accounts.operator, level);
        await setLevy(grid, c.t.accounts.operator, TARIFF.levyPerWh);
        const levelOf = new Map<string, number>();
        for (const [i, level] of run.levels.entries()) {
          levelOf.set(String(traders[i]!.id), level);
          if (level > 0)
            await setGridConnection(grid, c.t.accounts.operator, traders[i]!.id, { level, feeder: 1 });
        }
        expect(await readGridTariff(grid)).toEqual(TARIFF);
        const level = (owner: string) => levelOf.get(owner)!;
        charges = {
          pair: (seller, buyer) => tradeCharges(TARIFF, level(seller), level(buyer)),
          buyerCapPerWh: (owner) => buyerChargeCapPerWh(TARIFF, level(owner)),
        };
      }
      if (run.feeders !== undefined) {
        grid = openGridConnections(c.t.connection, c.t.platform.deployment)!;
        const op = c.t.accounts.operator;
        // A level without rates: connections need one, and nothing is charged.
        await setVoltageLevel(grid, op, {
          level: 1,
          nominalVolts: 400,
          transmissionPerWh: 0n,
          sameLevelFeePerWh: 0n,
        });
        for (const [i, feeder] of run.feeders.entries())
          await setGridConnection(grid, op, traders[i]!.id, { level: 1, feeder });
        for (const [feeder, transformer] of CAPACITY.transformerOf)
          await setFeederTransformer(grid, op, feeder, transformer);
        for (const [asset, id, wh] of CAPACITY.limits) await setCapacityLimit(grid, op, asset, id, wh);
      }
      owners = traders.map((tr) => String(tr.id));
      balances = new Map(traders.map((tr, i) => [String(tr.id), DEPOSITS[i]!]));
    }, 120_000);

    afterAll(async () => {
      await c?.stop();
    });

    const byOwner = (owner: string) => traders.find((tr) => String(tr.id) === owner)!;
    const ids = () => traders.map((tr) => tr.id);
    const accounts = () => traders.map((tr) => tr.account);

    /** Sends one stream event to the chain, directly or through the relayer. */
    async function send(
      event: StreamEvent,
      book: ContinuousBook,
      period: bigint,
      relayed: boolean,
      hint: number,
    ): Promise<ContinuousOutcome> {
      if (event.kind === 'place') {
        const trader = traders[event.owner]!;
        const order = {
          period,
          side: event.side,
          quantityWh: event.quantityWh,
          pricePerWh: event.pricePerWh,
        };
        if (relayed) {
          const nonce = await c.market.read.read.nonces([trader.account.address]);
          const signed = await signOrder(c.market, trader.account, trader.id, order, nonce);
          return continuousOutcome(await placeSignedOrders(c.market, c.t.accounts.relayer, [signed], [hint]));
        }
        const receipt = await execute(
          c.t.connection,
          trader.account,
          {
            address: c.market.address,
            abi: continuousMarketAbi,
            functionName: 'place',
            args: [period, SIDE_CODE[event.side], event.quantityWh, event.pricePerWh, hint],
          },
          'place',
        );
        return continuousOutcome(receipt);
      }
      const target = cancelTarget(book, event, owners)!;
      const trader = byOwner(target.owner);
      if (relayed) {
        const nonce = await c.market.read.read.nonces([trader.account.address]);
        const signed = await signCancel(c.market, trader.account, { period, orderId: target.orderId }, nonce);
        return continuousOutcome(await cancelSignedOrders(c.market, c.t.accounts.relayer, [signed]));
      }
      return continuousOutcome(await cancelContinuousOrder(c.market, trader.account, period, target.orderId));
    }

    const streams = fc
      .sample(orderStreamArbitrary({ owners: KINDS.length, minEvents: 6, maxEvents: 18 }), {
        seed: run.seed,
        numRuns: run.streams,
      })
      .map((events) => events.map(alongKinds));

    it('agrees on every fill, void, remainder, refusal and balance', async () => {
      for (const [s, events] of streams.entries()) {
        const relayed = s % 2 === 1;
        await topUp(s);
        const period = await c.openPeriod();
        const gateClosure = await c.market.read.read.gateClosure([period]);
        const capacity = await clearingCapacity(grid, c.market.address, period, ids());
        let book = openBook({
          gateClosure,
          margin: await c.market.read.read.marginAmount(),
          balances,
          ...(charges === undefined ? {} : { charges }),
          ...(capacity === undefined
            ? {}
            : { capacity: { limits: capacity.limits, usedWh: capacity.usedWh ?? new Map() } }),
        });
        const gridBefore = await c.t.platform.read.token.read.balanceOf([c.t.accounts.publicGrid.address]);
        let charged = 0n;
        for (const [e, event] of events.entries()) {
          if (s % 3 === 2 && e === Math.floor(events.length / 3)) book = await withdrawFromBestBidder(book);
          const at = (await c.t.clock.now()) + 1n;
          const trader = traders[event.owner]!;
          const kind = KINDS[event.owner]!;
          if (
            event.kind === 'place' &&
            ((kind === 'producer' && event.side === 'buy') || (kind === 'consumer' && event.side === 'sell'))
          ) {
            // The core knows nothing of kinds: the registry's kind rule is the contract's alone.
            const before = await c.snapshot(period, ids(), accounts());
            const refusal = await refusalOf(send(event, book, period, relayed, 0));
            expect([refusal.errorName, refusal.args]).toEqual([
              'OrderSideNotAllowed',
              [trader.id, SIDE_CODE[event.side]],
            ]);
            expect(await c.snapshot(period, ids(), accounts())).toBe(before);
            totals.refusals++;
            continue;
          }
          const { book: next, outcome } = applyStreamEvent(book, event, owners, at);
          if (outcome === null) continue;
          totals.events++;
          if (outcome.kind === 'refused') {
            const target = event.kind === 'cancel' ? cancelTarget(book, event, owners)! : null;
            const id = target === null ? trader.id : Number(target.owner);
            const [name, args] = expectedRefusal(outcome.error, period, id);
            const before = await c.snapshot(period, ids(), accounts());
            const refusal = await refusalOf(send(event, book, period, relayed, 0));
            expect(refusal.errorName).toBe(name);
            if (args !== null) expect(refusal.args).toEqual(args);
            expect(await c.snapshot(period, ids(), accounts())).toBe(before);
            totals.refusals++;
            continue;
          }
          const hint = outcome.kind === 'placed' ? outcome.result.restsAfter : 0;
          const chain = await send(event, book, period, relayed, hint);
          if (outcome.kind === 'placed') {
            const { result } = outcome;
            expect(chain.fills).toEqual(
              result.fills.map((f) => ({
                makerOrderId: f.makerOrderId,
                takerOrderId: f.takerOrderId,
                sellerId: Number(f.seller),
                buyerId: Number(f.buyer),
                quantityWh: f.quantityWh,
                pricePerWh: f.pricePerWh,
              })),
            );
            expect(chain.voided).toEqual(result.voided.map((o) => o.id));
            expect(chain.capacityCut).toEqual(
              result.capacityCut.map((x) => ({
                orderId: x.orderId,
                participantId: Number(x.owner),
                droppedWh: x.droppedWh,
              })),
            );
            totals.capacityCuts += result.capacityCut.length;
            expect(chain.placed).toEqual([
              {
                orderId: result.orderId,
                participantId: trader.id,
                restingWh: result.resting?.remainingWh ?? 0n,
              },
            ]);
            totals.fills += result.fills.length;
            charged += result.fills.reduce((sum, f) => sum + (f.wheelingFee ?? 0n) + (f.levy ?? 0n), 0n);
            totals.voids += result.voided.length;
          } else {
            expect(chain.cancelled).toEqual([outcome.cancelled.id]);
          }
          book = next;
        }
        await expectSameBook(book, period);
        expect(await c.t.platform.read.token.read.balanceOf([c.t.accounts.publicGrid.address])).toBe(
          gridBefore + charged,
        );
        totals.charged += charged;

        // Gate closure: nothing more is accepted; the remainders expire as the core closes the book.
        await c.closeGate(period);
        const late = traders[4]!;
        const lateRefusal = await refusalOf(
          execute(
            c.t.connection,
            late.account,
            {
              address: c.market.address,
              abi: continuousMarketAbi,
              functionName: 'place',
              args: [period, 0, 1n, 1n, 0],
            },
            'late order',
          ),
        );
        expect(lateRefusal.errorName).toBe('OrderGateClosed');
        const closed = closeBook(book, gateClosure);
        const receipt = await expireContinuousOrders(c.market, c.t.keeper, period);
        expect(receipt === null ? [] : continuousOutcome(receipt).expired).toEqual(
          closed.expired.map((o) => o.id),
        );
        totals.expired += closed.expired.length;
        for (const id of ids()) expect(await c.market.read.read.reservedOf([id])).toBe(0n);
        balances = new Map(closed.book.balances!);
      }
      console.log(
        `${run.streams} streams: ${JSON.stringify(totals, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
      );
      // The streams must have exercised every path, not just the quiet ones.
      const scale = run.streams / 40;
      expect(totals.fills).toBeGreaterThan(70 * scale);
      expect(totals.refusals).toBeGreaterThan(20 * scale);
      expect(totals.voids).toBeGreaterThan(0);
      expect(totals.expired).toBeGreaterThan(20 * scale);
      expect(totals.charged > 0n).toBe(run.levels !== undefined);
      expect(totals.capacityCuts > 0).toBe(run.feeders !== undefined);
    }, 300_000);

    it.runIf(run.levels !== undefined)(
      'refuses a buy order without a voltage level while a wheeling fee applies, changing nothing',
      async () => {
        const unconnected = await c.trader('unconnected', 'consumer', UNIT);
        const period = await c.openPeriod();
        const before = await c.snapshot(period, [unconnected.id], [unconnected.account]);
        const refusal = await refusalOf(
          placeContinuousOrder(c.market, unconnected.account, unconnected.id, {
            period,
            side: 'buy',
            quantityWh: 10n,
            pricePerWh: perKwh('0.5'),
          }),
        );
        expect([refusal.errorName, refusal.args]).toEqual(['GridNotConnected', [unconnected.id]]);
        expect(await c.snapshot(period, [unconnected.id], [unconnected.account])).toBe(before);
      },
    );

    /** Buyers spend and sellers earn: each stream starts with every wallet back at its deposit. */
    async function topUp(stream: number) {
      for (const [i, trader] of traders.entries()) {
        const owner = String(trader.id);
        const missing = DEPOSITS[i]! - balances.get(owner)!;
        if (missing <= 0n) continue;
        await deposit(
          c.t.platform,
          c.t.accounts.settlementAgent,
          trader.account.address,
          missing,
          `top-up ${stream}`,
        );
        balances.set(owner, DEPOSITS[i]!);
      }
    }

    /**
     * Money leaves the best bidder through the sealed-bid market: its bids may be voided later. In a
     * deployment the token's holds keep a withdrawal from taking it (continuousWithdrawals.test.ts), but
     * the sealed-bid market's trades and settlements, and this market's settlement of an earlier
     * period, still can; a withdrawal without the holds stands for them.
     */
    async function withdrawFromBestBidder(book: ContinuousBook): Promise<ContinuousBook> {
      const best = book.bids[0];
      if (best === undefined) return book;
      const owner = byOwner(best.owner);
      const balance = book.balances!.get(best.owner)!;
      const amount = balance - balance / 10n;
      if (amount === 0n) return book;
      await withdraw(
        c.t.platform,
        c.t.accounts.settlementAgent,
        owner.account,
        amount,
        `cda withdrawal ${best.id}`,
      );
      return setBalance(book, best.owner, balance - amount);
    }

    async function expectSameBook(book: ContinuousBook, period: bigint) {
      const chain = await readBook(c.market, period, ids());
      expect(chain.asks).toEqual(book.asks);
      expect(chain.bids).toEqual(book.bids);
      expect(chain.nextOrderId).toBe(book.nextOrderId);
      for (const owner of owners) {
        expect(chain.balances!.get(owner)).toBe(book.balances!.get(owner));
        expect(chain.reserved.get(owner)).toBe(book.reserved.get(owner) ?? 0n);
        expect(chain.positions.get(owner)).toEqual(book.positions.get(owner));
      }
    }
  },
);
