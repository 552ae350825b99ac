// prom-client's default process and event-loop metrics: one registry per process, however many apps it builds.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { nodeName } from './node-name';

let registry: Registry | undefined;

/**
 * Made on first use. The default metrics describe the process (CPU, memory, handles, event-loop
 * delay, GC) and start observers that cannot be stopped: one set per process, not per app (tests
 * build many apps in one process).
 */
export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    registry.setDefaultLabels({ node: nodeName() });
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
