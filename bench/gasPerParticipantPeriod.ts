/**
 * Gas per commit, reveal, cleared bid, reading and settled participant, and all-in gas per
 * participant-period, measured on the embedded chain once every participant's storage ring is warm
 * (the first four periods write fresh slots; a running market reuses them).
 */
import { runPeriod } from '../src/chain/periodDriver.ts';
import type { MarketParameters } from '../src/chain/deploy.ts';
import {
  openGridConnections,
  setCapacityLimit,
  setFeederTransformer,
  setGridConnection,
  setLevy,
  setVoltageLevel,
} from '../src/chain/gridConnections.ts';
import { periodCapacityCuts, periodTrades } from '../src/chain/periodRecords.ts';
import type { TestPlatform } from '../src/chain/testing/testPlatform.ts';
import { parsePricePerKwh } from '../src/core/units.ts';
import { benchIntent, benchPlatform, format, table, type Member } from './fixtures.ts';

/** The market rules of the `gas-rules` run: uniform pricing with a price floor and cap and a seller share cap. */
export const RULES_ON: Partial<MarketParameters> = {
  pricing: 'uniform',
  priceFloorPerWh: 1n,
  priceCapPerWh: 10n ** 18n,
  sellerShareCapBps: 5_000,
};

/**
 * The `gas-fees` run: a tariff of three voltage levels (0.4, 10 and 35 kV) and a levy, every
 * participant connected at one of them, so every trade pays a wheeling fee and a levy.
 */
async function chargeFees(t: TestPlatform, members: readonly Member[], log: (line: string) => void) {
  const grid = openGridConnections(t.connection, t.platform.deployment)!;
  const perKwh = (text: string) => parsePricePerKwh(text, 'rate');
  const op = t.accounts.operator;
  for (const [level, volts, transmission, same] of [
    [1, 400, '0.2', '0.015'],
    [2, 10_000, '0.17', '0.015'],
    [3, 35_000, '0.12', '0.01'],
  ] as const) {
    await setVoltageLevel(grid, op, {
      level,
      nominalVolts: volts,
      transmissionPerWh: perKwh(transmission),
      sameLevelFeePerWh: perKwh(same),
    });
  }
  await setLevy(grid, op, perKwh('0.03'));
  for (const [i, m] of members.entries()) {
    await setGridConnection(grid, op, m.id, { level: 1 + (i % 3), feeder: 1 + (i % 10) });
  }
  log(`  wheeling fees and levy on: ${members.length} participants connected at three voltage levels`);
}
/**
 * The `gas-capacity` run: no fee, every participant on one of ten feeders hung on three transformers,
 * each feeder and transformer limited below what the period's bids would send through it uncut
 * (feeders 2,500 Wh, transformers 6,000 Wh), so every trade between feeders reserves capacity on
 * two to four assets and many are cut.
 */
async function limitCapacity(t: TestPlatform, members: readonly Member[], log: (line: string) => void) {
  const grid = openGridConnections(t.connection, t.platform.deployment)!;
  const op = t.accounts.operator;
  await setVoltageLevel(grid, op, {
    level: 1,
    nominalVolts: 400,
    transmissionPerWh: 0n,
    sameLevelFeePerWh: 0n,
  });
  for (const [i, m] of members.entries())
    await setGridConnection(grid, op, m.id, { level: 1, feeder: 1 + (i % 10) });
  for (let feeder = 1; feeder <= 10; feeder++) {
    await setFeederTransformer(grid, op, feeder, 1 + (feeder % 3));
    await setCapacityLimit(grid, op, 'feeder', feeder, CAPACITY_LIMIT_WH);
  }
  for (let transformer = 1; transformer <= 3; transformer++)
    await setCapacityLimit(grid, op, 'transformer', transformer, TRANSFORMER_LIMIT_WH);
  log(
    `  capacity limits on: 10 feeders of ${CAPACITY_LIMIT_WH} Wh, 3 transformers of ${TRANSFORMER_LIMIT_WH} Wh per period`,
  );
}
const CAPACITY_LIMIT_WH = 2_500n;
const TRANSFORMER_LIMIT_WH = 6_000n;

/** The `gas-reputation` run: the default market with reputation on (each period weighs 5 %). */
export const REPUTATION_ON: Partial<MarketParameters> = { reputationWeightPpm: 50_000 };

export async function gasPerParticipantPeriod(
  participants: number,
  log: (line: string) => void,
  parameters: Partial<MarketParameters> = {},
  options: { readonly fees?: boolean; readonly capacity?: boolean } = {},
) {
  log(
    `\nGas per participant-period, ${participants} participants, relayer batches of 200, ` +
      `${parameters.pricing ?? 'mid'} pricing${parameters.sellerShareCapBps ? ', price bounds and a seller share cap' : ''}` +
      (options.fees ? ', wheeling fees and levies' : '') +
      (options.capacity ? ', feeder and transformer capacity limits' : '') +
      `${parameters.reputationWeightPpm ? ', reputation on' : ''}`,
  );
  const { t, members } = await benchPlatform(participants, log, parameters, {
    gridConnections: options.fees === true || options.capacity === true,
  });
  if (options.fees) await chargeFees(t, members, log);
  if (options.capacity) await limitCapacity(t, members, log);
  let warmTrades = 0;
  let warmCuts = 0;
  try {
    let period = await t.nextOpenPeriod();
    const rows: Record<string, { gas: bigint; count: number; txs: number }>[] = [];
    // Period d settles after period d+1's commit window: a sequential driver bids every other period.
    for (let round = 0; round < 6; round++, period += 2n) {
      const report = await runPeriod(
        t,
        period,
        members.map((m, i) => ({ participant: m.account, intent: benchIntent(m, period, i) })),
        (awarded) =>
          members.map((m, i) => {
            const wh = ((awarded.get(m.account.address) ?? 0n) * BigInt(90 + (i % 21))) / 100n;
            return {
              meter: m.meter,
              participantId: m.id,
              importWh: m.sells ? 0n : wh,
              exportWh: m.sells ? wh : 0n,
            };
          }),
      );
      if (report.refused.length > 0) throw new Error(`refused: ${String(report.refused[0]!.error)}`);
      const row: Record<string, { gas: bigint; count: number; txs: number }> = {};
      const add = (kind: string, gas: bigint, count: number) => {
        const r = (row[kind] ??= { gas: 0n, count: 0, txs: 0 });
        r.gas += gas;
        r.count += count;
        r.txs += 1;
      };
      for (const tx of report.relayed) add(tx.kind, tx.gasUsed, tx.messages);
      for (const tx of report.clearing.transactions) add('clear', tx.gasUsed, tx.entries);
      for (const tx of report.settlement.transactions) add('settle', tx.gasUsed, tx.participants);
      rows.push(row);
      if (round >= 4) {
        warmTrades += (await periodTrades(t.platform, period)).length;
        warmCuts += (await periodCapacityCuts(t.platform, period)).length;
      }
      log(
        `  period ${period}: ${report.clearing.transactions.length} clearing transactions, ${report.settlement.settled.length} settled`,
      );
    }
    const warm = rows.slice(4);
    const sum = (kind: string, field: 'gas' | 'count' | 'txs') =>
      warm.reduce((s, r) => s + BigInt(r[kind]?.[field] ?? 0), 0n);
    const kinds: [string, string][] = [
      ['commit', 'per commit'],
      ['reveal', 'per reveal'],
      ['clear', 'per bid handed to clearing (a bid is handed over once per stage it is in)'],
      ['reading', 'per reading'],
      ['settle', 'per settled participant'],
    ];
    const perPeriodGas = kinds.reduce((s, [k]) => s + sum(k, 'gas'), 0n) / BigInt(warm.length);
    const figures = kinds.map(([kind, what]) => ({
      kind,
      what,
      gasPerMessage: sum(kind, 'gas') / sum(kind, 'count'),
      perParticipant: sum(kind, 'gas') / BigInt(warm.length) / BigInt(participants),
      transactions: sum(kind, 'txs') / BigInt(warm.length),
    }));
    log(
      table(
        ['action', 'gas each', 'gas per participant-period', 'transactions per period'],
        figures.map((f) => [
          `${f.kind} (${f.what})`,
          format(f.gasPerMessage),
          format(f.perParticipant),
          format(f.transactions),
        ]),
      ),
    );
    const allIn = perPeriodGas / BigInt(participants);
    log(`  all-in: ${format(allIn)} gas per participant-period (target ≤ 150,000)`);
    const tradesPerPeriod = warmTrades / warm.length;
    log(`  ${format(tradesPerPeriod)} trades per period`);
    if (options.capacity) log(`  ${format(warmCuts / warm.length)} capacity cuts per period`);
    return {
      participants,
      parameters,
      fees: options.fees === true,
      figures,
      tradesPerPeriod,
      allInGasPerParticipantPeriod: allIn,
    };
  } finally {
    await t.stop();
  }
}
