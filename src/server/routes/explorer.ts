import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import { RequestError } from '../../app/errors.ts';
import type { BlockView, TransactionView } from '../../app/readModel.ts';
import type { ApiContext } from '../context.ts';
import { jsonSafe, S } from '../format.ts';

const block = (b: BlockView) => ({
  number: Number(b.number),
  hash: b.hash,
  timestamp: Number(b.timestamp),
  transactionCount: b.transactionCount,
  gasUsed: b.gasUsed.toString(),
});

const transaction = (t: TransactionView) => ({
  hash: t.hash,
  blockNumber: Number(t.blockNumber),
  from: t.from,
  to: t.to,
  functionName: t.functionName,
  gasUsed: t.gasUsed.toString(),
  status: t.status,
});

export function explorerRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/blocks',
    {
      schema: {
        summary: 'Latest blocks, newest first',
        tags: ['explorer'],
        querystring: {
          type: 'object',
          properties: {
            before: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query as { before?: number; limit?: number };
      return {
        blocks: ctx.readModel.blocks(q.before, q.limit ?? 20).map(block),
      };
    },
  );

  app.get(
    '/api/blocks/:number',
    {
      schema: {
        summary: 'A block and its transactions',
        tags: ['explorer'],
        params: {
          type: 'object',
          properties: { number: { type: 'integer', minimum: 0 } },
          required: ['number'],
        },
      },
    },
    async (request) => {
      const n = (request.params as { number: number }).number;
      const b = ctx.readModel.block(n);
      if (b === undefined) throw new RequestError('not-found', `block ${n} is not indexed (yet)`, 'number');
      return { ...block(b), transactions: b.transactions.map(transaction) };
    },
  );

  app.get(
    '/api/transactions/:hash',
    {
      schema: {
        summary: 'A transaction with its decoded events',
        tags: ['explorer'],
        params: { type: 'object', properties: { hash: S.hash }, required: ['hash'] },
      },
    },
    async (request) => {
      const { hash } = request.params as { hash: Hex };
      const t = ctx.readModel.transaction(hash);
      if (t === undefined)
        throw new RequestError('not-found', `transaction ${hash} is not indexed (yet)`, 'hash');
      return { ...transaction(t), events: jsonSafe(t.events) };
    },
  );
}
