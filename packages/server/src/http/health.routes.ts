// Readiness for load balancers: GET /api/health/ready answers 200 only while the database and the storage answer.
import type { ReadinessResponse } from '@flowport/protocol';
import { ReadinessResponseSchema } from '@flowport/protocol/schemas';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { DomainError } from '../shared/domain-error';
import type { Readiness } from '../health/readiness';
import { responses } from './responses';

export async function healthRoutes(app: FastifyInstance, o: { readiness: Readiness; logger: Logger }) {
  // Probed every few seconds: a failure is logged when it starts or changes, and the recovery once.
  let failingBefore = '';
  app.get(
    '/api/health/ready',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness: 200 while the database and the storage answer, else 503 naming those that do not',
        tags: ['health'],
        security: [],
        response: responses({ 200: ReadinessResponseSchema }, [503]),
      },
    },
    async (_request, reply): Promise<ReadinessResponse> => {
      const report = await o.readiness.report();
      const failing = report.failing.join(', ');
      if (failing !== failingBefore) {
        if (failing) o.logger.warn({ failing: report.failing, errors: report.errors }, 'not ready');
        else o.logger.info({ checks: report.checks }, 'ready again');
        failingBefore = failing;
      }
      void reply.header('cache-control', 'no-store');
      if (!report.ready) {
        throw new DomainError(
          'NOT_READY',
          `Not ready: ${failing} ${report.failing.length > 1 ? 'do' : 'does'} not answer`,
          {
            failing: report.failing,
            checks: report.checks,
          },
        );
      }
      return { status: 'ready', checks: report.checks };
    },
  );
}
