/**
 * The API and the web UI as one Fastify app. `buildApp` is apart from listening so tests use
 * `app.inject()` against the same app a browser reaches.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { RequestError } from '../app/errors.ts';
import type { ApiContext } from './context.ts';
import { errorHandler, errorSchema } from './errors.ts';
import { bidRoutes } from './routes/bids.ts';
import { orderRoutes } from './routes/orders.ts';
import { eventRoutes } from './routes/events.ts';
import { explorerRoutes } from './routes/explorer.ts';
import { marketRoutes } from './routes/market.ts';
import { operatorRoutes } from './routes/operator.ts';
import { participantRoutes } from './routes/participants.ts';
import { reputationRoutes } from './routes/reputation.ts';
import { subsidyRoutes } from './routes/subsidies.ts';
import { maintenanceRoutes } from './routes/maintenance.ts';
import { forwardRoutes } from './routes/forward.ts';
import { gridRoutes } from './routes/grid.ts';
import { gridCapacityRoutes } from './routes/gridCapacity.ts';
import { sessionRoutes } from './routes/session.ts';
import { tradeRoutes } from './routes/trades.ts';

export interface AppOptions {
  /** The built web UI (web/dist); without it the API runs alone. */
  readonly webRoot?: string;
  readonly logger?: boolean;
}

export async function buildApp(ctx: ApiContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'WattLedger API',
        version: '1',
        description:
          'Peer-to-peer electricity trading on an Ethereum chain: participants, wallets, sealed bids, periods, settlements, meters, explorer. Amounts are decimal strings.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'wattledger_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  // A POST without a body (authorise, log out) is fine even when the client says it sends JSON.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new RequestError('invalid', 'the body is not valid JSON', '(body)'), undefined);
    }
  });
  app.setErrorHandler(errorHandler);
  app.addSchema({ $id: 'error', ...errorSchema });
  app.addHook('onRoute', (route) => {
    // Every route documents the error answer it may give.
    if (route.url.startsWith('/api/') && route.schema !== undefined) {
      const response = (route.schema.response ?? {}) as Record<string, unknown>;
      route.schema.response = { ...response, '4xx': { $ref: 'error#' }, '5xx': { $ref: 'error#' } };
    }
  });
  sessionRoutes(app, ctx);
  participantRoutes(app, ctx);
  reputationRoutes(app, ctx);
  bidRoutes(app, ctx);
  orderRoutes(app, ctx);
  marketRoutes(app, ctx);
  tradeRoutes(app, ctx);
  operatorRoutes(app, ctx);
  subsidyRoutes(app, ctx);
  maintenanceRoutes(app, ctx);
  forwardRoutes(app, ctx);
  gridRoutes(app, ctx);
  gridCapacityRoutes(app, ctx);
  explorerRoutes(app, ctx);
  eventRoutes(app, ctx);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const webRoot =
    options.webRoot !== undefined && existsSync(join(options.webRoot, 'index.html'))
      ? options.webRoot
      : undefined;
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || webRoot === undefined) {
      void reply.status(404).send({
        error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
      });
      return;
    }
    // Client-side routes of the single-page UI.
    void reply.sendFile('index.html');
  });
  if (webRoot !== undefined) {
    // The file list is read once: after `npm run build:web` the server is restarted (npm start does both).
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false });
  }
  return app;
}
