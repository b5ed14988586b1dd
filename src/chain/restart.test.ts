import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAnvil } from './anvil.ts';
import { restoreMonotonicClock, simulatedClock } from './chainClock.ts';
import { connectChain } from './connection.ts';
import { periodTrades, walletStatement } from './periodRecords.ts';
import { openPlatform } from './platform.ts';
import { createRelayer } from './relayer.ts';
import { runPeriod } from './periodDriver.ts';
import { startTestPlatform, type Enrolled } from './testing/testPlatform.ts';

const UNIT = 10n ** 18n;
const PRICE = 700_000_000_000_000n;

describe('restart of the embedded chain', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every balance, trade and receipt, and the market goes on', async () => {
    const t = await startTestPlatform({ dataDir });
    const seller = await t.enrol(
      { name: 'pv', kind: 'producer', greenSupply: true, greenPreference: false },
      UNIT,
    );
    const buyer = await t.enrol(
      { name: 'home', kind: 'consumer', greenSupply: false, greenPreference: true },
      3n * UNIT,
    );
    await t.fundGrid(50n * UNIT);
    const people: Enrolled[] = [seller, buyer];
    const bids = [
      { participant: seller.account, intent: { side: 'sell' as const, quantityWh: 800n, pricePerWh: PRICE } },
      {
        participant: buyer.account,
        intent: { side: 'buy' as const, quantityWh: 500n, pricePerWh: PRICE + 100n },
      },
    ];
    const readings = () =>
      people.map((p) => ({
        meter: p.meter,
        participantId: p.id,
        importWh: p === buyer ? 520n : 0n,
        exportWh: p === seller ? 790n : 0n,
      }));
    const period = await t.nextOpenPeriod();
    const first = await runPeriod(t, period, bids, readings);
    const trades = await periodTrades(t.platform, period);
    expect(trades).toHaveLength(1);
    const balances = await Promise.all(
      people.map((p) => t.platform.read.token.read.balanceOf([p.account.address])),
    );
    const statement = await walletStatement(t.platform, buyer.account.address);
    const block = await t.connection.publicClient.getBlockNumber();
    const lastTimestamp = (await t.connection.publicClient.getBlock()).timestamp;
    await t.chain.stop();

    const chain = await startAnvil({ dataDir });
    try {
      const connection = await connectChain(chain.rpcUrl, { embedded: true, pollingIntervalMs: 10 });
      await restoreMonotonicClock(connection);
      await connection.testClient!.setBlockTimestampInterval({ interval: 1 });
      const platform = openPlatform(connection, t.platform.deployment);
      expect(await connection.publicClient.getBlockNumber()).toBeGreaterThanOrEqual(block);
      expect((await connection.publicClient.getBlock()).timestamp).toBeGreaterThanOrEqual(lastTimestamp);
      expect(
        await Promise.all(people.map((p) => platform.read.token.read.balanceOf([p.account.address]))),
      ).toEqual(balances);
      expect(await periodTrades(platform, period)).toEqual(trades);
      expect(await walletStatement(platform, buyer.account.address)).toEqual(statement);
      const receipt = await connection.publicClient.getTransactionReceipt({
        hash: first.clearing.transactions[0]!.hash,
      });
      expect(receipt.status).toBe('success');

      // And trading carries on from where it stopped.
      const driver = {
        platform,
        clock: simulatedClock(connection),
        relayer: createRelayer(platform, t.accounts.relayer),
        keeper: t.accounts.relayer,
        schedule: t.schedule,
      };
      const now = await driver.clock.now();
      const next = (now - t.schedule.genesis) / BigInt(t.schedule.periodSeconds) + 3n;
      const second = await runPeriod(driver, next, bids, readings);
      expect(second.refused).toEqual([]);
      expect(await periodTrades(platform, next)).toHaveLength(1);
    } finally {
      await chain.stop();
    }
  });
});
