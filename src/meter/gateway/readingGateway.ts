/**
 * The reading gateway: at every period boundary it reads each bound meter's forward and reverse
 * energy registers, turns the difference from the previous boundary into the period's energy,
 * signs it with the meter's own key, queues it durably, and submits the queue in order through the
 * relayer. While the chain is unreachable the queue waits; after a restart it carries on. A reading
 * already on chain (a crash between submission and bookkeeping) is recognised and never sent twice.
 * A meter that does not answer is reported, and the market's missing-reading rule settles it.
 */
import type { LocalAccount } from 'viem';
import { WattLedgerError } from '../../core/errors.ts';
import { periodAt, type PeriodSchedule } from '../../core/periodClock.ts';
import { signReading } from '../../chain/bidding.ts';
import { ContractRefusedError } from '../../chain/errors.ts';
import type { Platform } from '../../chain/platform.ts';
import type { Relayer } from '../../chain/relayer.ts';
import { summarize } from '../../chain/transactions.ts';
import type { MeterAddress } from '../dlt645/address.ts';
import type { MeterClient } from '../transport/meterClient.ts';
import { periodEnergy } from './registerDelta.ts';
import type { QueuedReading, ReadingStore } from './readingStore.ts';

export interface GatewayMeter {
  readonly participantId: number;
  /** The meter's DL/T 645 address (its 12-digit number), bound to the participant on chain. */
  readonly meterNumber: MeterAddress;
  /** The meter's own signing key, as bound on chain. */
  readonly key: LocalAccount;
  /** The bus the meter hangs on. */
  readonly client: MeterClient;
}

export type GatewayEvent =
  | { readonly type: 'snapshot'; readonly meterNumber: MeterAddress; readonly period: bigint }
  | {
      readonly type: 'queued';
      readonly reading:
        QueuedReading | Pick<QueuedReading, 'meterNumber' | 'period' | 'importWh' | 'exportWh'>;
    }
  | {
      readonly type: 'meter-unreachable';
      readonly meterNumber: MeterAddress;
      readonly period: bigint;
      readonly reason: string;
    }
  | {
      readonly type: 'submitted';
      readonly meterNumber: MeterAddress;
      readonly period: bigint;
      readonly transactionHash: string | null;
    }
  | {
      readonly type: 'refused';
      readonly meterNumber: MeterAddress;
      readonly period: bigint;
      readonly reason: string;
    }
  | { readonly type: 'chain-unreachable'; readonly reason: string };

export interface GatewayOptions {
  readonly store: ReadingStore;
  readonly meters: readonly GatewayMeter[];
  readonly platform: Platform;
  readonly relayer: Relayer;
  readonly maxPeriodWh?: bigint;
  readonly onEvent?: (event: GatewayEvent) => void;
}

export interface BoundaryReport {
  readonly period: bigint;
  readonly read: readonly MeterAddress[];
  readonly unreachable: readonly MeterAddress[];
  readonly queued: number;
}

export interface SubmitReport {
  readonly submitted: number;
  readonly alreadyOnChain: number;
  readonly refused: number;
  /** Still queued because the chain could not be reached. */
  readonly waiting: number;
}

export function createReadingGateway(options: GatewayOptions) {
  const { store, meters, platform, relayer } = options;
  const emit = options.onEvent ?? (() => {});

  /**
   * The boundary that starts delivery period `period` ends period − 1: read every meter (once — a
   * snapshot already taken is never taken again) and queue the readings of period − 1.
   */
  async function readBoundary(period: bigint): Promise<BoundaryReport> {
    const read: MeterAddress[] = [];
    const unreachable: MeterAddress[] = [];
    let queued = 0;
    for (const meter of meters) {
      let current = store.snapshot(meter.meterNumber, period);
      if (current === undefined) {
        try {
          current = await meter.client.readEnergy(meter.meterNumber);
        } catch (error) {
          const reason = summarize(error);
          store.recordFailure(meter.meterNumber, period, reason);
          unreachable.push(meter.meterNumber);
          emit({ type: 'meter-unreachable', meterNumber: meter.meterNumber, period, reason });
          continue;
        }
      }
      read.push(meter.meterNumber);
      const previous = store.snapshot(meter.meterNumber, period - 1n);
      let reading;
      if (previous !== undefined) {
        try {
          const energy = periodEnergy(meter.meterNumber, previous, current, {
            maxPeriodWh: options.maxPeriodWh,
          });
          const signed = await signReading(platform, meter.key, {
            participantId: meter.participantId,
            period: period - 1n,
            importWh: energy.importWh,
            exportWh: energy.exportWh,
          });
          reading = {
            participantId: meter.participantId,
            period: period - 1n,
            ...energy,
            signature: signed.signature,
          };
        } catch (error) {
          if (!(error instanceof WattLedgerError)) throw error;
          store.recordFailure(meter.meterNumber, period - 1n, error.message);
          emit({
            type: 'meter-unreachable',
            meterNumber: meter.meterNumber,
            period: period - 1n,
            reason: error.message,
          });
        }
      }
      store.recordBoundary(meter.meterNumber, period, current, reading);
      emit({ type: 'snapshot', meterNumber: meter.meterNumber, period });
      if (reading !== undefined) {
        queued += 1;
        emit({ type: 'queued', reading: { meterNumber: meter.meterNumber, ...reading } });
      }
    }
    return { period, read, unreachable, queued };
  }

  /** Submits the queue in period order; stops, keeping the rest, when the chain cannot be reached. */
  async function submitPending(): Promise<SubmitReport> {
    const report = { submitted: 0, alreadyOnChain: 0, refused: 0, waiting: 0 };
    const pending = store.pending();
    const byMeter = new Map(meters.map((m) => [m.meterNumber, m]));
    const toSend: { reading: QueuedReading; receipt: Promise<unknown> }[] = [];
    try {
      for (const reading of pending) {
        const meter = byMeter.get(reading.meterNumber);
        if (meter === undefined) continue;
        // Already on chain (sent before a crash, or by another gateway): record it, never send it again.
        const last = await platform.read.market.read.lastReadingPeriod([meter.key.address]);
        if (last >= reading.period) {
          store.markSubmitted(reading.meterNumber, reading.period, await onChainHash(reading, meter));
          report.alreadyOnChain += 1;
          continue;
        }
        const receipt = relayer.reading({
          meter: meter.key.address,
          participantId: reading.participantId,
          period: reading.period,
          importWh: reading.importWh,
          exportWh: reading.exportWh,
          signature: reading.signature,
        });
        toSend.push({ reading, receipt });
      }
      await relayer.flush();
    } catch (error) {
      emit({ type: 'chain-unreachable', reason: summarize(error) });
    }
    for (const { reading, receipt } of toSend) {
      const outcome = await receipt.then(
        (r) => ({ ok: true as const, hash: (r as { transactionHash: string }).transactionHash }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (outcome.ok) {
        store.markSubmitted(reading.meterNumber, reading.period, outcome.hash as `0x${string}`);
        report.submitted += 1;
        emit({
          type: 'submitted',
          meterNumber: reading.meterNumber,
          period: reading.period,
          transactionHash: outcome.hash,
        });
      } else if (
        outcome.error instanceof ContractRefusedError &&
        outcome.error.errorName === 'ReadingAlreadyReported'
      ) {
        store.markSubmitted(reading.meterNumber, reading.period, null);
        report.alreadyOnChain += 1;
      } else if (outcome.error instanceof ContractRefusedError) {
        store.markRefused(reading.meterNumber, reading.period, outcome.error.message);
        report.refused += 1;
        emit({
          type: 'refused',
          meterNumber: reading.meterNumber,
          period: reading.period,
          reason: outcome.error.message,
        });
      } else {
        report.waiting += 1;
      }
    }
    if (report.waiting > 0)
      emit({ type: 'chain-unreachable', reason: `${report.waiting} readings wait for the chain` });
    report.waiting += pending.length - toSend.length - report.alreadyOnChain;
    return report;
  }

  async function onChainHash(reading: QueuedReading, meter: GatewayMeter): Promise<`0x${string}` | null> {
    const logs = await platform.read.market.getEvents.ReadingRecorded(
      { period: reading.period, participantId: reading.participantId, meter: meter.key.address },
      { fromBlock: platform.deployment.fromBlock },
    );
    return logs[0]?.transactionHash ?? null;
  }

  let lastBoundary = 0n;
  /**
   * Called on the period clock (every few seconds is fine): reads the boundary that opened the
   * delivery period under way, once, then submits what is queued.
   */
  async function tick(
    nowSeconds: bigint,
    schedule: PeriodSchedule,
  ): Promise<{ boundary: BoundaryReport | undefined; submitted: SubmitReport }> {
    const period = periodAt(schedule, nowSeconds);
    let boundary: BoundaryReport | undefined;
    if (period > lastBoundary) {
      boundary = await readBoundary(period);
      lastBoundary = period;
    }
    return { boundary, submitted: await submitPending() };
  }

  return { readBoundary, submitPending, tick, store };
}

export type ReadingGateway = ReturnType<typeof createReadingGateway>;
