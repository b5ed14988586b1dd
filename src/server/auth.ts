/** Who is asking: the session behind the request's cookie or bearer token, and what it may see. */
import type { FastifyRequest } from 'fastify';
import { RequestError } from '../app/errors.ts';
import type { Session } from '../app/users.ts';
import type { ApiContext } from './context.ts';

export const SESSION_COOKIE = 'wattledger_session';

export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && header.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE];
}

export const sessionOf = (ctx: ApiContext, request: FastifyRequest): Session | undefined =>
  ctx.users.session(tokenOf(request));

export function requireSession(ctx: ApiContext, request: FastifyRequest): Session {
  const session = sessionOf(ctx, request);
  if (session === undefined) throw new RequestError('unauthenticated', 'log in first (POST /api/session)');
  return session;
}

export function requireOperator(ctx: ApiContext, request: FastifyRequest): Session {
  const session = requireSession(ctx, request);
  if (session.role !== 'operator') throw new RequestError('forbidden', 'only the operator may do this');
  return session;
}

/** A participant sees and acts on its own records only; the operator on everyone's. */
export function requireSelfOrOperator(
  ctx: ApiContext,
  request: FastifyRequest,
  participantId: number,
): Session {
  const session = requireSession(ctx, request);
  if (session.role !== 'operator' && session.participantId !== participantId)
    throw new RequestError(
      'forbidden',
      `participant ${participantId}'s records are private to it and the operator`,
    );
  return session;
}

export function requireParticipant(
  ctx: ApiContext,
  request: FastifyRequest,
): Session & { participantId: number } {
  const session = requireSession(ctx, request);
  if (session.participantId === null) throw new RequestError('forbidden', 'only a participant may do this');
  return session as Session & { participantId: number };
}
