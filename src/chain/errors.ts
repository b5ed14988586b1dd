import { WattLedgerError } from '../core/errors.ts';

/** The embedded chain could not start, stopped unexpectedly, or a node could not be reached. */
export class ChainUnavailableError extends WattLedgerError {
  override readonly name = 'ChainUnavailableError';
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('CHAIN_UNAVAILABLE', message, { details, cause });
  }
}

/**
 * A contract refused a transaction. `errorName` is the contract's custom error (e.g.
 * `BidRevealMismatch`) and `args` its values, so callers can act on the reason.
 */
export class ContractRefusedError extends WattLedgerError {
  override readonly name = 'ContractRefusedError';
  readonly errorName: string;
  readonly args: readonly unknown[];

  constructor(action: string, errorName: string, args: readonly unknown[], cause?: unknown) {
    super(
      'CONTRACT_REFUSED',
      `${action} refused by the contract: ${errorName}(${args.map(String).join(', ')})`,
      {
        details: { action, errorName, args },
        cause,
      },
    );
    this.errorName = errorName;
    this.args = args;
  }
}
