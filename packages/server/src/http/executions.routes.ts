// The execution history for administrators: GET /api/manager/executions?search=&limit=, newest first.
import { ExecutionListSchema, ExecutionQuerySchema } from '@flowport/protocol/schemas';
import type { FastifyInstance } from 'fastify';
import type { ExecutionHistoryStore } from '../db/execution-history';
import { GUARDED, responses } from './responses';

const ADMIN = { access: ['admin'] as const };

export async function executionRoutes(app: FastifyInstance, { history }: { history: ExecutionHistoryStore }) {
  app.get<{ Querystring: { search?: string; limit?: number } }>(
    '/api/manager/executions',
    {
      config: ADMIN,
      schema: {
        summary: 'The last finished executions of every kind, newest first',
        tags: ['manager'],
        querystring: ExecutionQuerySchema,
        response: responses({ 200: ExecutionListSchema }, [400, ...GUARDED]),
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const search = request.query.search?.trim() ?? '';
      return { executions: await history.recent({ search: search || undefined, limit }) };
    },
  );
}
