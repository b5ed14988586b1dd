/**
 * The continuous double auction: gas per order on chain (resting; filling k resting orders; relayed
 * by signature; cancel; expiry), per meter reading and per position settled, and allocative efficiency and Smith's α of AA, ZIP and ZI-C traders
 * over seeded sessions on the market core's order book.
 */
import type { TransactionReceipt } from 'viem';
import { runSession, summarizeSessions } from '../src/agents/session.ts';
import { symmetricMarket } from '../src/agents/supplyDemand.ts';
import type { Strategy } from '../src/agents/trader.ts';
import {
  cancelContinuousOrder,
  continuousOutcome,
  expireContinuousOrders,
  placeContinuousOrder,
  readBook,
  type ContinuousOrder,
} from '../src/chain/continuousMarket.ts';
import { batchHints, placeSignedOrders, signOrder } from '../src/chain/continuousMarketSigning.ts';
import { startContinuousTestPlatform } from '../src/chain/continuousMarketTesting.ts';
import {
  continuousPositions,
  settleContinuousPeriod,
  submitContinuousReadings,
} from '../src/chain/continuousSettlement.ts';
import { signReading } from '../src/chain/bidding.ts';
import {
  openGridConnections,
  setGridConnection,
  setLevy,
  setVoltageLevel,
} from '../src/chain/gridConnections.ts';
import type { Enrolled } from '../src/chain/testing/testPlatform.ts';
import { format, table, UNIT } from './fixtures.ts';

const P = (tenthsOfCent: bigint) => tenthsOfCent * 1_000_000_000_000n;

export async function continuousAuction(sessions: number, log: (line: string) => void) {
  const gas = await gasPerOrder(log);
  const charges = await gasOfCharges(log);
  const strategies = strategyTable(sessions, log);
  return { gas, charges, strategies };
}

type ChargesSetting = 'no register' | 'register, no fee set' | 'wheeling fee and levy';

/**
 * The same fills without the grid connection register, with it but no fee configured, and with a
 * wheeling fee and a levy: what the charges cost a buy order that fills 1 and 5 resting orders.
 */
async function gasOfCharges(log: (line: string) => void) {
  log('\nContinuous market: gas of the grid charges on fills (receipt gas)');
  const settings: ChargesSetting[] = ['no register', 'register, no fee set', 'wheeling fee and levy'];
  const rows: { setting: ChargesSetting; fills: number; gas: bigint }[] = [];
  for (const setting of settings) {
    const c = await startContinuousTestPlatform(undefined, { gridConnections: setting !== 'no register' });
    try {
      const sellers: Enrolled[] = [];
      for (let i = 0; i < 3; i++) sellers.push(await c.trader(`seller ${i}`, 'producer', 10n * UNIT));
      const buyer = await c.trader('buyer', 'consumer', 1_000n * UNIT);
      const grid = openGridConnections(c.t.connection, c.t.platform.deployment);
      if (grid !== undefined) {
        const op = c.t.accounts.operator;
        await setVoltageLevel(grid, op, {
          level: 1,
          nominalVolts: 400,
          transmissionPerWh: 0n,
          sameLevelFeePerWh: 0n,
        });
        await setVoltageLevel(grid, op, {
          level: 2,
          nominalVolts: 10_000,
          transmissionPerWh: 0n,
          sameLevelFeePerWh: 0n,
        });
        for (const [i, who] of [...sellers, buyer].entries())
          await setGridConnection(grid, op, who.id, { level: i === 3 ? 1 : 2, feeder: 1 });
        if (setting === 'wheeling fee and levy') {
          await setVoltageLevel(grid, op, {
            level: 1,
            nominalVolts: 400,
            transmissionPerWh: P(200n),
            sameLevelFeePerWh: P(15n),
          });
          await setVoltageLevel(grid, op, {
            level: 2,
            nominalVolts: 10_000,
            transmissionPerWh: P(170n),
            sameLevelFeePerWh: P(15n),
          });
          await setLevy(grid, op, P(30n));
        }
      }
      const period = await c.openPeriod(50_000n);
      for (const k of [1, 5]) {
        for (let i = 0; i < k; i++) {
          await placeContinuousOrder(c.market, sellers[i % 3]!.account, sellers[i % 3]!.id, {
            period,
            side: 'sell',
            quantityWh: 100n,
            pricePerWh: P(500n + BigInt(i)),
          });
        }
        const { receipt, outcome } = await placeContinuousOrder(c.market, buyer.account, buyer.id, {
          period,
          side: 'buy',
          quantityWh: BigInt(k) * 100n,
          pricePerWh: P(500n + BigInt(k)),
        });
        if (outcome.fills.length !== k) throw new Error(`expected ${k} fills, got ${outcome.fills.length}`);
        rows.push({ setting, fills: k, gas: receipt.gasUsed });
      }
    } finally {
      await c.stop();
    }
  }
  const gasOf = (setting: ChargesSetting, fills: number) =>
    rows.find((r) => r.setting === setting && r.fills === fills)!.gas;
  log(
    table(
      ['setting', 'buy filling 1 order', 'buy filling 5 orders', 'per fill over no register (5 fills)'],
      settings.map((setting) => [
        setting,
        format(gasOf(setting, 1)),
        format(gasOf(setting, 5)),
        format((gasOf(setting, 5) - gasOf('no register', 5)) / 5n),
      ]),
    ),
  );
  return rows;
}

async function gasPerOrder(log: (line: string) => void) {
  log('\nContinuous market: gas per order (receipt gas, 21 k base included)');
  const c = await startContinuousTestPlatform();
  try {
    const sellers: Enrolled[] = [];
    for (let i = 0; i < 4; i++) sellers.push(await c.trader(`seller ${i}`, 'producer', 10n * UNIT));
    const buyer = await c.trader('buyer', 'consumer', 1_000n * UNIT);
    const period = await c.openPeriod(50_000n);
    const rows: { action: string; gas: bigint; perOrder: bigint }[] = [];
    const place = async (who: Enrolled, order: Omit<ContinuousOrder, 'period'>) =>
      (await placeContinuousOrder(c.market, who.account, who.id, { period, ...order })).receipt;
    const mean = (receipts: TransactionReceipt[]) =>
      receipts.reduce((s, r) => s + r.gasUsed, 0n) / BigInt(receipts.length);

    // Resting orders at scattered prices, each inserted at its place by the verified hint.
    const asks: TransactionReceipt[] = [];
    for (let i = 0; i < 24; i++) {
      const price = P(500n + BigInt((i * 37) % 97));
      asks.push(await place(sellers[i % 4]!, { side: 'sell', quantityWh: 100n, pricePerWh: price }));
    }
    rows.push({
      action: 'resting sell order (first order of a seller in the period)',
      gas: mean(asks.slice(0, 4)),
      perOrder: 0n,
    });
    rows.push({
      action: 'resting sell order (seller already in the book)',
      gas: mean(asks.slice(4)),
      perOrder: 0n,
    });
    const bids: TransactionReceipt[] = [];
    for (let i = 0; i < 12; i++) {
      bids.push(
        await place(buyer, { side: 'buy', quantityWh: 100n, pricePerWh: P(300n + BigInt((i * 13) % 50)) }),
      );
    }
    rows.push({
      action: 'resting buy order (reserves quantity × limit)',
      gas: mean(bids.slice(1)),
      perOrder: 0n,
    });
    const cancel = await cancelContinuousOrder(c.market, buyer.account, period, 25);
    rows.push({ action: 'cancel a resting order', gas: cancel.gasUsed, perOrder: 0n });

    // A buy order that fills the k cheapest asks completely, then rests nothing.
    for (const k of [1, 2, 5, 10, 20]) {
      const book = await readBook(c.market, period);
      for (let i = book.asks.length; i < k; i++) {
        await place(sellers[i % 4]!, { side: 'sell', quantityWh: 100n, pricePerWh: P(500n + BigInt(i)) });
      }
      const cheapest = (await readBook(c.market, period)).asks.slice(0, k);
      const quantityWh = cheapest.reduce((s, o) => s + o.remainingWh, 0n);
      const receipt = await place(buyer, {
        side: 'buy',
        quantityWh,
        pricePerWh: cheapest.at(-1)!.pricePerWh,
      });
      const fills = continuousOutcome(receipt).fills.length;
      if (fills !== k) throw new Error(`expected ${k} fills, got ${fills}`);
      rows.push({
        action: `buy order filling ${k} resting order${k === 1 ? '' : 's'}`,
        gas: receipt.gasUsed,
        perOrder: receipt.gasUsed / BigInt(k),
      });
    }

    // Signed orders relayed 20 per transaction.
    const signed = [];
    for (let i = 0; i < 20; i++) {
      const who = sellers[i % 4]!;
      const nonce = (await c.market.read.read.nonces([who.account.address])) + BigInt(Math.floor(i / 4));
      signed.push(
        await signOrder(
          c.market,
          who.account,
          who.id,
          { period, side: 'sell', quantityWh: 50n, pricePerWh: P(700n + BigInt(i)) },
          nonce,
        ),
      );
    }
    const hints = batchHints(
      await readBook(
        c.market,
        period,
        sellers.map((s) => s.id),
      ),
      signed,
      (await c.t.clock.now()) + 1n,
    );
    const relayed = await placeSignedOrders(c.market, c.t.accounts.relayer, signed, hints);
    rows.push({
      action: 'signed sell orders relayed 20 per transaction (resting)',
      gas: relayed.gasUsed,
      perOrder: relayed.gasUsed / 20n,
    });

    await c.closeGate(period);
    const remaining = await readBook(c.market, period);
    const count = BigInt(remaining.asks.length + remaining.bids.length);
    const expiry = await expireContinuousOrders(c.market, c.t.keeper, period);
    if (expiry !== null)
      rows.push({
        action: `expire ${count} orders at gate closure`,
        gas: expiry.gasUsed,
        perOrder: expiry.gasUsed / count,
      });

    // After delivery: the traders' meters report (signed, relayed in one transaction) and every
    // position is settled against its reading.
    const traders = [...sellers, buyer];
    const positions = await continuousPositions(c.market, period);
    const deadline = await c.market.read.read.readingDeadline([period]);
    await c.t.clock.advanceTo(deadline - (await c.market.read.read.readingSeconds()));
    const readings = await Promise.all(
      positions.map((p) => {
        const who = traders.find((x) => x.id === p.participantId)!;
        // A tenth off the position: an imbalance and a penalty to pay, a reward on the rest.
        const energy = p.filledWh - p.filledWh / 10n;
        const flow =
          p.side === 'sell' ? { importWh: 0n, exportWh: energy } : { importWh: energy, exportWh: 0n };
        return signReading(c.t.platform, who.meter, { participantId: who.id, period, ...flow });
      }),
    );
    const submitted = await submitContinuousReadings(c.market, c.t.accounts.relayer, readings);
    rows.push({
      action: `meter readings relayed ${readings.length} per transaction`,
      gas: submitted.gasUsed,
      perOrder: submitted.gasUsed / BigInt(readings.length),
    });
    await c.t.fundGrid(100n * UNIT);
    const settlement = await settleContinuousPeriod(c.market, c.t.keeper, period);
    const settled = settlement.transactions[0]!;
    rows.push({
      action: `settle ${settled.participants} positions against their readings`,
      gas: settled.gasUsed,
      perOrder: settled.gasUsed / BigInt(settled.participants),
    });

    log(
      table(
        ['action', 'gas', 'gas per order or item'],
        rows.map((r) => [r.action, format(r.gas), r.perOrder === 0n ? '' : format(r.perOrder)]),
      ),
    );
    return rows;
  } finally {
    await c.stop();
  }
}

function strategyTable(sessions: number, log: (line: string) => void) {
  const days = 10;
  const stepsPerDay = 400;
  // 10 buyers and 10 sellers, values 0.70 … 0.34 and costs 0.30 … 0.66 per kWh, P₀ = 0.50.
  const market = symmetricMarket(10, P(500n), P(40n));
  log(
    `\nCDA trader strategies: ${sessions} seeded sessions × ${days} days × ${stepsPerDay} quotes, 10 buyers + 10 sellers, P₀ = 0.50 per kWh`,
  );
  const rows = (['aa', 'zip', 'zic'] as Strategy[]).map((strategy) => {
    const results = Array.from({ length: sessions }, (_, i) =>
      runSession({ strategy, market, bounds: { min: 0.2, max: 0.8 }, seed: 1_000 + i, days, stepsPerDay }),
    );
    const all = summarizeSessions(results);
    return {
      strategy,
      efficiency: all.efficiency,
      efficiencyLastDay: summarizeSessions(results, days - 1).efficiency,
      alphaFirstDay: summarizeSessions(results, 0).alpha,
      alphaLastDay: summarizeSessions(results, days - 1).alpha,
      alpha: all.alpha,
    };
  });
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  log(
    table(
      ['strategy', 'efficiency (all days)', 'efficiency (day 10)', 'α day 1', 'α day 10', 'α (all days)'],
      rows.map((r) => [
        r.strategy.toUpperCase(),
        pct(r.efficiency),
        pct(r.efficiencyLastDay),
        r.alphaFirstDay.toFixed(2),
        r.alphaLastDay.toFixed(2),
        r.alpha.toFixed(2),
      ]),
    ),
  );
  return rows;
}
