/**
 * One catalogue of the API's error codes and their HTTP status. Every error leaves the API as
 * `{ error: { code, field?, message, details? } }`; a refused request has written nothing.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KeystoreError } from '../keys/keystore.ts';
import { ConfigError } from '../config/config.ts';
import { MarketInputError, MarketRuleError, WattLedgerError } from '../core/errors.ts';
import { ChainUnavailableError, ContractRefusedError } from '../chain/errors.ts';
import { RequestError, type RequestErrorKind } from '../app/errors.ts';
import { jsonSafe } from './format.ts';

const STATUS: Record<RequestErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
};

export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string;
    readonly details?: Record<string, unknown>;
  };
}

/** The status and body of any error a route throws. */
export function describeError(error: unknown): { status: number; body: ApiErrorBody } {
  const validation = (error as FastifyError).validation;
  if (validation !== undefined && validation.length > 0) {
    const first = validation[0]!;
    const missing = (first.params as { missingProperty?: string }).missingProperty;
    const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const field = missing !== undefined ? (path === '' ? missing : `${path}.${missing}`) : path || '(body)';
    const context = (error as FastifyError).validationContext ?? 'body';
    const reason = missing !== undefined ? 'is required' : (first.message ?? 'is not valid');
    return {
      status: 400,
      body: { error: { code: 'INVALID_FIELD', field, message: `${field}: ${reason} (in the ${context})` } },
    };
  }
  if (error instanceof RequestError) {
    return {
      status: STATUS[error.kind],
      body: {
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      },
    };
  }
  if (error instanceof MarketInputError || error instanceof ConfigError) {
    return {
      status: 400,
      body: { error: { code: 'INVALID_FIELD', field: error.field, message: error.message } },
    };
  }
  if (error instanceof ContractRefusedError) {
    return {
      status: 409,
      body: {
        error: {
          code: 'CONTRACT_REFUSED',
          message: error.message.split('\n')[0]!,
          details: jsonSafe({ errorName: error.errorName, args: error.args }) as Record<string, unknown>,
        },
      },
    };
  }
  if (error instanceof MarketRuleError) {
    return { status: 409, body: { error: { code: error.code, message: error.message } } };
  }
  if (error instanceof ChainUnavailableError) {
    return { status: 503, body: { error: { code: 'CHAIN_UNAVAILABLE', message: error.message } } };
  }
  if (error instanceof KeystoreError) {
    return { status: 400, body: { error: { code: error.code, message: error.message } } };
  }
  const statusCode = (error as FastifyError).statusCode;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return {
      status: statusCode,
      body: {
        error: { code: (error as FastifyError).code ?? 'BAD_REQUEST', message: (error as Error).message },
      },
    };
  }
  const message = error instanceof WattLedgerError ? error.message : 'internal error';
  return { status: 500, body: { error: { code: 'INTERNAL', message } } };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = describeError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(status).send(body);
}

/** The schema of every error answer, for the OpenAPI document. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;
