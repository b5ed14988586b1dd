/**
 * The keeper on a continuous-market deployment: it expires what rests in a period's book at gate
 * closure, settles each position whose reading the relayer brought to the continuous market, and
 * the rest as missing once the reading deadline has passed; then the period is finished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signReading } from '../../chain/bidding.ts';
import {
  openContinuousMarket,
  placeContinuousOrder,
  type ContinuousMarket,
} from '../../chain/continuousMarket.ts';
import { continuousPositions } from '../../chain/continuousSettlement.ts';
import { startTestPlatform, type Enrolled, type TestPlatform } from '../../chain/testing/testPlatform.ts';
import { periodWindows } from '../../core/periodClock.ts';
import { createKeeper, type Keeper, type KeeperAction } from './keeper.ts';

const UNIT = 10n ** 18n;
const P = (cents: bigint) => cents * 10_000_000_000_000n;

describe('the keeper on the continuous market', () => {
  let t: TestPlatform;
  let cda: ContinuousMarket;
  let keeper: Keeper;
  let seller: Enrolled;
  let buyer: Enrolled;
  let bidder: Enrolled;
  let period: bigint;

  beforeAll(async () => {
    t = await startTestPlatform({ continuousMarket: { gateClosureSeconds: 300, marginAmount: 10n ** 15n } });
    cda = openContinuousMarket(t.connection, t.platform.deployment.continuousMarket!);
    const trader = async (name: string, kind: 'producer' | 'consumer') => {
      const enrolled = await t.enrol({ name, kind, greenSupply: false, greenPreference: false }, UNIT);
      await t.connection.testClient!.setBalance({ address: enrolled.account.address, value: UNIT });
      return enrolled;
    };
    seller = await trader('seller', 'producer');
    buyer = await trader('buyer', 'consumer');
    bidder = await trader('bidder', 'consumer');
    await t.fundGrid(UNIT);
    period = await t.nextOpenPeriod();
    await t.clock.advanceTo(periodWindows(t.schedule, period).commitOpens);
    const order = (side: 'sell' | 'buy', quantityWh: bigint, cents: bigint) => ({
      period,
      side,
      quantityWh,
      pricePerWh: P(cents),
    });
    await placeContinuousOrder(cda, seller.account, seller.id, order('sell', 100n, 50n));
    await placeContinuousOrder(cda, buyer.account, buyer.id, order('buy', 60n, 55n));
    await placeContinuousOrder(cda, bidder.account, bidder.id, order('buy', 30n, 40n));
    keeper = createKeeper({
      platform: t.platform,
      account: t.keeper,
      schedule: t.schedule,
      clock: t.clock,
      maxClearingEntriesPerTransaction: 400,
      firstPeriod: period,
      continuousMarket: cda,
    });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const actionsAt = async (time: bigint): Promise<KeeperAction[]> => {
    await t.clock.advanceTo(time);
    const report = await keeper.tick();
    expect(report.error).toBeNull();
    return report.actions.filter((a) => a.period === period);
  };

  it('waits for gate closure, then expires what rests', async () => {
    const gate = await cda.read.read.gateClosure([period]);
    expect(await actionsAt(gate - 60n)).toEqual([]);
    expect((await cda.read.read.bookOf([period])).bestBid).not.toBe(0);
    expect(await actionsAt(gate)).toEqual([{ kind: 'expired', period, transactions: 1 }]);
    const book = await cda.read.read.bookOf([period]);
    expect([book.bestBid, book.bestAsk]).toEqual([0, 0]);
    expect(await cda.read.read.reservedOf([bidder.id])).toBe(0n);
  });

  it('settles the read position once its reading came through the relayer, the other at the deadline', async () => {
    const w = periodWindows(t.schedule, period);
    await t.clock.advanceTo(w.deliveryEnds);
    // The relayer of a continuous deployment takes the meters' signed readings to the continuous market.
    const receipt = t.relayer.reading(
      await signReading(t.platform, seller.meter, {
        participantId: seller.id,
        period,
        importWh: 0n,
        exportWh: 55n,
      }),
    );
    await t.relayer.flush();
    expect((await receipt).to?.toLowerCase()).toBe(cda.address.toLowerCase());

    expect(await actionsAt(w.deliveryEnds + 5n)).toEqual([
      { kind: 'settled', period, participants: [seller.id], transactions: 1 },
    ]);
    expect(await actionsAt(w.readingDeadline)).toEqual([
      { kind: 'settled', period, participants: [buyer.id], transactions: 1 },
      { kind: 'finished', period },
    ]);
    const positions = await continuousPositions(cda, period);
    expect(positions.map((p) => [p.participantId, p.side, p.filledWh, p.read, p.settled])).toEqual([
      [seller.id, 'sell', 60n, true, true],
      [buyer.id, 'buy', 60n, false, true],
    ]);
    // Finished: a later tick leaves the period alone.
    expect(await actionsAt(w.readingDeadline + 60n)).toEqual([]);
  });
});
