import { WattLedgerError } from '../core/errors.ts';

export type RequestErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict';

/**
 * A request the platform refuses before anything is written, with the field to blame where there is
 * one. The API turns the kind into its HTTP status.
 */
export class RequestError extends WattLedgerError {
  override readonly name = 'RequestError';
  readonly kind: RequestErrorKind;

  /** `code` names a refusal more precisely than the kind's own code (e.g. MECHANISM_NOT_CONTINUOUS). */
  constructor(kind: RequestErrorKind, message: string, field?: string, code?: string) {
    super(code ?? CODES[kind], field === undefined ? message : `${field}: ${message}`, { field });
    this.kind = kind;
  }
}

const CODES: Record<RequestErrorKind, string> = {
  invalid: 'INVALID_FIELD',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
};
