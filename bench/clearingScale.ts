/**
 * Clearing gas against the number of bids (batched under the 16.7 M per-transaction cap), each
 * result checked against the market core; and the largest period whose whole clearing fits in one
 * 30 M-gas block, verified by mining every clearing transaction of it into a single block.
 */
import type { Hash } from 'viem';
import type { Wallet } from '../src/core/bid.ts';
import { clearGreenFirst } from '../src/core/greenFirstAuction.ts';
import { periodWindows } from '../src/core/periodClock.ts';
import { clearPeriodOnChain, planClearing } from '../src/chain/clearing.ts';
import { commitAndReveal } from '../src/chain/periodDriver.ts';
import { asCoreBids, periodTrades, revealedBids } from '../src/chain/periodRecords.ts';
import { waitForReceipt } from '../src/chain/transactions.ts';
import type { TestPlatform } from '../src/chain/testing/testPlatform.ts';
import { benchIntent, benchPlatform, format, table, UNIT, type Member } from './fixtures.ts';

async function prepareRevealedPeriod(
  t: TestPlatform,
  members: readonly Member[],
  log: (line: string) => void,
): Promise<bigint> {
  const period = await t.nextOpenPeriod();
  const w = periodWindows(t.schedule, period);
  const bids = members.map((m, i) => ({
    participant: m.account,
    participantId: m.id,
    intent: benchIntent(m, period, i),
  }));
  const { refused } = await commitAndReveal(t, period, bids);
  if (refused.length > 0) throw refused[0]!.error;
  await t.clock.advanceTo(w.revealCloses);
  log(`  period ${period}: ${members.length} bids committed and revealed`);
  return period;
}

async function coreResult(t: TestPlatform, period: bigint, members: readonly Member[]) {
  const revealed = await revealedBids(t.platform, period);
  const wallets = new Map<string, Wallet>();
  for (const m of members)
    wallets.set(String(m.id), {
      balance: await t.platform.read.token.read.balanceOf([m.account.address]),
      margin: 10n ** 17n,
    });
  return clearGreenFirst({ bids: asCoreBids(period, revealed), wallets });
}

export async function clearingScale(sizes: readonly number[], log: (line: string) => void) {
  const largest = Math.max(...sizes);
  log(
    `\nClearing gas against the number of bids (${sizes.join(', ')}), batches of at most 400 bids per transaction`,
  );
  const { t, members } = await benchPlatform(largest, log);
  try {
    const rows = [];
    for (const size of sizes) {
      const group = members.slice(0, size);
      const period = await prepareRevealedPeriod(t, group, log);
      const expected = await coreResult(t, period, group);
      const started = Date.now();
      const report = await clearPeriodOnChain(t.platform, t.keeper, period, {
        maxEntriesPerTransaction: 400,
      });
      const seconds = (Date.now() - started) / 1000;
      const trades = await periodTrades(t.platform, period);
      const equal =
        JSON.stringify(
          trades.map((x) => [
            String(x.sellerId),
            String(x.buyerId),
            String(x.quantityWh),
            String(x.pricePerWh),
          ]),
        ) ===
        JSON.stringify(
          expected.trades.map((x) => [x.seller, x.buyer, String(x.quantityWh), String(x.pricePerWh)]),
        );
      if (!equal) throw new Error(`clearing ${size} bids on chain differs from the market core`);
      const gas = report.transactions.reduce((s, x) => s + x.gasUsed, 0n);
      const maxTx = report.transactions.reduce((m, x) => (x.gasUsed > m ? x.gasUsed : m), 0n);
      rows.push({
        bids: size,
        trades: trades.length,
        transactions: report.transactions.length,
        gas,
        gasPerBid: gas / BigInt(size),
        maxTransactionGas: maxTx,
        seconds,
        equalToCore: equal,
      });
    }
    log(
      table(
        [
          'bids',
          'trades',
          'transactions',
          'clearing gas',
          'gas per bid',
          'largest transaction',
          'wall s',
          '= core',
        ],
        rows.map((r) => [
          format(r.bids),
          format(r.trades),
          format(r.transactions),
          format(r.gas),
          format(r.gasPerBid),
          format(r.maxTransactionGas),
          r.seconds.toFixed(1),
          r.equalToCore ? 'yes' : 'NO',
        ]),
      ),
    );
    const block = await largestInOneBlock(t, members, rows.at(-1)!.gasPerBid, log);
    return { rows, largestPeriodInOneBlock: block };
  } finally {
    await t.stop();
  }
}

/** Mines a whole clearing into one block: dry-run for the gas, revert, resend all, mine once. */
async function clearsInOneBlock(
  t: TestPlatform,
  period: bigint,
): Promise<{ fits: boolean; gas: bigint; transactions: number }> {
  const test = t.connection.testClient!;
  const snapshot = await test.snapshot();
  const dry = await clearPeriodOnChain(t.platform, t.keeper, period, { maxEntriesPerTransaction: 400 });
  await test.revert({ id: snapshot });
  const { transactions } = await planClearing(t.platform, period, 400);
  if (transactions.length !== dry.transactions.length)
    throw new Error('the plan changed between dry run and block run');
  await test.setAutomine(false);
  const wallet = t.connection.wallet(t.keeper);
  let nonce = await t.connection.publicClient.getTransactionCount({ address: t.keeper.address });
  const hashes: Hash[] = [];
  try {
    for (const [i, steps] of transactions.entries()) {
      hashes.push(
        await wallet.writeContract({
          address: t.platform.deployment.market,
          abi: (await import('../src/chain/generated/EnergyMarket.ts')).energyMarketAbi,
          functionName: 'clear',
          args: [period, steps.map((s) => ({ sellers: [...s.sellers], buyers: [...s.buyers] }))],
          gas: (dry.transactions[i]!.gasUsed * 105n) / 100n,
          nonce: nonce++,
        }),
      );
    }
    await test.mine({ blocks: 1 });
  } finally {
    await test.setAutomine(true);
  }
  const receipts = await Promise.all(
    hashes.map((hash) => waitForReceipt(t.connection, hash, 'clear in one block')),
  );
  const blocks = new Set(receipts.map((r) => r.blockNumber));
  const fits = blocks.size === 1 && receipts.every((r) => r.status === 'success');
  return { fits, gas: receipts.reduce((s, r) => s + r.gasUsed, 0n), transactions: receipts.length };
}

async function largestInOneBlock(
  t: TestPlatform,
  members: readonly Member[],
  gasPerBid: bigint,
  log: (line: string) => void,
) {
  const blockGas = 30_000_000n;
  let size = Math.min(members.length, Number((blockGas * 97n) / 100n / gasPerBid));
  log(
    `\nLargest period cleared within one 30 M-gas block (predicted ≈ ${format(size)} bids at ${format(gasPerBid)} gas per bid)`,
  );
  for (let attempt = 0; attempt < 2; attempt++) {
    // Participants from the end of the list bid only in the largest period so far, whose ring slot
    // (period mod 4) the next three periods do not reuse: no earlier bid of theirs is left unsettled.
    const period = await prepareRevealedPeriod(t, members.slice(members.length - size), log);
    const outcome = await clearsInOneBlock(t, period);
    log(
      `  ${format(size)} bids: ${outcome.transactions} transactions, ${format(outcome.gas)} gas, ${outcome.fits ? 'all mined in one block' : 'did not fit one block'}`,
    );
    if (outcome.fits) {
      // And 5 % more must not fit, or the figure is not the largest.
      const larger = Math.min(members.length, Math.ceil(size * 1.05));
      const next = await clearsInOneBlock(
        t,
        await prepareRevealedPeriod(t, members.slice(members.length - larger), log),
      );
      log(
        `  ${format(larger)} bids: ${next.transactions} transactions, ${format(next.gas)} gas, ${next.fits ? 'also fitted one block' : 'needed a second block'}`,
      );
      return {
        bids: next.fits ? larger : size,
        gas: next.fits ? next.gas : outcome.gas,
        transactions: outcome.transactions,
        fivePercentMoreFits: next.fits,
      };
    }
    size = Math.floor(size * 0.95);
  }
  throw new Error('no period size fitted one block');
}

export const benchUnit = UNIT;
