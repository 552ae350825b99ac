// The audit log of administrator actions, for the Session Manager's audit panel.
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../services';

export async function auditRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  app.get<{ Querystring: { limit?: string } }>(
    '/api/manager/audit',
    { config: { access: ['admin'] } },
    async (request) => {
      const limit = Number(request.query.limit ?? 100);
      return { entries: await services.audit.latest(Number.isFinite(limit) ? limit : 100) };
    },
  );
}
