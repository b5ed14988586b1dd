/**
 * The continuous market's settlement on chain equals the market core's to the unit: generated order
 * flows build positions (compared with the core's), meters sign readings (some missing, some the
 * other way round), and every ParticipantSettled amount, every balance and debt change and the grid's
 * float are compared with `settleContinuousPositions`. Some traders hold too little to pay, so debts
 * arise; they are repaid before the next flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  placeOrder,
  settleContinuousPositions,
  type ContinuousBook,
  type Fill,
} from '../core/continuousAuction.ts';
import { REFERENCE_PARAMETERS } from '../core/settlement.ts';
import { WattLedgerError } from '../core/errors.ts';
import { actualInDirection } from '../simulation/metering.ts';
import { signReading } from './bidding.ts';
import { placeContinuousOrder, readBook } from './continuousMarket.ts';
import { startContinuousTestPlatform, type ContinuousTestPlatform } from './continuousMarketTesting.ts';
import {
  continuousPositions,
  continuousSettlementOutcome,
  settleContinuousPeriod,
  submitContinuousReadings,
} from './continuousSettlement.ts';
import { continuousMarketAbi } from './generated/ContinuousMarket.ts';
import { deposit } from './participants.ts';
import { execute } from './transactions.ts';
import type { ParticipantKind } from './typedData.ts';
import type { Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const CASES = 10;
const KINDS: ParticipantKind[] = ['producer', 'producer', 'consumer', 'consumer', 'prosumer', 'prosumer'];
// The second producer and the second consumer hold little: penalties and shortfalls turn into debt.
const DEPOSITS = [UNIT, UNIT / 500n, UNIT, UNIT / 6n, UNIT / 3n, UNIT / 3n];

const flowArbitrary = fc.record({
  orders: fc.array(
    fc.record({
      owner: fc.nat({ max: KINDS.length - 1 }),
      buy: fc.boolean(),
      quantityWh: fc.bigInt({ min: 1n, max: 400n }),
      cents: fc.integer({ min: 40, max: 60 }),
    }),
    { minLength: 4, maxLength: 14 },
  ),
  readings: fc.array(
    fc.option(
      fc.record({ importWh: fc.bigInt({ min: 0n, max: 600n }), exportWh: fc.bigInt({ min: 0n, max: 600n }) }),
      {
        freq: 4,
      },
    ),
    { minLength: KINDS.length, maxLength: KINDS.length },
  ),
  settleReadFirst: fc.boolean(),
});

describe('continuous market settlement: contract = core on generated flows', () => {
  let c: ContinuousTestPlatform;
  const traders: Enrolled[] = [];

  beforeAll(async () => {
    c = await startContinuousTestPlatform();
    for (const [i, kind] of KINDS.entries()) traders.push(await c.trader(`t${i}`, kind, DEPOSITS[i]!));
    await c.t.fundGrid(100n * UNIT);
  }, 120_000);

  afterAll(async () => {
    await c?.stop();
  });

  const token = () => c.t.platform.read.token.read;
  const balanceOf = (t: Enrolled) => token().balanceOf([t.account.address]);
  const ownerOf = (id: string) => traders.find((t) => String(t.id) === id)!;

  /** Repays the debts an earlier flow left, so the orders meet no OrderInDebt the core cannot see. */
  async function clearDebts(flow: number) {
    for (const t of traders) {
      const debt = await c.market.read.read.debtOf([t.id]);
      if (debt === 0n) continue;
      await deposit(
        c.t.platform,
        c.t.accounts.settlementAgent,
        t.account.address,
        debt + UNIT / 100n,
        `debt ${flow}`,
      );
      await execute(
        c.t.connection,
        c.t.keeper,
        { address: c.market.address, abi: continuousMarketAbi, functionName: 'repayDebt', args: [t.id] },
        'repay',
      );
      expect(await c.market.read.read.debtOf([t.id])).toBe(0n);
    }
  }

  const flows = fc.sample(flowArbitrary, { seed: 2008, numRuns: CASES });

  it('agrees on positions, every settlement amount, balances, debts and the grid', async () => {
    let settledPositions = 0;
    let debts = 0;
    let missing = 0;
    for (const [f, flow] of flows.entries()) {
      await clearDebts(f);
      const period = await c.openPeriod();
      let book: ContinuousBook = await readBook(
        c.market,
        period,
        traders.map((t) => t.id),
      );
      const fills: Fill[] = [];
      for (const order of flow.orders) {
        const trader = traders[order.owner]!;
        const kind = KINDS[order.owner]!;
        const side = kind === 'producer' ? 'sell' : kind === 'consumer' ? 'buy' : order.buy ? 'buy' : 'sell';
        const pricePerWh = BigInt(order.cents + (side === 'buy' ? 5 : 0)) * 10_000_000_000_000n;
        const request = { owner: String(trader.id), side, quantityWh: order.quantityWh, pricePerWh } as const;
        const now = (await c.t.connection.publicClient.getBlock()).timestamp;
        let placed;
        try {
          placed = placeOrder(book, { ...request, at: now + 1n });
        } catch (error) {
          // The core's refusals and the contract's are compared in continuousMatchesCore.test.ts.
          if (error instanceof WattLedgerError) continue;
          throw error;
        }
        const { outcome } = await placeContinuousOrder(c.market, trader.account, trader.id, {
          period,
          side,
          quantityWh: order.quantityWh,
          pricePerWh,
        });
        expect(outcome.fills.map((x) => [x.quantityWh, x.pricePerWh])).toEqual(
          placed.fills.map((x) => [x.quantityWh, x.pricePerWh]),
        );
        fills.push(...placed.fills);
        book = placed.book;
      }
      const onChain = await continuousPositions(c.market, period);
      expect(
        new Map(onChain.map((p) => [String(p.participantId), { side: p.side, filledWh: p.filledWh }])),
      ).toEqual(book.positions);
      const traded = await c.market.read.read.tradedOf([period]);
      expect([traded.quantityWh, traded.value]).toEqual([
        fills.reduce((s, x) => s + x.quantityWh, 0n),
        fills.reduce((s, x) => s + x.amount, 0n),
      ]);
      if (book.positions.size === 0) continue;

      // Readings: every meter with a reading signs it once, under the sealed-bid market's domain.
      const deadline = await c.market.read.read.readingDeadline([period]);
      await c.t.clock.advanceTo(deadline - (await c.market.read.read.readingSeconds()));
      const signed = await Promise.all(
        traders.flatMap((t, i) => {
          const r = flow.readings[i];
          return r == null ? [] : [signReading(c.t.platform, t.meter, { participantId: t.id, period, ...r })];
        }),
      );
      if (signed.length > 0) await submitContinuousReadings(c.market, c.t.accounts.relayer, signed);

      const readings = new Map<string, bigint | null>();
      for (const [owner, position] of book.positions) {
        const r = flow.readings[traders.indexOf(ownerOf(owner))];
        readings.set(owner, r == null ? null : actualInDirection(position.side, r));
      }
      const expected = new Map(
        settleContinuousPositions(book.positions, fills, readings, REFERENCE_PARAMETERS).map((s) => [
          Number(s.owner),
          s.outcome,
        ]),
      );

      const before = await Promise.all(traders.map(balanceOf));
      const debtsBefore = await Promise.all(traders.map((t) => c.market.read.read.debtOf([t.id])));
      const gridBefore = await token().balanceOf([c.t.accounts.publicGrid.address]);
      const receipts = [];
      if (flow.settleReadFirst) {
        const early = await settleContinuousPeriod(c.market, c.t.keeper, period);
        expect(early.pending.length + early.settled.length).toBe(book.positions.size);
        receipts.push(...early.transactions);
      }
      await c.t.clock.advanceTo(deadline);
      const late = await settleContinuousPeriod(c.market, c.t.keeper, period);
      expect(late.pending).toEqual([]);
      receipts.push(...late.transactions);

      const settled = (
        await Promise.all(
          receipts.map(async (r) =>
            continuousSettlementOutcome(
              await c.t.connection.publicClient.getTransactionReceipt({ hash: r.hash }),
            ),
          ),
        )
      ).flatMap((o) => o.settled);
      expect(settled.length).toBe(book.positions.size);
      for (const s of settled) {
        const e = expected.get(s.participantId)!;
        expect([s.readingMissing, s.imbalanceWh, s.imbalanceAmount, s.reward, s.penalty]).toEqual([
          e.readingMissing,
          e.imbalanceWh,
          e.imbalanceAmount,
          e.reward,
          e.penalty,
        ]);
        if (e.readingMissing) missing++;
      }
      settledPositions += settled.length;

      // Each participant got (or paid, or now owes) exactly imbalance + reward − penalty.
      let paidOut = 0n;
      for (const [i, t] of traders.entries()) {
        const delta = (await balanceOf(t)) - before[i]!;
        const owed = (await c.market.read.read.debtOf([t.id])) - debtsBefore[i]!;
        if (owed > 0n) debts++;
        const e = expected.get(t.id);
        expect(delta - owed).toBe(e === undefined ? 0n : e.imbalanceAmount + e.incentiveNet);
        paidOut += delta;
      }
      expect(await token().balanceOf([c.t.accounts.publicGrid.address])).toBe(gridBefore - paidOut);
      for (const p of await continuousPositions(c.market, period)) expect(p.settled).toBe(true);
    }
    // The generated flows reach the interesting cases.
    expect(settledPositions).toBeGreaterThan(10);
    expect(missing).toBeGreaterThan(0);
    expect(debts).toBeGreaterThan(0);
  }, 600_000);
});
