/**
 * The market on the embedded chain: a fresh anvil with the platform deployed, the scenario's
 * participants enrolled in bulk, and every step done by the contracts through the chain SDK — sealed
 * commits, reveals and meter readings signed by participants and meters and relayed hundreds per
 * transaction, clearing verified on chain, settlement by the keeper. The clock jumps from window to
 * window. Results are read back from the contracts' events, never from the core. With `meters`, the
 * readings come from DL/T 645 virtual meters through the reading gateway (meterLayer.ts) instead of
 * being signed straight from the profiles.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePacked, keccak256, type Address, type Hex, type LocalAccount } from 'viem';
import { privateKeyToAccount, toAccount } from 'viem/accounts';
import { periodWindows } from '../core/periodClock.ts';
import type { SignedCommit, SignedReading } from '../chain/bidding.ts';
import { clearPeriodOnChain, planClearingTransactions } from '../chain/clearing.ts';
import { clearGreenFirst, sellerShareCapWh, type PricingRule } from '../core/greenFirstAuction.ts';
import type { Wallet } from '../core/bid.ts';
import { marginFor } from '../core/reputation.ts';
import { coreBidsOf } from './coreBids.ts';
import { checkSigningPool, startSigningPool, type SigningPool, type TypedDataItem } from './signingPool.ts';
import { ContractRefusedError } from '../chain/errors.ts';
import { enrolMany } from '../chain/participants.ts';
import { periodSettlements, periodTrades, revealedBids } from '../chain/periodRecords.ts';
import { startTestPlatform, type TestPlatform } from '../chain/testing/testPlatform.ts';
import {
  encodeCall,
  isTooLargeForOneTransaction,
  sendAllOrNone,
  sendTogether,
  summarize,
} from '../chain/transactions.ts';
import type { SealedBid } from '../chain/typedData.ts';
import { energyMarketAbi } from '../chain/generated/EnergyMarket.ts';
import { settlementTokenAbi } from '../chain/generated/SettlementToken.ts';
import type {
  BidIntent,
  ClearedPeriod,
  Cost,
  Failure,
  LedgerView,
  ReadingIntent,
  RevealedBid,
  SettledParticipant,
  SimulatedMarket,
  Step,
} from './market.ts';
import { executeWithFixedGas, fixedGasRelayer } from './fixedGasRelayer.ts';
import { startMeterLayer, type MeterLayer } from './meterLayer.ts';
import { continuousSteps } from './onChainContinuous.ts';
import { meterOutages } from './metering.ts';
import { energyPlan } from './profiles.ts';
import type { Scenario } from './scenario.ts';

export interface OnChainOptions {
  readonly onSetup?: (line: string) => void;
  /** Readings through virtual meters and the reading gateway. */
  readonly meters?: boolean;
  /** Where the gateway keeps its SQLite queue (default: a temporary folder). */
  readonly meterStorePath?: string;
  /** Signing threads (0: sign on the main thread); default DEFAULT_SIGNING_WORKERS. */
  readonly signingWorkers?: number;
  /** Told how long each relayed message took from submission to its batch's receipt (benchmarks). */
  readonly onRelayed?: (action: Failure['action'], ms: number) => void;
  /** The market's pricing rule (default mid-price). */
  readonly pricing?: PricingRule;
  /** Weight of each settled period in a participant's reputation, ppm (default: the scenario's). */
  readonly reputationWeightPpm?: bigint;
  /** Trade on the continuous market instead of sealed bids (onChainContinuous.ts). */
  readonly continuous?: boolean;
}

/** The continuous market's gate closure in simulated days: after the reveal window's placements. */
const SIMULATED_GATE_CLOSURE_SECONDS = 300;

/** Bids handed to the contract per clearing transaction (each stays under the 16.7 M gas cap). */
const CLEAR_BATCH = 400;
/**
 * Room for about sixty full transactions in a block: the simulation sends each step's independent
 * transactions together (see sendTogether), and every block costs anvil time in proportion to the state.
 */
const BLOCK_GAS_LIMIT = 1_000_000_000n;
/**
 * Participants settled per transaction: about 33 k gas each warm (docs/benchmarks.md), so 400 is
 * about 13 M gas, under the 16.7 M cap; a batch that does not fit is measured and split.
 */
const SETTLE_BATCH = 400;
/**
 * Fixed gas limits of the keeper's transactions, sent without measuring them first: a base plus
 * about one and a half times the gas per item measured (docs/benchmarks.md: 19–30 k per bid handed
 * to the clearing, 33 k per participant settled), at most the cap. A transaction that reverts
 * anyway is sent again measured.
 */
const KEEPER_GAS_BASE = 150_000n;
const CLEAR_GAS_PER_BID = 45_000n;
const SETTLE_GAS_PER_PARTICIPANT = 40_000n;

const causeOf = (error: unknown): string =>
  error instanceof ContractRefusedError ? error.errorName : summarize(error);

/** A deterministic key per scenario seed, participant and role, so that a rerun is the same chain. */
const keyFor = (seed: number, index: number, role: 'participant' | 'meter'): Hex =>
  keccak256(encodePacked(['string', 'uint32', 'uint32'], [role, seed, index]));

/** Signing started ahead for a period: the intents it was started for and its result. */
interface Prepared<I, R> {
  readonly intents: readonly I[];
  readonly signed: Promise<R>;
}

/** The signatures prepared for these very intents, if any; they are used once. */
function takePrepared<I, R>(
  map: Map<number, Prepared<I, R>>,
  period: number,
  intents: readonly I[],
): Promise<R> | undefined {
  const entry = map.get(period);
  map.delete(period);
  return entry?.intents === intents ? entry.signed : undefined;
}

/** Keeps signing started ahead; a failure surfaces where it is awaited, never as unhandled. */
function prepare<I, R>(
  map: Map<number, Prepared<I, R>>,
  period: number,
  intents: readonly I[],
  signed: Promise<R>,
) {
  signed.catch(() => {});
  map.set(period, { intents, signed });
}

/**
 * Threads that sign commits, readings and registrations and derive keys (signingPool.ts). One: a
 * period's signatures (about 0.5 ms each) take less time than the chain's work they overlap, and on
 * a 2-core machine a second thread competes with anvil (measurements in docs/simulation.md).
 */
const DEFAULT_SIGNING_WORKERS = 1;

/** An account whose typed-data signatures are made on the pool's threads. */
function pooledAccount(pool: SigningPool, key: Hex, address: Address): LocalAccount {
  return toAccount({
    address,
    signTypedData: async (typedData) =>
      (await pool.typedData([{ key, typedData: typedData as TypedDataItem['typedData'] }]))[0]!,
    signMessage: (parameters) => privateKeyToAccount(key).signMessage(parameters),
    signTransaction: (transaction, options) => privateKeyToAccount(key).signTransaction(transaction, options),
  });
}

/** Participant i's meter number (its DL/T 645 address), as enrolled. */
const meterNumberOf = (index: number) => String(index + 1).padStart(12, '0');

export interface OnChainMarket extends SimulatedMarket {
  readonly platform: TestPlatform;
  /** The meters, buses and gateway store of a `meters` run. */
  readonly meters?: MeterLayer;
}

export async function onChainMarket(
  scenario: Scenario,
  options: OnChainOptions = {},
): Promise<OnChainMarket> {
  const log = options.onSetup ?? (() => {});
  const { market } = scenario;
  const now = BigInt(Math.floor(Date.now() / 1000));
  // Genesis a week ahead: enrolment of any size happens before period 1's commit window, and the
  // clock then jumps there, so period numbers (and the tie-break ranks) match the off-chain run.
  // Periods start on the quarter hour, as metered periods do (meters integrate whole minutes).
  const genesis = ((now + 7n * 86_400n) / 900n) * 900n;
  const t = await startTestPlatform({
    parameters: {
      marginAmount: market.marginAmount,
      referencePricePerWh: market.referencePricePerWh,
      shortfallFactorPpm: Number(market.shortfallFactorPpm),
      surplusFactorPpm: Number(market.surplusFactorPpm),
      rewardRatePpm: Number(market.rewardRatePpm),
      penaltyRatePpm: Number(market.penaltyRatePpm),
      pricing: options.pricing ?? market.pricing,
      priceFloorPerWh: market.priceFloorPerWh,
      priceCapPerWh: market.priceCapPerWh,
      sellerShareCapBps: market.sellerShareCapBps,
      reputationWeightPpm: Number(options.reputationWeightPpm ?? market.reputationWeightPpm),
    },
    schedule: { genesis },
    blockGasLimit: BLOCK_GAS_LIMIT,
    ...(options.continuous
      ? {
          continuousMarket: {
            gateClosureSeconds: SIMULATED_GATE_CLOSURE_SECONDS,
            marginAmount: market.marginAmount,
          },
        }
      : {}),
  });
  const signing = { chainId: t.platform.connection.chain.id, market: t.platform.deployment.market };
  const pool = startSigningPool(options.signingWorkers ?? DEFAULT_SIGNING_WORKERS, signing);
  try {
    return await enrolAndOpen(t, pool, scenario, options, log);
  } catch (error) {
    await pool.close();
    await t.stop();
    throw error;
  }
}

async function enrolAndOpen(
  t: TestPlatform,
  pool: SigningPool,
  scenario: Scenario,
  options: OnChainOptions,
  log: (line: string) => void,
): Promise<OnChainMarket> {
  const { platform, clock, keeper } = t;
  const pricing = options.pricing ?? scenario.market.pricing;
  // One execution per batch instead of two; refusals still go through the SDK's relayer.
  const relayer = fixedGasRelayer(platform, t.accounts.relayer, t.relayer);
  const n = scenario.participants.length;
  const chainId = platform.connection.chain.id;
  await checkSigningPool(
    pool,
    { chainId, market: platform.deployment.market },
    keyFor(scenario.seed, 0, 'meter'),
  );
  // Keys derived once, on the pool's threads; each account signs typed data there too.
  const accountKeys = Array.from({ length: n }, (_, i) => keyFor(scenario.seed, i, 'participant'));
  const meterKeys = Array.from({ length: n }, (_, i) => keyFor(scenario.seed, i, 'meter'));
  const accountAddresses = await pool.addresses(accountKeys);
  const meterAddresses = await pool.addresses(meterKeys);
  const accounts = accountKeys.map((key, i) => pooledAccount(pool, key, accountAddresses[i]!));
  const meters = meterKeys.map((key, i) => pooledAccount(pool, key, meterAddresses[i]!));
  const ids = await enrolMany(
    platform,
    {
      relayer: t.accounts.relayer,
      operator: t.accounts.operator,
      settlementAgent: t.accounts.settlementAgent,
    },
    scenario.participants.map((p, i) => ({
      account: accounts[i]!,
      profile: {
        name: p.name,
        kind: p.kind,
        greenSupply: p.green && p.kind !== 'consumer',
        greenPreference: p.green && p.kind !== 'producer',
      },
      meter: { address: meters[i]!.address, number: meterNumberOf(i) },
      deposit: p.deposit,
    })),
    { onProgress: (done, total) => log(`enrolled ${done}/${total}`), onPhase: log, together: true },
  );
  ids.forEach((id, i) => {
    // Ties break by registry id; the off-chain run assumes participant i is id i + 1.
    if (id !== i + 1) throw new Error(`participant ${i} got registry id ${id}, expected ${i + 1}`);
  });
  if (scenario.gridFloat > 0n) await t.fundGrid(scenario.gridFloat);
  const meterLayer = options.meters
    ? await startMeterLayer({
        participants: scenario.participants,
        actualWh: scenario.participants.map(
          (p, i) => energyPlan(p, scenario.periods, scenario.seed, i).actualWh,
        ),
        outages: meterOutages(scenario.participants, scenario.periods, scenario.seed),
        meterKeys: meters,
        meterNumbers: scenario.participants.map((_, i) => meterNumberOf(i)),
        schedule: t.schedule,
        platform,
        // On the continuous market the platform's relayer sends the gateway's readings there.
        relayer: options.continuous ? t.relayer : relayer,
        storePath:
          options.meterStorePath ?? join(mkdtempSync(join(tmpdir(), 'wattledger-meters-')), 'gateway.sqlite'),
        chainNow: () => clock.now(),
      })
    : undefined;
  if (meterLayer !== undefined) {
    const buses = meterLayer.buses.length;
    log(`${n} meters on ${buses} bus${buses === 1 ? '' : 'es'} served over TCP`);
  }

  const indexOfAddress = new Map<Address, number>(accounts.map((a, i) => [a.address, i]));
  const grid = t.accounts.publicGrid.address;
  const balances: bigint[] = scenario.participants.map((p) => p.deposit);
  const debts: bigint[] = scenario.participants.map(() => 0n);
  let gridBalance = scenario.gridFloat;
  let totalSupply = scenario.participants.reduce((s, p) => s + p.deposit, scenario.gridFloat);
  let seenBlock = await platform.connection.publicClient.getBlockNumber();
  const sealed = new Map<number, SealedBid[]>();
  const revealedIds = new Map<number, number[]>();
  const publicClient = platform.connection.publicClient;
  const marketAddress = platform.deployment.market;
  const tokenAddress = platform.deployment.token;
  const continuousAddress = platform.deployment.continuousMarket;

  /** What the relayer's transactions cost while `work` ran. */
  // The fixed-gas relayer's figures include its fallback, the platform's relayer.
  const relayed = async <T>(work: () => Promise<T>): Promise<Step<T>> => {
    const before = { transactions: relayer.stats.transactions, gasUsed: relayer.stats.gasUsed };
    const result = await work();
    const cost = {
      transactions: relayer.stats.transactions - before.transactions,
      gasUsed: relayer.stats.gasUsed - before.gasUsed,
    };
    return { result, cost };
  };
  /** Submits signed messages through the relayer; each refused one becomes a failure with its cause. */
  const relayAll = async <T>(
    action: Failure['action'],
    items: readonly T[],
    submit: (item: T) => Promise<unknown>,
    participantOf: (item: T) => number,
  ): Promise<{ failures: Failure[]; accepted: boolean[]; cost: Cost }> => {
    const failures: Failure[] = [];
    const submitted = performance.now();
    const tracked = items.map((item) =>
      submit(item).then(
        () => {
          options.onRelayed?.(action, performance.now() - submitted);
          return true;
        },
        (error: unknown) => {
          failures.push({ participant: participantOf(item), action, cause: causeOf(error) });
          return false;
        },
      ),
    );
    const { result: accepted, cost } = await relayed(async () => {
      await relayer.flush();
      return await Promise.all(tracked);
    });
    return { failures, accepted, cost };
  };
  /**
   * The keeper plans the clearing with the core from the revealed bids and the balances it follows,
   * and hands the contract the merit order, which the contract verifies. If the chain disagrees
   * with the plan, the SDK's clearing re-plans from what the contract holds.
   */
  const clearWithOwnPlan = async (period: number, revealed: readonly RevealedBid[]): Promise<Cost> => {
    const view = await onChain.ledger();
    const wallets = new Map<string, Wallet>();
    for (const b of revealed) {
      wallets.set(String(b.participant), {
        balance: view.balances[b.participant]!,
        margin: marginFor(scenario.market.marginAmount, b.reputationPpm),
      });
    }
    const bids = coreBidsOf(period, revealed);
    const sellerCapWh = sellerShareCapWh(bids, scenario.market.sellerShareCapBps);
    const plan = clearGreenFirst({
      bids,
      wallets,
      rules: { pricing, ...(sellerCapWh === undefined ? {} : { sellerCapWh }) },
    });
    const steps = planClearingTransactions(
      plan.entries,
      revealed.map((b) => b.participant + 1),
      'green',
      CLEAR_BATCH,
      plan.stagePrices,
    );
    const call = (step: (typeof steps)[number]) =>
      ({
        address: marketAddress,
        abi: energyMarketAbi,
        functionName: 'clear',
        args: [BigInt(period), step.map((x) => ({ sellers: [...x.sellers], buyers: [...x.buyers] }))],
      }) as const;
    const gasOf = (step: (typeof steps)[number]) =>
      KEEPER_GAS_BASE +
      CLEAR_GAS_PER_BID * BigInt(step.reduce((n, x) => n + x.sellers.length + x.buyers.length, 0));
    // The steps go out together, in order (one sender, consecutive nonces), each with a fixed limit.
    // If one does not land, the steps after it would meet the contract somewhere the plan did not
    // expect: the chain goes back to before them all, and they are sent one at a time instead.
    const sent = await sendAllOrNone(
      platform.connection,
      keeper,
      steps.map((step) => ({ to: marketAddress, data: encodeCall(call(step)), gas: gasOf(step) })),
      `clear period ${period}`,
    );
    if (sent !== undefined) {
      return { transactions: sent.length, gasUsed: sent.reduce((s, x) => s + x.gasUsed, 0n) };
    }
    const receipts: { gasUsed: bigint }[] = [];
    try {
      for (const step of steps) {
        await executeWithFixedGas(
          platform.connection,
          keeper,
          call(step),
          gasOf(step),
          `clear period ${period}`,
          receipts,
        );
      }
    } catch (error) {
      if (!(error instanceof ContractRefusedError)) throw error;
      const report = await clearPeriodOnChain(platform, keeper, BigInt(period));
      receipts.push(...report.transactions);
    }
    return { transactions: receipts.length, gasUsed: receipts.reduce((s, x) => s + x.gasUsed, 0n) };
  };

  const saltOf = (period: number, participant: number) =>
    keccak256(
      encodePacked(['string', 'uint32', 'uint32', 'uint32'], ['salt', scenario.seed, period, participant]),
    );
  const signCommits = async (period: number, bids: readonly BidIntent[]) => {
    const sealedBids = bids.map((b): SealedBid => ({
      participant: accounts[b.participant]!.address,
      participantId: b.participant + 1,
      period: BigInt(period),
      side: b.side,
      quantityWh: b.quantityWh,
      pricePerWh: b.pricePerWh,
      salt: saltOf(period, b.participant),
    }));
    const signed = await pool.commits(
      sealedBids.map((bid, i) => ({ key: accountKeys[bids[i]!.participant]!, bid })),
    );
    return sealedBids.map((bid, i) => ({ sealed: bid, commit: signed[i]!.commit }));
  };
  const signReadings = (period: number, readings: readonly ReadingIntent[]) =>
    pool.readings(
      readings.map((r) => ({
        key: meterKeys[r.participant]!,
        meter: meters[r.participant]!.address,
        reading: {
          participantId: r.participant + 1,
          period: BigInt(period),
          importWh: r.side === 'buy' ? r.actualWh : 0n,
          exportWh: r.side === 'sell' ? r.actualWh : 0n,
        },
      })),
    );
  /** Signatures started ahead by prepareCommit / prepareReadings, used if the intents are the same. */
  const prepared = {
    commits: new Map<number, Prepared<BidIntent, Awaited<ReturnType<typeof signCommits>>>>(),
    readings: new Map<number, Prepared<ReadingIntent, SignedReading[]>>(),
  };
  const signedCommits = (period: number, bids: readonly BidIntent[]) =>
    takePrepared(prepared.commits, period, bids) ?? signCommits(period, bids);
  const signedReadings = (period: number, readings: readonly ReadingIntent[]) =>
    takePrepared(prepared.readings, period, readings) ?? signReadings(period, readings);

  const onChain: OnChainMarket = {
    platform: t,
    meters: meterLayer,
    async commit(period, bids: readonly BidIntent[]) {
      const w = periodWindows(t.schedule, BigInt(period));
      await clock.advanceTo(w.commitOpens);
      const seals = await signedCommits(period, bids);
      const { failures, accepted, cost } = await relayAll(
        'commit',
        seals.map((s, i) => ({ commit: s.commit as SignedCommit, index: bids[i]!.participant })),
        (x) => relayer.commit(x.commit),
        (x) => x.index,
      );
      sealed.set(
        period,
        seals.flatMap((s, i) => (accepted[i] ? [s.sealed] : [])),
      );
      return { result: failures, cost };
    },

    async reveal(period) {
      const w = periodWindows(t.schedule, BigInt(period));
      await clock.advanceTo(w.commitCloses);
      const list = sealed.get(period) ?? [];
      sealed.delete(period);
      const { failures, cost } = await relayAll(
        'reveal',
        list,
        (s) => relayer.reveal(s),
        (s) => s.participantId - 1,
      );
      return { result: failures, cost };
    },

    async clear(period): Promise<Step<ClearedPeriod>> {
      const w = periodWindows(t.schedule, BigInt(period));
      await clock.advanceTo(w.revealCloses);
      // The chain's own record of the period: its events, read with the SDK's readers.
      const revealed: RevealedBid[] = (await revealedBids(platform, BigInt(period))).map((b) => ({
        participant: b.participantId - 1,
        side: b.side,
        green: b.green,
        quantityWh: b.quantityWh,
        pricePerWh: b.pricePerWh,
        ...(b.reputationPpm === undefined ? {} : { reputationPpm: b.reputationPpm }),
      }));
      revealedIds.set(
        period,
        revealed.map((b) => b.participant + 1),
      );
      const cost = await clearWithOwnPlan(period, revealed);
      const tradeRecords = await periodTrades(platform, BigInt(period));
      let value = 0n;
      let quantityWh = 0n;
      const trades = tradeRecords.map((x) => {
        value += x.quantityWh * x.pricePerWh;
        quantityWh += x.quantityWh;
        return {
          seller: x.sellerId - 1,
          buyer: x.buyerId - 1,
          quantityWh: x.quantityWh,
          pricePerWh: x.pricePerWh,
          stage: x.stage,
        };
      });
      return {
        result: { revealed, trades, averagePrice: quantityWh === 0n ? null : { value, quantityWh } },
        cost,
      };
    },

    async submitReadings(period, readings) {
      const w = periodWindows(t.schedule, BigInt(period));
      await clock.advanceTo(w.deliveryEnds);
      if (meterLayer !== undefined) {
        // The meters say what happened; the runner's intents (the same model) are not sent.
        return await relayed(() => meterLayer.readAndSubmit(period));
      }
      const signed = await signedReadings(period, readings);
      const { failures, cost } = await relayAll(
        'reading',
        signed,
        (s) => relayer.reading(s),
        (s) => s.participantId - 1,
      );
      return { result: failures, cost };
    },

    async settle(period): Promise<Step<readonly SettledParticipant[]>> {
      const w = periodWindows(t.schedule, BigInt(period));
      await clock.advanceTo(w.readingDeadline);
      // After the deadline every revealed bid is due, read or not: settle them all, in batches.
      const ids = revealedIds.get(period) ?? [];
      revealedIds.delete(period);
      const transactions: { gasUsed: bigint }[] = [];
      /** Settles a batch; one too large for a transaction is halved. */
      const settleBatch = async (batch: number[]): Promise<void> => {
        try {
          await executeWithFixedGas(
            platform.connection,
            keeper,
            {
              address: marketAddress,
              abi: energyMarketAbi,
              functionName: 'settle',
              args: [BigInt(period), batch],
            },
            KEEPER_GAS_BASE + SETTLE_GAS_PER_PARTICIPANT * BigInt(batch.length),
            `settle period ${period}`,
            transactions,
          );
        } catch (error) {
          if (!isTooLargeForOneTransaction(error) || batch.length < 2) throw error;
          const half = Math.ceil(batch.length / 2);
          await settleBatch(batch.slice(0, half));
          await settleBatch(batch.slice(half));
        }
      };
      // The batches are independent: all go out together, and one that did not land is sent again alone.
      const batches: number[][] = [];
      for (let i = 0; i < ids.length; i += SETTLE_BATCH) batches.push(ids.slice(i, i + SETTLE_BATCH));
      const packed = await sendTogether(
        platform.connection,
        keeper,
        batches.map((batch) => ({
          to: marketAddress,
          data: encodeCall({
            address: marketAddress,
            abi: energyMarketAbi,
            functionName: 'settle',
            args: [BigInt(period), batch],
          }),
          gas: KEEPER_GAS_BASE + SETTLE_GAS_PER_PARTICIPANT * BigInt(batch.length),
        })),
        `settle period ${period}`,
      );
      for (const [i, batch] of batches.entries()) {
        const receipt = packed[i];
        if (receipt !== undefined) transactions.push(receipt);
        if (receipt?.status !== 'success') await settleBatch(batch);
      }
      const settled = (await periodSettlements(platform, BigInt(period))).map(
        ({ participantId, actualWh, readingMissing, imbalanceWh, imbalanceAmount, reward, penalty }) => ({
          participant: participantId - 1,
          actualWh,
          readingMissing,
          imbalanceWh,
          imbalanceAmount,
          reward,
          penalty,
        }),
      );
      const cost = {
        transactions: transactions.length,
        gasUsed: transactions.reduce((s, x) => s + x.gasUsed, 0n),
      };
      return { result: settled, cost };
    },

    /** Balances and debts followed from the token's and the market's events since the last look. */
    async ledger(): Promise<LedgerView> {
      const latest = await publicClient.getBlockNumber();
      if (latest > seenBlock) {
        const range = { fromBlock: seenBlock + 1n, toBlock: latest };
        // Debts are the continuous market's on a continuous deployment (same events, same topics).
        const debtKeepers = [marketAddress, ...(continuousAddress === undefined ? [] : [continuousAddress])];
        const [moved, recorded, repaid] = await Promise.all([
          publicClient.getContractEvents({
            address: tokenAddress,
            abi: settlementTokenAbi,
            eventName: 'TokensMoved',
            ...range,
          }),
          publicClient.getContractEvents({
            address: debtKeepers,
            abi: energyMarketAbi,
            eventName: 'DebtRecorded',
            ...range,
          }),
          publicClient.getContractEvents({
            address: debtKeepers,
            abi: energyMarketAbi,
            eventName: 'DebtRepaid',
            ...range,
          }),
        ]);
        const ZERO = '0x0000000000000000000000000000000000000000';
        for (const l of moved) {
          const amount = l.args.amount!;
          const from = l.args.from!;
          const to = l.args.to!;
          if (from === ZERO) totalSupply += amount;
          else if (from === grid) gridBalance -= amount;
          else balances[indexOfAddress.get(from)!]! -= amount;
          if (to === ZERO) totalSupply -= amount;
          else if (to === grid) gridBalance += amount;
          else balances[indexOfAddress.get(to)!]! += amount;
        }
        // Both events carry the debt after the change; the later one in chain order wins.
        const changes = [
          ...recorded.map((l) => ({ l, debt: l.args.totalDebt! })),
          ...repaid.map((l) => ({ l, debt: l.args.remainingDebt! })),
        ].sort((a, b) =>
          a.l.blockNumber === b.l.blockNumber
            ? a.l.logIndex - b.l.logIndex
            : a.l.blockNumber < b.l.blockNumber
              ? -1
              : 1,
        );
        for (const { l, debt } of changes) debts[l.args.participantId! - 1] = debt;
        seenBlock = latest;
      }
      return { balances: [...balances], debts: [...debts], grid: gridBalance, totalSupply };
    },

    prepareCommit(period, bids) {
      prepare(prepared.commits, period, bids, signCommits(period, bids));
    },
    prepareReadings(period, readings) {
      if (meterLayer !== undefined) return;
      prepare(prepared.readings, period, readings, signReadings(period, readings));
    },

    async close() {
      await pool.close();
      await meterLayer?.close();
      await t.stop();
    },
  };
  if (options.continuous) {
    Object.assign(
      onChain,
      continuousSteps({
        t,
        scenario,
        accounts,
        signReadings: (period, readings) => signedReadings(period, readings),
        ...(meterLayer === undefined
          ? {}
          : { readMeters: (period: number) => relayed(() => meterLayer.readAndSubmit(period)) }),
        debts: async () => (await onChain.ledger()).debts,
      }),
      { prepareCommit: undefined },
    );
  }
  return onChain;
}
