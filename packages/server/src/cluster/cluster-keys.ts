// The Redis key and channel names of a cluster, in one place (every node must spell them alike).
const P = 'flowport:';

export const keys = {
  /** The set of nodes ever announced (a lost node stays, shown lost, until it leaves cleanly). */
  nodes: `${P}nodes`,
  /** A node's heartbeat: its state as JSON, expiring when the node stops refreshing it. */
  node: (name: string) => `${P}node:${name}`,
  /** Every node's Session Manager deltas, stamped with their node. */
  deltas: `${P}deltas`,
  /** Commands addressed to one node. */
  commands: (name: string) => `${P}cmd:${name}`,
  /** Answers to the commands a node sent. */
  answers: (name: string) => `${P}answer:${name}`,
  /** Every node's server-panel samples as they are taken, stamped with their node. */
  stats: `${P}stats`,
  /** A node's last 15 minutes of server-panel samples (a stream, trimmed and expiring). */
  statsHistory: (name: string) => `${P}stats:${name}`,
  /** Package files changed on the shared storage. */
  invalidations: `${P}pool-invalidate`,
};

/** How often a node refreshes its heartbeat, and how long the key lives without it. */
export const HEARTBEAT_MS = 1000;
export const HEARTBEAT_TTL_S = 5;
