// The name in every metric's `node` label: one function, so a configured node name can replace the host name.
import os from 'node:os';

/** This server's name among the nodes a Prometheus scrapes: the host name for now. */
export function nodeName(): string {
  return os.hostname();
}
