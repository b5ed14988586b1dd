/**
 * `wattledger clear --on-chain`: the same bids cleared by the contracts on a fresh embedded chain.
 * Participants are enrolled from the file, funded so that every bid is admitted, and buyers' wallets
 * are brought back to the file's balance after the reveal (the withdrawal path), so the contracts'
 * budget cut sees what the core sees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hash, LocalAccount } from 'viem';
import { MarketInputError } from '../core/errors.ts';
import type { Bid } from '../core/bid.ts';
import { periodWindows } from '../core/periodClock.ts';
import { REFERENCE_PARAMETERS } from '../core/settlement.ts';
import { averagePriceOf, type Trade } from '../core/trade.ts';
import { formatClearOutcome, type ClearRequest } from '../interchange/clearFile.ts';
import { startAnvil } from '../chain/anvil.ts';
import { simulatedClock } from '../chain/chainClock.ts';
import { clearPeriodOnChain } from '../chain/clearing.ts';
import { connectChain } from '../chain/connection.ts';
import { deployPlatform } from '../chain/deploy.ts';
import { embeddedAccounts, newAccount } from '../chain/devAccounts.ts';
import { enrolMany, withdraw } from '../chain/participants.ts';
import { commitAndReveal } from '../chain/periodDriver.ts';
import { periodTrades } from '../chain/periodRecords.ts';
import { openPlatform } from '../chain/platform.ts';
import { createRelayer } from '../chain/relayer.ts';
import { bidRank } from '../chain/typedData.ts';
import type { Output } from './command.ts';

/** The common margin of the file's wallets: the contract has one margin for everyone. */
function commonMargin(request: ClearRequest): bigint {
  const margins = [...request.wallets.entries()];
  const first = margins[0];
  for (const [name, wallet] of margins) {
    if (wallet.margin !== first![1].margin) {
      throw new MarketInputError(
        `wallets.${name}.margin`,
        `differs from wallets.${first![0]}.margin; the contract has one margin for every participant, so --on-chain needs them equal`,
      );
    }
  }
  return first?.[1].margin ?? 0n;
}

/** Whether the contract's rotation orders every group of equal prices as the file does. */
function keepsFileOrder(bids: readonly Bid[], ids: readonly number[], period: bigint): boolean {
  for (const side of ['sell', 'buy'] as const) {
    const byPrice = new Map<bigint, number[]>();
    bids.forEach(
      (b, i) => b.side === side && byPrice.set(b.pricePerWh, [...(byPrice.get(b.pricePerWh) ?? []), i]),
    );
    for (const group of byPrice.values()) {
      for (let k = 1; k < group.length; k++) {
        if (bidRank(period, ids[group[k - 1]!]!) > bidRank(period, ids[group[k]!]!)) return false;
      }
    }
  }
  return true;
}

export async function clearOnChain(request: ClearRequest, output: Output): Promise<Record<string, unknown>> {
  if (request.mechanism !== 'green-first') {
    throw new MarketInputError(
      'mechanism',
      `"${request.mechanism}" is cleared off chain only; --on-chain clears "green-first"`,
    );
  }
  const margin = commonMargin(request);
  const progress = (line: string) => output.err(`· ${line}\n`);
  const dataDir = mkdtempSync(join(tmpdir(), 'wattledger-clear-'));
  progress('starting a fresh embedded chain');
  const chain = await startAnvil({ dataDir, enforceTransactionGasCap: true, stateIntervalSeconds: 3_600 });
  try {
    const connection = await connectChain(chain.rpcUrl, { embedded: true, pollingIntervalMs: 10 });
    await connection.testClient!.setBlockTimestampInterval({ interval: 1 });
    const accounts = embeddedAccounts();
    const now = (await connection.publicClient.getBlock()).timestamp;
    const schedule = {
      genesis: now + 900n,
      periodSeconds: 900,
      commitSeconds: 180,
      revealSeconds: 120,
      readingSeconds: 600,
    };
    progress('deploying the contracts');
    const deployment = await deployPlatform(connection, {
      operator: accounts.operator,
      settlementAgent: accounts.settlementAgent.address,
      publicGrid: accounts.publicGrid.address,
      schedule,
      parameters: {
        marginAmount: margin,
        referencePricePerWh: 1n,
        shortfallFactorPpm: Number(REFERENCE_PARAMETERS.shortfallFactorPpm),
        surplusFactorPpm: Number(REFERENCE_PARAMETERS.surplusFactorPpm),
        rewardRatePpm: Number(REFERENCE_PARAMETERS.rewardRatePpm),
        penaltyRatePpm: Number(REFERENCE_PARAMETERS.penaltyRatePpm),
      },
    });
    const platform = openPlatform(connection, deployment);
    const { bids } = request;
    const signers: LocalAccount[] = bids.map(() => newAccount());
    // Enough to be admitted; buyers are brought back to the file's balance after revealing.
    const funding = bids.map((b) => {
      const wallet = request.wallets.get(b.participant);
      const needed = b.side === 'buy' ? b.quantityWh * b.pricePerWh + margin : margin;
      return wallet === undefined || wallet.balance < needed ? needed : wallet.balance;
    });
    progress(`enrolling ${bids.length} participants`);
    const ids = await enrolMany(
      platform,
      { relayer: accounts.relayer, operator: accounts.operator, settlementAgent: accounts.settlementAgent },
      bids.map((b, i) => ({
        account: signers[i]!,
        profile: {
          name: b.participant.slice(0, 64),
          kind: b.side === 'sell' ? 'producer' : 'consumer',
          greenSupply: b.side === 'sell' && b.green,
          greenPreference: b.side === 'buy' && b.green,
        },
        deposit: funding[i]!,
      })),
    );
    const clock = simulatedClock(connection);
    const firstOpen = await (async () => {
      const at = (await connection.publicClient.getBlock()).timestamp;
      let p = 1n;
      while (periodWindows(schedule, p).commitOpens < at) p += 1n;
      return p;
    })();
    let period = firstOpen;
    while (period < firstOpen + 5_000n && !keepsFileOrder(bids, ids, period)) period += 1n;
    const tieBreak = keepsFileOrder(bids, ids, period)
      ? 'file order'
      : 'on-chain rotation keccak256(period, participant id)';
    if (tieBreak !== 'file order') period = firstOpen;
    const w = periodWindows(schedule, period);
    const relayer = createRelayer(platform, accounts.relayer);
    const bidding = await commitAndReveal(
      { platform, clock, relayer, schedule },
      period,
      bids.map((b, i) => ({
        participant: signers[i]!,
        participantId: ids[i]!,
        intent: { side: b.side, quantityWh: b.quantityWh, pricePerWh: b.pricePerWh },
      })),
      progress,
    );
    if (bidding.refused.length > 0) throw bidding.refused[0]!.error;
    const withdrawals: { hash: Hash; gasUsed: bigint }[] = [];
    for (const [i, b] of bids.entries()) {
      const wallet = request.wallets.get(b.participant);
      if (wallet === undefined || funding[i]! <= wallet.balance) continue;
      // The withdrawal keeps the margin of a participant with an open bid.
      const target = wallet.balance > margin ? wallet.balance : margin;
      if (funding[i]! > target) {
        const receipt = await withdraw(
          platform,
          accounts.settlementAgent,
          signers[i]!,
          funding[i]! - target,
          `back to the file's balance`,
        );
        withdrawals.push({ hash: receipt.transactionHash, gasUsed: receipt.gasUsed });
      }
    }
    await clock.advanceTo(w.revealCloses);
    progress(`period ${period}: clearing`);
    const clearing = await clearPeriodOnChain(platform, accounts.relayer, period, {
      maxEntriesPerTransaction: 400,
    });
    const byId = new Map(ids.map((id, i) => [id, bids[i]!]));
    const trades: Trade[] = (await periodTrades(platform, period)).map((t) => ({
      seller: byId.get(t.sellerId)!.participant,
      buyer: byId.get(t.buyerId)!.participant,
      quantityWh: t.quantityWh,
      pricePerWh: t.pricePerWh,
      amount: t.quantityWh * t.pricePerWh,
      stage: t.stage,
    }));
    const awardedWh = await Promise.all(
      ids.map(async (id) => BigInt((await platform.read.market.read.bidOf([id, period])).awardedWh)),
    );
    const transactions = [
      ...relayer.transactions.map((t) => ({
        step: `${t.kind} ×${t.messages}`,
        hash: t.hash,
        gasUsed: t.gasUsed,
      })),
      ...withdrawals.map((t) => ({ step: 'withdrawal to the file balance', ...t })),
      ...clearing.transactions.map((t) => ({
        step: `clear (${t.entries} bids handed over)`,
        hash: t.hash,
        gasUsed: t.gasUsed,
      })),
    ];
    const total = (filter: (step: string) => boolean) =>
      transactions
        .filter((t) => filter(t.step))
        .reduce((s, t) => s + t.gasUsed, 0n)
        .toString();
    return {
      ...formatClearOutcome(
        { mechanism: 'green-first', bids, trades, awardedWh, averagePrice: averagePriceOf(trades) },
        request,
      ),
      onChain: {
        chainId: connection.chain.id,
        market: deployment.market,
        period: period.toString(),
        tieBreak,
        gasUsed: {
          commit: total((s) => s.startsWith('commit')),
          reveal: total((s) => s.startsWith('reveal')),
          clearing: total((s) => s.startsWith('clear')),
          total: total(() => true),
        },
        transactions: transactions.map((t) => ({
          step: t.step,
          hash: t.hash,
          gasUsed: t.gasUsed.toString(),
        })),
      },
    };
  } finally {
    await chain.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
