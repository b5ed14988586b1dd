/**
 * The one error base of WattLedger. Every layer throws subclasses of it, each with a stable `code`
 * (for programs), a message a person can act on, and, where a field of some input is to blame, that
 * field's path.
 */
export class WattLedgerError extends Error {
  override readonly name: string = 'WattLedgerError';
  readonly code: string;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.details = options.details ?? {};
  }
}

/** Input that does not satisfy the market's rules or formats (a bad number, a missing field...). */
export class MarketInputError extends WattLedgerError {
  override readonly name = 'MarketInputError';

  constructor(field: string, reason: string, details: Record<string, unknown> = {}) {
    super('MARKET_INPUT', `${field}: ${reason}`, { field, details });
  }
}

/** A market rule that an otherwise well-formed request breaks (insufficient float, ...). */
export class MarketRuleError extends WattLedgerError {
  override readonly name = 'MarketRuleError';

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}
