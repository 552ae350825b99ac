// GET /metrics: the Prometheus text exposition, for administrators or a scraper holding the configured token.
import type { FastifyInstance } from 'fastify';
import type { FlowportMetrics } from '../metrics/flowport-metrics';

export async function metricsRoutes(app: FastifyInstance, o: { metrics: FlowportMetrics; token: string | null }) {
  app.get('/metrics', { config: { access: { roles: ['admin'], token: o.token } } }, async (_request, reply) => {
    const body = await o.metrics.render();
    return reply.type(o.metrics.contentType).header('cache-control', 'no-store').send(body);
  });
}
