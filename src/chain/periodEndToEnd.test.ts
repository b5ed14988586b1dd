import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGreenFirst } from '../core/greenFirstAuction.ts';
import { settlePosition } from '../core/settlement.ts';
import { parseMoney, parsePricePerKwh } from '../core/units.ts';
import {
  periodSettlements,
  periodTrades,
  revealedBids,
  asCoreBids,
  walletStatement,
} from './periodRecords.ts';
import { runPeriod } from './periodDriver.ts';
import {
  startTestPlatform,
  TEST_PARAMETERS,
  type Enrolled,
  type TestPlatform,
} from './testing/testPlatform.ts';

const money = (text: string) => parseMoney(text, 'amount');
const price = (text: string) => parsePricePerKwh(text, 'price');

describe('one period of the reference case study, on the embedded chain', () => {
  let t: TestPlatform;
  let wind: Enrolled, controllable: Enrolled, ev: Enrolled, load: Enrolled;

  beforeAll(async () => {
    t = await startTestPlatform();
    wind = await t.enrol(
      { name: 'Wind farm', kind: 'producer', greenSupply: true, greenPreference: false },
      money('5'),
    );
    controllable = await t.enrol(
      { name: 'Gas micro-turbine', kind: 'producer', greenSupply: false, greenPreference: false },
      money('5'),
    );
    ev = await t.enrol(
      { name: 'EV charging', kind: 'consumer', greenSupply: false, greenPreference: true },
      money('10'),
    );
    load = await t.enrol(
      { name: 'Regular load', kind: 'consumer', greenSupply: false, greenPreference: false },
      money('10'),
    );
    await t.fundGrid(money('100'));
  });
  afterAll(async () => t?.stop());

  it('clears and settles exactly as the market core computes', async () => {
    const bids = [
      {
        participant: wind.account,
        intent: { side: 'sell' as const, quantityWh: 430n, pricePerWh: price('0.730') },
      },
      {
        participant: controllable.account,
        intent: { side: 'sell' as const, quantityWh: 500n, pricePerWh: price('0.700') },
      },
      {
        participant: ev.account,
        intent: { side: 'buy' as const, quantityWh: 250n, pricePerWh: price('0.756') },
      },
      {
        participant: load.account,
        intent: { side: 'buy' as const, quantityWh: 600n, pricePerWh: price('0.750') },
      },
    ];
    const actual = new Map([
      [wind.id, { importWh: 0n, exportWh: 300n }],
      [controllable.id, { importWh: 0n, exportWh: 500n }],
      [ev.id, { importWh: 260n, exportWh: 0n }],
      [load.id, { importWh: 700n, exportWh: 0n }],
    ]);
    const everyone = [wind, controllable, ev, load];
    const report = await runPeriod(t, 1n, bids, () =>
      everyone.map((p) => ({ meter: p.meter, participantId: p.id, ...actual.get(p.id)! })),
    );
    expect(report.refused).toEqual([]);

    const revealed = await revealedBids(t.platform, 1n);
    const core = clearGreenFirst({ bids: asCoreBids(1n, revealed) });
    const trades = await periodTrades(t.platform, 1n);
    expect(trades.map((x) => [x.sellerId, x.buyerId, x.quantityWh, x.pricePerWh, x.stage])).toEqual(
      core.trades.map((x) => [Number(x.seller), Number(x.buyer), x.quantityWh, x.pricePerWh, x.stage]),
    );
    expect(trades.map((x) => [x.sellerId, x.buyerId, x.quantityWh])).toEqual([
      [wind.id, ev.id, 250n],
      [controllable.id, load.id, 500n],
      [wind.id, load.id, 100n],
    ]);

    const settlements = await periodSettlements(t.platform, 1n);
    expect(settlements).toHaveLength(4);
    const params = {
      shortfallFactorPpm: BigInt(TEST_PARAMETERS.shortfallFactorPpm),
      surplusFactorPpm: BigInt(TEST_PARAMETERS.surplusFactorPpm),
      rewardRatePpm: BigInt(TEST_PARAMETERS.rewardRatePpm),
      penaltyRatePpm: BigInt(TEST_PARAMETERS.penaltyRatePpm),
    };
    for (const s of settlements) {
      const i = revealed.findIndex((b) => b.participantId === s.participantId);
      const bid = revealed[i]!;
      const a = actual.get(s.participantId)!;
      const expected = settlePosition(
        {
          side: bid.side,
          declaredWh: bid.quantityWh,
          awardedWh: core.awardedWh[i]!,
          actualWh: bid.side === 'sell' ? a.exportWh : a.importWh,
        },
        core.averagePrice!,
        params,
      );
      expect([s.imbalanceWh, s.imbalanceAmount, s.reward, s.penalty]).toEqual([
        expected.imbalanceWh,
        expected.imbalanceAmount,
        expected.reward,
        expected.penalty,
      ]);
    }

    // The statement rebuilds the balance from reasons alone.
    const statement = await walletStatement(t.platform, load.account.address);
    const balance = await t.platform.read.token.read.balanceOf([load.account.address]);
    expect(statement.reduce((sum, line) => sum + line.amount, 0n)).toBe(balance);
    expect(new Set(statement.map((l) => l.reason))).toEqual(
      new Set(['deposit', 'trade', 'imbalance', 'incentive']),
    );
  });
});
