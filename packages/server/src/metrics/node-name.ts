// The name of this node in every metric's `node` label, the Session Manager's rows and the audit: the configured name, else the host name.
import os from 'node:os';

let configured: string | null = null;

/** Set once at start from --node-name / FLOWPORT_NODE_NAME (null: the host name). */
export function setNodeName(name: string | null): void {
  configured = name;
}

/** This server's name among the nodes of a cluster (and of a Prometheus scrape). */
export function nodeName(): string {
  return configured ?? os.hostname();
}
