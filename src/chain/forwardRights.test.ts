/**
 * Forward rights (large-user direct purchase) on chain equal the market core's to the unit: generated
 * registrations, issuances, purchases and sales (many refused) are decided by the core first and the
 * contract must agree on each outcome, each payment and the book after; then meters sign readings
 * (some missing) and every delivery's settlement, balance and debt is compared with the core's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, type LocalAccount } from 'viem';
import {
  acceptSale,
  buyRights,
  cancelSale,
  EMPTY_FORWARD_BOOK,
  forwardSchedule,
  issueOffer,
  offerSale,
  registerOffer,
  settleForwardDelivery,
  type ForwardBook,
  type ForwardContext,
  type ForwardParty,
  type ForwardResult,
} from '../core/forwardRights.ts';
import type { UnitKind } from '../core/maintenance.ts';
import { periodWindows } from '../core/periodClock.ts';
import { REFERENCE_PARAMETERS } from '../core/settlement.ts';
import { sfc32 } from '../random/sfc32.ts';
import { actualInDirection } from '../simulation/metering.ts';
import { signReading } from './bidding.ts';
import { ContractRefusedError } from './errors.ts';
import {
  acceptForwardSale,
  buyForwardRights,
  cancelForwardSale,
  issueForwardOffer,
  offerForwardSale,
  openForwardRights,
  readForwardBook,
  registerForwardOffer,
  setLargeUser,
  setRegion,
  setRegionFee,
  settledDeliveries,
  settleForwardDeliveries,
  submitForwardReadings,
  type ForwardRights,
} from './forwardRights.ts';
import { openMaintenancePlans, publishMaintenance } from './maintenancePlans.ts';
import { newAccount } from './devAccounts.ts';
import { registerBySignature } from './participants.ts';
import { startTestPlatform, type TestPlatform } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const PRICE = 400_000_000_000_000n; // 0.4 per kWh
const FEE = 15_000_000_000_000n; // 0.015 per kWh

interface Party {
  readonly name: string;
  readonly account: LocalAccount;
  readonly id: number;
  readonly kind: UnitKind;
  readonly authorised: boolean;
  readonly meter?: LocalAccount;
}

describe('forward rights: contract = core on generated trading, delivery and settlement', () => {
  let t: TestPlatform;
  let rights: ForwardRights;
  const parties: Party[] = [];
  let maintenanceUnit: Party;
  const regions = [0, 1, 2];

  beforeAll(async () => {
    t = await startTestPlatform({ forwardRights: true, maintenancePlans: true });
    rights = openForwardRights(t.connection, t.platform.deployment)!;
    const enrol = async (name: string, kind: UnitKind, amount: bigint) => {
      const e = await t.enrol(
        { name, kind, greenSupply: kind !== 'consumer', greenPreference: false },
        amount,
      );
      await t.connection.testClient!.setBalance({ address: e.account.address, value: 10n ** 20n });
      const party: Party = { name, account: e.account, id: e.id, kind, authorised: true, meter: e.meter };
      parties.push(party);
      return party;
    };
    const producer = await enrol('producer', 'producer', UNIT);
    const prosumer = await enrol('prosumer', 'prosumer', UNIT);
    maintenanceUnit = await enrol('unit under maintenance', 'producer', UNIT);
    const large1 = await enrol('large user 1', 'consumer', 5n * UNIT);
    const large2 = await enrol('large user 2', 'consumer', 5n * UNIT);
    // Little money: some purchases fail on the budget, and a shortfall turns into debt.
    const poor = await enrol('small large user', 'consumer', UNIT / 40n);
    await enrol('ordinary consumer', 'consumer', UNIT);
    const unauthorised = newAccount();
    const unauthorisedId = await registerBySignature(t.platform, t.accounts.relayer, unauthorised, {
      name: 'not authorised',
      kind: 'producer',
      greenSupply: true,
      greenPreference: false,
    });
    await t.connection.testClient!.setBalance({ address: unauthorised.address, value: 10n ** 20n });
    parties.push({
      name: 'not authorised',
      account: unauthorised,
      id: unauthorisedId,
      kind: 'producer',
      authorised: false,
    });
    parties.push({ name: 'stranger', account: newAccount(), id: 0, kind: 'consumer', authorised: false });
    for (const p of [large1, large2, poor]) await setLargeUser(rights, t.accounts.operator, p.id, true);
    await setRegion(rights, t.accounts.operator, producer.id, 1);
    await setRegion(rights, t.accounts.operator, prosumer.id, 2);
    await setRegion(rights, t.accounts.operator, maintenanceUnit.id, 1);
    await setRegionFee(rights, t.accounts.operator, 1, FEE);
    await setRegionFee(rights, t.accounts.operator, 2, FEE * 2n);
    await t.fundGrid(100n * UNIT);
  }, 120_000);

  afterAll(async () => t?.stop());

  const balanceOf = (p: Party) => t.platform.read.token.read.balanceOf([p.account.address]);
  const grid = () => t.platform.read.token.read.balanceOf([t.accounts.publicGrid.address]);
  const windows = (period: bigint) => periodWindows(t.schedule, period);

  it('agrees on every action, payment, schedule and settlement', async () => {
    const random = sfc32(27_11_2026);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const plans = openMaintenancePlans(t.connection, t.platform.deployment)!;
    const start = await t.platform.read.market.read.currentPeriod();
    const { planId } = await publishMaintenance(plans, t.accounts.operator, {
      unitId: maintenanceUnit.id,
      fromPeriod: start + 4n,
      toPeriod: start + 5n,
      workOrder: toHex('WO-forward', { size: 32 }),
    });
    const maintenance = { unitId: maintenanceUnit.id, fromPeriod: start + 4n, toPeriod: start + 5n, planId };

    let book: ForwardBook = EMPTY_FORWARD_BOOK;
    const fromChain = await readForwardBook(
      rights,
      parties.map((p) => p.id),
      regions,
    );
    book = {
      ...book,
      largeUsers: fromChain.largeUsers,
      regionOf: fromChain.regionOf,
      regionFeePerWh: fromChain.regionFeePerWh,
    };
    const outcomes = new Map<string, number>();
    const actors = parties;
    const producers = parties.filter((p) => p.kind !== 'consumer');

    for (let round = 0n; round < 3n; round++) {
      // Each round acts early in a period, far from any window edge, so core and chain see one time.
      const period = start + 1n + round;
      await t.clock.advanceTo(windows(period).deliveryStarts + 60n);
      const now = await t.clock.now();
      const context: ForwardContext = {
        currentPeriod: period,
        now,
        commitOpens: (p) => windows(p).commitOpens,
        planOverlapping: (unitId, from, to) =>
          unitId === maintenance.unitId && from <= maintenance.toPeriod && maintenance.fromPeriod <= to
            ? Number(maintenance.planId)
            : 0,
      };
      for (let step = 0; step < 45; step++) {
        const actor = pick(actors);
        const party = async (p: Party): Promise<ForwardParty | null> =>
          p.id === 0
            ? null
            : { id: p.id, kind: p.kind, authorised: p.authorised, balance: await balanceOf(p) };
        const kind = pick([
          'register',
          'register',
          'issue',
          'issue',
          'buy',
          'buy',
          'buy',
          'sell',
          'sell',
          'accept',
          'accept',
          'cancel',
        ]);
        // Mostly an offer the action can apply to; now and then any id, unknown ones included.
        const fitting = book.offers.filter((o) => o.issued === (kind !== 'issue'));
        const offerId =
          fitting.length > 0 && random() < 0.75
            ? pick(fitting).offerId
            : book.offers.length > 0 && random() < 0.6
              ? pick(book.offers).offerId
              : Math.floor(random() * (book.offers.length + 2));
        const largeUsers = parties.filter((p) => book.largeUsers.has(p.id));
        let expected: ForwardResult;
        let onChain: () => Promise<unknown>;
        if (kind === 'register') {
          const who = random() < 0.8 ? pick(producers) : actor;
          const firstPeriod = period + BigInt(pick([1, 2, 2, 3, 3, 4, 5]));
          const lastPeriod = firstPeriod + BigInt(pick([0, 0, 1, 2, 3, -1, 96]));
          const offer = {
            firstPeriod,
            lastPeriod,
            whPerPeriod: BigInt(pick([0, 50, 200, 400, 1000])),
            pricePerWh: PRICE + BigInt(pick([0, 1, 2, 3])) * 10_000_000_000_000n,
          };
          expected = registerOffer(book, await party(who), offer, context);
          onChain = () => registerForwardOffer(rights, who.account, offer);
        } else if (kind === 'issue') {
          expected = issueOffer(book, offerId, context);
          onChain = () => issueForwardOffer(rights, t.accounts.operator, offerId);
        } else if (kind === 'buy') {
          const wh = BigInt(pick([0, 10, 50, 100, 200, 400, 2000]));
          const buyer = random() < 0.8 ? pick(largeUsers) : actor;
          expected = buyRights(book, await party(buyer), offerId, wh, context);
          onChain = () => buyForwardRights(rights, buyer.account, offerId, wh);
        } else if (kind === 'sell') {
          const buyer = random() < 0.8 ? pick(largeUsers) : pick(parties);
          const held = [...book.holdings.keys()].map((k) => k.split(':').map(Number) as [number, number]);
          const [heldOffer, holderId] = held.length > 0 && random() < 0.8 ? pick(held) : [offerId, actor.id];
          const sale = {
            offerId: heldOffer,
            buyerId: buyer.id,
            whPerPeriod: BigInt(pick([0, 10, 30, 100, 500])),
            pricePerWh: PRICE + BigInt(pick([-5, 0, 5])) * 10_000_000_000_000n,
          };
          // Mostly a holder sells.
          const seller = parties.find((p) => p.id === holderId && random() < 0.9) ?? actor;
          expected = offerSale(book, await party(seller), sale, context);
          onChain = () => offerForwardSale(rights, seller.account, sale);
        } else {
          const open = book.sales.filter((x) => x.open);
          const saleId =
            open.length > 0 && random() < 0.8
              ? pick(open).saleId
              : Math.floor(random() * (book.sales.length + 2));
          const s = book.sales[saleId - 1];
          const who =
            random() < 0.7 && s !== undefined
              ? parties.find((p) => p.id === (kind === 'accept' ? s.buyerId : s.sellerId))!
              : actor;
          if (kind === 'accept') {
            expected = acceptSale(book, await party(who), saleId, context);
            onChain = () => acceptForwardSale(rights, who.account, saleId);
          } else {
            expected = cancelSale(book, await party(who), saleId);
            onChain = () => cancelForwardSale(rights, who.account, saleId);
          }
        }
        const before = await Promise.all(parties.map(balanceOf));
        const gridBefore = await grid();
        const outcome = await onChain().then(
          () => 'done',
          (error: unknown) => {
            if (error instanceof ContractRefusedError) return error.errorName;
            throw error;
          },
        );
        const label = `round ${round} step ${step}: ${kind} by ${actor.name}`;
        expect(outcome, label).toBe(expected.refusal ?? 'done');
        outcomes.set(
          outcome === 'done' ? kind : outcome,
          (outcomes.get(outcome === 'done' ? kind : outcome) ?? 0) + 1,
        );
        if (expected.refusal !== undefined) {
          // A refusal changes nothing (the book is compared at the end of the round).
          expect(await Promise.all(parties.map(balanceOf)), label).toEqual(before);
          continue;
        }
        book = expected.book;
        // Each payment moved exactly what the core says, and nothing else moved.
        const deltas = new Map<number | 'grid', bigint>();
        for (const pay of expected.payments) {
          deltas.set(pay.from, (deltas.get(pay.from) ?? 0n) - pay.amount);
          deltas.set(pay.to, (deltas.get(pay.to) ?? 0n) + pay.amount);
        }
        const after = await Promise.all(parties.map(balanceOf));
        for (const [i, p] of parties.entries())
          if (p.id !== 0) expect(after[i]! - before[i]!, `${label}: ${p.name}`).toBe(deltas.get(p.id) ?? 0n);
        expect((await grid()) - gridBefore, label).toBe(deltas.get('grid') ?? 0n);
      }
      const chainBook = await readForwardBook(
        rights,
        parties.map((p) => p.id),
        regions,
      );
      const { live: _live, ...coreBook } = book;
      expect(chainBook).toEqual(coreBook);
    }
    for (const name of [
      'register',
      'issue',
      'buy',
      'sell',
      'accept',
      'ForwardTooSoon',
      'ForwardWindowInvalid',
      'ForwardQuantityOutOfRange',
      'ForwardUnitUnderMaintenance',
      'ForwardOfferUnknown',
      'ForwardOfferNotIssued',
      'ForwardNotLargeUser',
      'ForwardRightsUnavailable',
      'ForwardNotProducer',
      'ForwardNotRegistered',
      'ForwardNotAuthorised',
      'ForwardTradingClosed',
    ])
      expect(
        outcomes.get(name) ?? 0,
        `${name} never happened: ${JSON.stringify([...outcomes])}`,
      ).toBeGreaterThan(0);

    // Delivery: schedules as the core's, then readings (some missing) and settlement.
    const lastPeriod = book.offers.reduce((m, o) => (o.issued && o.lastPeriod > m ? o.lastPeriod : m), 0n);
    const metered = parties.filter((p) => p.meter !== undefined);
    const expectedOutcomes = new Map<string, ReturnType<typeof settleForwardDelivery>>();
    const scheduled = new Map<bigint, number[]>();
    for (let period = start + 3n; period <= lastPeriod; period++) {
      for (const p of metered) {
        const schedule = forwardSchedule(book, p.id, period);
        const onChain = await rights.read.read.scheduleOf([p.id, period]);
        expect([onChain.sell, onChain.scheduledWh, onChain.value]).toEqual([
          schedule.sell,
          schedule.scheduledWh,
          schedule.value,
        ]);
        expect(await rights.read.read.hasSchedule([p.id, period])).toBe(schedule.scheduledWh > 0n);
      }
      await t.clock.advanceTo(windows(period).deliveryEnds + 5n);
      const readings = metered.flatMap((p) => {
        if (random() < 0.2) return [];
        // The small large user draws far more than it bought: a shortfall beyond its balance.
        const flow =
          p.name === 'small large user'
            ? { importWh: 5_000n, exportWh: 0n }
            : { importWh: BigInt(Math.floor(random() * 500)), exportWh: BigInt(Math.floor(random() * 500)) };
        const schedule = forwardSchedule(book, p.id, period);
        if (schedule.scheduledWh > 0n)
          expectedOutcomes.set(
            `${period}:${p.id}`,
            settleForwardDelivery(
              schedule,
              actualInDirection(schedule.sell ? 'sell' : 'buy', flow),
              REFERENCE_PARAMETERS,
            ),
          );
        return [{ p, flow }];
      });
      const signed = await Promise.all(
        readings.map(({ p, flow }) =>
          signReading(t.platform, p.meter!, { participantId: p.id, period, ...flow }),
        ),
      );
      if (signed.length > 0) await submitForwardReadings(rights, t.accounts.relayer, signed);
      const ids = metered
        .filter((p) => forwardSchedule(book, p.id, period).scheduledWh > 0n)
        .map((p) => p.id);
      scheduled.set(period, ids);
      for (const id of ids) {
        const key = `${period}:${id}`;
        if (!expectedOutcomes.has(key))
          expectedOutcomes.set(
            key,
            settleForwardDelivery(forwardSchedule(book, id, period), null, REFERENCE_PARAMETERS),
          );
      }
    }
    await t.clock.advanceTo(windows(lastPeriod).readingDeadline);
    let settledCount = 0;
    let missing = 0;
    let debts = 0;
    for (const [period, ids] of scheduled) {
      if (ids.length === 0) continue;
      const before = await Promise.all(metered.map(balanceOf));
      const debtsBefore = await Promise.all(metered.map((p) => rights.read.read.debtOf([p.id])));
      const gridBefore = await grid();
      const receipt = await settleForwardDeliveries(rights, t.keeper, period, ids);
      const settled = settledDeliveries(receipt);
      expect(settled.map((s) => s.participantId)).toEqual(ids);
      let paidOut = 0n;
      for (const s of settled) {
        const e = expectedOutcomes.get(`${period}:${s.participantId}`)!;
        expect([s.readingMissing, s.imbalanceWh, s.imbalanceAmount, s.reward, s.penalty]).toEqual([
          e.readingMissing,
          e.imbalanceWh,
          e.imbalanceAmount,
          e.reward,
          e.penalty,
        ]);
        const i = metered.findIndex((p) => p.id === s.participantId);
        const delta = (await balanceOf(metered[i]!)) - before[i]!;
        const owed = (await rights.read.read.debtOf([s.participantId])) - debtsBefore[i]!;
        if (owed > 0n) debts++;
        if (e.readingMissing) missing++;
        // It got (or paid, or now owes) exactly imbalance + reward − penalty.
        expect(delta - owed).toBe(e.imbalanceAmount + e.incentiveNet);
        paidOut += delta;
        settledCount++;
      }
      expect(gridBefore - (await grid())).toBe(paidOut);
    }
    expect(settledCount).toBeGreaterThan(3);
    expect(missing).toBeGreaterThan(0);
    expect(debts).toBeGreaterThan(0);
  }, 300_000);
});
