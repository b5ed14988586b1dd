import { WattLedgerError } from '../../core/errors.ts';
import type { MeterAddress } from '../dlt645/address.ts';
import { describeReason, type ErrorReason } from '../dlt645/messages.ts';

/** A meter did not answer within the timeout, after every retry. */
export class MeterTimeoutError extends WattLedgerError {
  override readonly name = 'MeterTimeoutError';
  constructor(address: MeterAddress, what: string, attempts: number, timeoutMs: number) {
    super(
      'METER_TIMEOUT',
      `meter ${address} did not answer ${what} (${attempts} attempts, ${timeoutMs} ms each)`,
      {
        details: { address, attempts, timeoutMs },
      },
    );
  }
}

/** A meter answered with an abnormal reply (D6 set): the reasons are from its error word. */
export class MeterRefusedError extends WattLedgerError {
  override readonly name = 'MeterRefusedError';
  readonly reasons: readonly ErrorReason[];
  constructor(address: MeterAddress, what: string, reasons: readonly ErrorReason[]) {
    super(
      'METER_REFUSED',
      `meter ${address} refused ${what}: ${reasons.map(describeReason).join(', ') || 'no reason given'}`,
      {
        details: { address, reasons },
      },
    );
    this.reasons = reasons;
  }
}

/** The serial port or TCP gateway could not be opened, or closed under a request. */
export class MeterLinkError extends WattLedgerError {
  override readonly name = 'MeterLinkError';
  constructor(message: string, cause?: unknown) {
    super('METER_LINK', message, { cause });
  }
}
