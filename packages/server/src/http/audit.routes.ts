// The audit log of administrator actions, for the Session Manager's audit panel.
import { AuditListSchema, AuditQuerySchema } from '@flowport/protocol/schemas';
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../services';
import { GUARDED, responses } from './responses';

export async function auditRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  app.get<{ Querystring: { limit?: number } }>(
    '/api/manager/audit',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'The latest entries of the audit log, newest first',
        tags: ['manager'],
        querystring: AuditQuerySchema,
        response: responses({ 200: AuditListSchema }, [400, ...GUARDED]),
      },
    },
    async (request) => ({ entries: await services.audit.latest(request.query.limit) }),
  );
}
