// The execution history for administrators: GET /api/manager/executions?search=&limit=, newest first.
import type { FastifyInstance } from 'fastify';
import type { ExecutionHistoryStore } from '../db/execution-history';

const ADMIN = { access: ['admin'] as const };
const MAX_LIMIT = 1000;

export async function executionRoutes(app: FastifyInstance, { history }: { history: ExecutionHistoryStore }) {
  app.get<{ Querystring: { search?: string; limit?: string } }>(
    '/api/manager/executions',
    { config: ADMIN },
    async (request) => {
      const n = Number(request.query.limit ?? 100);
      const limit = Number.isInteger(n) && n > 0 ? Math.min(n, MAX_LIMIT) : 100;
      const search = typeof request.query.search === 'string' ? request.query.search.trim() : '';
      return { executions: history.recent({ search: search || undefined, limit }) };
    },
  );
}
