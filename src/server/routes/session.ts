import type { FastifyInstance } from 'fastify';
import type { Session } from '../../app/users.ts';
import { requireSession, SESSION_COOKIE, tokenOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';

export const userSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    role: { type: 'string', enum: ['operator', 'participant'] },
    participantId: { type: ['integer', 'null'] },
  },
  required: ['username', 'role', 'participantId'],
} as const;

export const describeUser = (s: Session) => ({
  username: s.username,
  role: s.role,
  participantId: s.participantId,
});

export const sessionCookie = { path: '/', httpOnly: true, sameSite: 'strict', secure: false } as const;

export function sessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post(
    '/api/session',
    {
      schema: {
        summary: 'Log in',
        tags: ['session'],
        body: {
          type: 'object',
          properties: {
            username: { type: 'string', minLength: 1 },
            password: { type: 'string', minLength: 1 },
          },
          required: ['username', 'password'],
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { token: { type: 'string' }, user: userSchema } },
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const session = await ctx.users.login(username, password);
      void reply.setCookie(SESSION_COOKIE, session.token, sessionCookie);
      return { token: session.token, user: describeUser(session) };
    },
  );

  app.get(
    '/api/session',
    {
      schema: {
        summary: 'Who is logged in',
        tags: ['session'],
        response: { 200: { type: 'object', properties: { user: userSchema } } },
      },
    },
    async (request) => ({ user: describeUser(requireSession(ctx, request)) }),
  );

  app.delete(
    '/api/session',
    { schema: { summary: 'Log out', tags: ['session'] } },
    async (request, reply) => {
      const token = tokenOf(request);
      if (token !== undefined) ctx.users.logout(token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/session/password',
    {
      schema: {
        summary: 'Change the password (re-encrypts the keystore)',
        tags: ['session'],
        body: {
          type: 'object',
          properties: { currentPassword: { type: 'string' }, newPassword: { type: 'string' } },
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const session = requireSession(ctx, request);
      const { currentPassword, newPassword } = request.body as {
        currentPassword: string;
        newPassword: string;
      };
      await ctx.users.changePassword(session, currentPassword, newPassword);
      return reply.status(204).send();
    },
  );
}
