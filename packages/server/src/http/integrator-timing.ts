// Times every answered Integrator call for the metrics, from a hook: the Integrator's routes stay as they are.
import type { FastifyInstance } from 'fastify';
import type { FlowportMetrics } from '../metrics/flowport-metrics';
import { INTEGRATOR_PREFIX } from './integrator-openapi';

const CALL_ROUTE = `${INTEGRATOR_PREFIX}/*`;

/** On the root instance, before the Integrator's routes are registered, so that they inherit the hook. */
export function installIntegratorTiming(app: FastifyInstance, metrics: FlowportMetrics): void {
  // A callback hook: no promise per request. elapsedTime runs from the request's arrival.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method === 'POST' && request.routeOptions.url === CALL_ROUTE) {
      const target = (request.params as { '*'?: string })['*'] ?? '';
      metrics.integratorAnswered(target, reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
}
