/**
 * The same market, the same seeded bids, on a traditional centralised platform (the market core
 * over the operator's SQLite ledger) and on the chain (contracts on the embedded anvil): latency
 * per bid, throughput, cost per participant-period. Both must give the same trades and balances to
 * the unit, or the benchmark fails.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { size, type Hex } from 'viem';
import { encodeHeader, encodeReceipt, fetchBlockEvidence } from '../src/chain/blockEvidence.ts';
import { openCentralMarket } from '../src/centralLedger/centralMarket.ts';
import type { DayResult } from '../src/simulation/dayRecord.ts';
import { runDay } from '../src/simulation/dayRunner.ts';
import type { BidIntent, Failure, SimulatedMarket } from '../src/simulation/market.ts';
import { onChainMarket } from '../src/simulation/onChainMarket.ts';
import { loadScenario, withFeeder, type Scenario } from '../src/simulation/scenario.ts';
import { format, table } from './fixtures.ts';

/** Clock ticks per second of /proc/PID/stat (getconf CLK_TCK on Linux). */
const CLOCK_TICKS = 100;

interface SideFigures {
  readonly bids: number;
  readonly latencyMedianMs: number;
  readonly latencyP99Ms: number;
  readonly bidsPerSecond: number;
  readonly periodsPerSecond: number;
  readonly cpuMsPerParticipantPeriod: number;
  readonly bytesPerParticipantPeriod: number;
  readonly gasPerParticipantPeriod: bigint;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** CPU milliseconds of this process, and of the child process `pid` when given. */
function cpuMs(pid?: number): number {
  const own = process.cpuUsage();
  let child = 0;
  if (pid !== undefined) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    child = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }
  return (own.user + own.system) / 1000 + child;
}

/** Times each bid's commit and the steps that accept bids, around any market. */
function timed(market: SimulatedMarket, placeOne?: (period: number, bid: BidIntent) => Failure | undefined) {
  const latencies: number[] = [];
  let acceptingMs = 0;
  let bids = 0;
  const around =
    <A extends unknown[], R>(step: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await step(...args);
      } finally {
        acceptingMs += performance.now() - started;
      }
    };
  const wrapped: SimulatedMarket = {
    ...market,
    commit: around(async (period, list) => {
      bids += list.length;
      if (placeOne === undefined) return await market.commit(period, list);
      const failures: Failure[] = [];
      for (const bid of list) {
        const started = performance.now();
        const failure = placeOne(period, bid);
        latencies.push(performance.now() - started);
        if (failure !== undefined) failures.push(failure);
      }
      return { result: failures, cost: { transactions: 0, gasUsed: 0n } };
    }),
    reveal: around(market.reveal.bind(market)),
  };
  return { wrapped, latencies, accepting: () => ({ ms: acceptingMs, bids }) };
}

function figures(
  scenario: Scenario,
  day: DayResult,
  latencies: number[],
  accepting: { ms: number; bids: number },
  cpu: number,
  bytes: number,
): SideFigures {
  const participantPeriods = scenario.participants.length * scenario.periods;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    bids: accepting.bids,
    latencyMedianMs: quantile(sorted, 0.5),
    latencyP99Ms: quantile(sorted, 0.99),
    bidsPerSecond: accepting.bids / (accepting.ms / 1000),
    periodsPerSecond: scenario.periods / (day.wallMs / 1000),
    cpuMsPerParticipantPeriod: cpu / participantPeriods,
    bytesPerParticipantPeriod: bytes / participantPeriods,
    gasPerParticipantPeriod: day.gasUsed / BigInt(participantPeriods),
  };
}

/** Everything but the chain's costs: trades, awards, settlements, failures, balances. */
const numbers = (day: DayResult) => ({
  periods: day.periods.map(({ transactions: _t, gasUsed: _g, ...rest }) => rest),
  closing: day.closing,
});

/** Bytes of the blocks a full node keeps for the day: headers, signed transactions, receipts. */
async function blockBytes(market: Awaited<ReturnType<typeof onChainMarket>>, from: bigint, to: bigint) {
  const client = market.platform.platform.connection.publicClient;
  let bytes = 0;
  for (let n = from; n <= to; n++) {
    const evidence = await fetchBlockEvidence(client, n);
    bytes += size(encodeHeader(evidence.header));
    for (const r of evidence.receipts) {
      bytes += size(encodeReceipt(r));
      const raw = await client.request({
        method: 'eth_getRawTransactionByHash',
        params: [r.transactionHash],
      });
      bytes += size(raw as Hex);
    }
  }
  return bytes;
}

export async function traditionalVsBlockchain(
  sizes: readonly number[],
  periods: number,
  log: (line: string) => void,
) {
  log(`\nTraditional (SQLite ledger) versus blockchain (embedded chain): ${periods} periods, same bids`);
  const results: { participants: number; central: SideFigures; chain: SideFigures; trades: number }[] = [];
  for (const participants of sizes) {
    const scenario: Scenario = {
      ...withFeeder(loadScenario(join('scenarios', 'feeder.json')), participants),
      periods,
      charts: { supplyDemandPeriods: [] },
    };

    const central = openCentralMarket(
      scenario,
      join(mkdtempSync(join(tmpdir(), 'central-')), 'ledger.sqlite'),
    );
    const centralBytesBefore = central.storageBytes();
    const centralTimed = timed(central, (period, bid) => central.placeBid(period, bid));
    const centralCpuBefore = cpuMs();
    const centralDay = await runDay(scenario, centralTimed.wrapped, 'off-chain');
    const centralCpu = cpuMs() - centralCpuBefore;
    const centralFigures = figures(
      scenario,
      centralDay,
      centralTimed.latencies,
      centralTimed.accepting(),
      centralCpu,
      central.storageBytes() - centralBytesBefore,
    );
    await central.close();
    log(`  ${participants}: centralised day in ${(centralDay.wallMs / 1000).toFixed(1)} s`);

    const latencies: number[] = [];
    const chain = await onChainMarket(scenario, {
      onSetup: (line) => line === `enrolled ${participants}/${participants}` && log(`  ${line}`),
      onRelayed: (action, ms) => action === 'commit' && latencies.push(ms),
    });
    try {
      const pid = chain.platform.chain.pid;
      const client = chain.platform.platform.connection.publicClient;
      const chainTimed = timed(chain);
      const firstBlock = (await client.getBlockNumber()) + 1n;
      const chainCpuBefore = cpuMs(pid);
      const chainDay = await runDay(scenario, chainTimed.wrapped, 'on-chain');
      const chainCpu = cpuMs(pid) - chainCpuBefore;
      const bytes = await blockBytes(chain, firstBlock, await client.getBlockNumber());
      if (!isDeepStrictEqual(numbers(chainDay), numbers(centralDay))) {
        throw new Error(`${participants} participants: the chain and the centralised ledger disagree`);
      }
      const trades = chainDay.periods.reduce((n, p) => n + p.trades.length, 0);
      log(
        `  ${participants}: chain day in ${(chainDay.wallMs / 1000).toFixed(1)} s, same ${trades} trades and balances`,
      );
      results.push({
        participants,
        trades,
        central: centralFigures,
        chain: figures(scenario, chainDay, latencies, chainTimed.accepting(), chainCpu, bytes),
      });
    } finally {
      await chain.close();
    }
  }
  const rows = results.flatMap((r) =>
    (['central', 'chain'] as const).map((side) => {
      const f = r[side];
      return [
        `${format(r.participants)} ${side === 'central' ? 'centralised' : 'blockchain'}`,
        format(f.bids),
        `${f.latencyMedianMs.toFixed(2)} / ${f.latencyP99Ms.toFixed(2)}`,
        format(Math.round(f.bidsPerSecond)),
        f.periodsPerSecond.toFixed(2),
        f.cpuMsPerParticipantPeriod.toFixed(2),
        format(Math.round(f.bytesPerParticipantPeriod)),
        format(f.gasPerParticipantPeriod),
      ];
    }),
  );
  log(
    table(
      [
        'platform',
        'bids',
        'bid latency median / p99 ms',
        'bids/s',
        'periods/s',
        'CPU ms per p-p',
        'bytes per p-p',
        'gas per p-p',
      ],
      rows,
    ),
  );
  log('  (p-p = participant-period; trades and balances identical on both sides, checked)');
  return results;
}
