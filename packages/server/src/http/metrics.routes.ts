// GET /metrics: the Prometheus text exposition, for administrators or a scraper holding the configured token.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FlowportMetrics } from '../metrics/flowport-metrics';
import { GUARDED, responses } from './responses';

export async function metricsRoutes(app: FastifyInstance, o: { metrics: FlowportMetrics; token: string | null }) {
  const schema = {
    summary: 'The Prometheus text exposition (administrators, or the configured scrape token as a bearer token)',
    tags: ['health'],
    produces: ['text/plain'],
    response: responses({ 200: Type.String({ description: 'Prometheus text format 0.0.4' }) }, GUARDED),
  };
  app.get('/metrics', { config: { access: { roles: ['admin'], token: o.token } }, schema }, async (_request, reply) => {
    const body = await o.metrics.render();
    return reply.type(o.metrics.contentType).header('cache-control', 'no-store').send(body);
  });
}
