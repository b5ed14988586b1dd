import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';

/** Kinds pushed to browsers; never a bid's contents, only counts. */
export const LIVE_EVENTS = ['clock', 'block', 'period', 'bids', 'book'] as const;

export function eventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/events',
    {
      schema: {
        summary: 'Live updates (server-sent events): clock, block, period, bids, book',
        tags: ['market'],
      },
    },
    (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(': connected\n\n');
      const listeners = LIVE_EVENTS.map((name) => {
        const listener = (data: unknown) => raw.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
        ctx.events.on(name, listener);
        return [name, listener] as const;
      });
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        for (const [name, listener] of listeners) ctx.events.off(name, listener);
      });
    },
  );
}
