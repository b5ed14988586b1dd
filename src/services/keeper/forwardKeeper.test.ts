/**
 * The keeper settles forward deliveries (large-user direct purchase): nothing before the period's
 * reading deadline, then each party's delivery — with its reading, or as missing — and the period is
 * finished only then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signReading } from '../../chain/bidding.ts';
import {
  buyForwardRights,
  issueForwardOffer,
  openForwardRights,
  registerForwardOffer,
  setLargeUser,
  submitForwardReadings,
  type ForwardRights,
} from '../../chain/forwardRights.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from '../../chain/testing/testPlatform.ts';
import { periodWindows } from '../../core/periodClock.ts';
import { createKeeper, type Keeper } from './keeper.ts';

const UNIT = 10n ** 18n;

describe('the keeper and forward deliveries', () => {
  let t: TestPlatform;
  let rights: ForwardRights;
  let keeper: Keeper;
  let producer: Enrolled;
  let factory: Enrolled;
  let period: bigint;

  beforeAll(async () => {
    t = await startTestPlatform({ forwardRights: true });
    rights = openForwardRights(t.connection, t.platform.deployment)!;
    const enrol = async (name: string, kind: 'producer' | 'consumer') => {
      const e = await t.enrol({ name, kind, greenSupply: false, greenPreference: false }, UNIT);
      await t.connection.testClient!.setBalance({ address: e.account.address, value: UNIT });
      return e;
    };
    producer = await enrol('producer', 'producer');
    factory = await enrol('factory', 'consumer');
    await t.fundGrid(UNIT);
    await setLargeUser(rights, t.accounts.operator, factory.id, true);
    period = (await t.platform.read.market.read.currentPeriod()) + 2n;
    const { offerId } = await registerForwardOffer(rights, producer.account, {
      firstPeriod: period,
      lastPeriod: period,
      whPerPeriod: 200n,
      pricePerWh: 400_000_000_000_000n,
    });
    await issueForwardOffer(rights, t.accounts.operator, offerId);
    await buyForwardRights(rights, factory.account, offerId, 150n);
    keeper = createKeeper({
      platform: t.platform,
      account: t.keeper,
      schedule: t.schedule,
      clock: t.clock,
      maxClearingEntriesPerTransaction: 400,
      firstPeriod: period,
      forwardRights: rights,
    });
  }, 120_000);
  afterAll(async () => await t?.stop());

  it('settles each party once the reading deadline has passed, then finishes the period', async () => {
    const w = periodWindows(t.schedule, period);
    await t.clock.advanceTo(w.deliveryEnds + 1n);
    await submitForwardReadings(rights, t.accounts.relayer, [
      await signReading(t.platform, factory.meter, {
        participantId: factory.id,
        period,
        importWh: 160n,
        exportWh: 0n,
      }),
    ]);
    const early = await keeper.tick();
    expect(early.actions.filter((a) => a.kind === 'settled-forward')).toEqual([]);
    expect(early.oldestUnfinished).toBe(period);

    await t.clock.advanceTo(w.readingDeadline);
    const late = await keeper.tick();
    expect(late.actions).toContainEqual({
      kind: 'settled-forward',
      period,
      participants: [producer.id, factory.id].sort((a, b) => a - b),
      transactions: 1,
    });
    expect(late.oldestUnfinished).toBeGreaterThan(period);
    expect((await rights.read.read.deliveryOf([period, factory.id])).actualWh).toBe(160);
    for (const id of [producer.id, factory.id])
      expect((await rights.read.read.deliveryOf([period, id])).flags & 2).toBe(2);
    // Nothing is settled twice.
    expect((await keeper.tick()).actions.filter((a) => a.kind === 'settled-forward')).toEqual([]);
  });
});
