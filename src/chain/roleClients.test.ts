import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodWindows } from '../core/periodClock.ts';
import { newAccount } from './devAccounts.ts';
import { ContractRefusedError } from './errors.ts';
import {
  keeperClient,
  meterClient,
  operatorClient,
  participantClient,
  settlementAgentClient,
} from './roleClients.ts';
import { startTestPlatform, TEST_PARAMETERS, type TestPlatform } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;

describe('role clients', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(async () => t?.stop());

  it('carry a participant from registration to settlement, each role doing its part', async () => {
    const operator = operatorClient(t.platform, t.accounts.operator);
    const agent = settlementAgentClient(t.platform, t.accounts.settlementAgent);
    const keeper = keeperClient(t.platform, t.accounts.relayer);
    const seller = participantClient(t.platform, newAccount(), t.relayer, t.accounts.relayer);
    const buyer = participantClient(t.platform, newAccount(), t.relayer, t.accounts.relayer);
    const sellerId = await seller.register({
      name: 'roof PV',
      kind: 'producer',
      greenSupply: true,
      greenPreference: false,
    });
    const buyerId = await buyer.register({
      name: 'flat',
      kind: 'consumer',
      greenSupply: false,
      greenPreference: true,
    });
    const sellerMeter = meterClient(t.platform, newAccount(), t.relayer);
    const buyerMeter = meterClient(t.platform, newAccount(), t.relayer);
    for (const [id, meter, number] of [
      [sellerId, sellerMeter, '000000000011'],
      [buyerId, buyerMeter, '000000000012'],
    ] as const) {
      await operator.authorise(id);
      await operator.bindMeter(id, meter.address, number);
    }
    await agent.deposit(seller.address, UNIT, 'bank 1');
    await agent.deposit(buyer.address, 2n * UNIT, 'bank 2');
    await agent.deposit(t.accounts.publicGrid.address, 10n * UNIT, 'grid float');

    const period = await t.nextOpenPeriod();
    const w = periodWindows(t.schedule, period);
    await t.clock.advanceTo(w.commitOpens);
    const sold = await seller.commit(period, {
      side: 'sell',
      quantityWh: 500n,
      pricePerWh: 600n * 10n ** 12n,
    });
    const bought = await buyer.commit(period, {
      side: 'buy',
      quantityWh: 400n,
      pricePerWh: 700n * 10n ** 12n,
    });
    await t.clock.advanceTo(w.commitCloses);
    await seller.reveal(sold);
    await buyer.reveal(bought);
    await t.clock.advanceTo(w.revealCloses);
    expect((await keeper.clear(period)).transactions.length).toBe(1);
    await t.clock.advanceTo(w.deliveryEnds);
    await sellerMeter.report(sellerId, period, 0n, 400n);
    await buyerMeter.report(buyerId, period, 400n, 0n);
    expect([...(await keeper.settle(period)).settled].sort()).toEqual([sellerId, buyerId].sort());
    // Seller: 1 deposited + 0.4 kWh × 0.65 (mid-price) = 0.26 paid by the buyer; delivered its award,
    // so no imbalance; reward 0.4 × 0.65 × 0.01 = 0.0026; declared 0.5, so penalty 0.1 × 0.65 × 0.05 = 0.00325.
    expect(await t.platform.read.token.read.balanceOf([seller.address])).toBe(1_259_350_000_000_000_000n);
  });

  it('let only the operator set parameters', async () => {
    const changed = { ...TEST_PARAMETERS, penaltyRatePpm: 80_000 };
    const refused = await operatorClient(t.platform, t.accounts.relayer)
      .setParameters(changed)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ContractRefusedError);
    expect((refused as ContractRefusedError).errorName).toBe('MarketNotOperator');
    await operatorClient(t.platform, t.accounts.operator).setParameters(changed);
    expect((await t.platform.read.market.read.parameters()).rates.penaltyRatePpm).toBe(80_000);
  });
});
