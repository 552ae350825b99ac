// Session Manager snapshot and live-event wire types (docs/http-api.md).
import type { Role } from './roles';
import type { Progress } from './packages';

/** The close code of a Session Manager socket whose row (kind `manager`) was closed; the reason says by whom. */
export const MANAGER_SESSION_CLOSED = 4410;

/** manager: an administrator's own Session Manager connection (one live socket; no packages; Close only). */
export type SessionKind = 'studio' | 'integrator' | 'batch' | 'manager';

export interface ManagerPackage {
  id: string;
  name: string;
  version: string;
  path: string | null;
  createdAt: string | null;
  savedAt: string | null;
  lastActivityAt: string;
  running: boolean;
  dirty?: boolean;
  progress?: Progress;
  /** ISO start of the current execution (absent while nothing runs). */
  runningSince?: string;
  /** DuckDB memory of its instance in bytes (the memory accounting's figure; absent when unknown). */
  memoryBytes?: number;
  /** The cluster node that holds it (with --redis-url; absent on a single server). */
  node?: string;
}

export interface ManagerSession {
  id: string;
  name: string;
  user: string;
  kind: SessionKind;
  host: string;
  hostName?: string;
  role: Role | null;
  roles: Role[];
  createdAt: string;
  lastActivityAt: string;
  running: boolean;
  requestId?: string;
  /** ISO start of its oldest current execution (absent while nothing runs). */
  runningSince?: string;
  /** DuckDB memory of its packages' instances, summed (absent when none is known). */
  memoryBytes?: number;
  packages: ManagerPackage[];
  /** The cluster node the session lives on (with --redis-url; absent on a single server). */
  node?: string;
}

export interface SharedHolder {
  /** Session name, or "server (pool)" for the pool. */
  name: string;
  sessionId: string | null;
}

export interface ManagerSharedPackage extends ManagerPackage {
  refCount: number;
  referencedBy: SharedHolder[];
  stale: boolean;
}

export interface ManagerPoolItem extends ManagerPackage {
  /** Tells pooled instances of one package apart: short, stable for the instance's life. */
  instanceId: string;
  checkedOut: boolean;
  hits: number;
  lastUsedAt: string;
}

/** A node of a cluster as the Session Manager shows it. */
export interface ClusterNode {
  name: string;
  /** live: its heartbeat is fresh; lost: it stopped (its rows have left the table). */
  state: 'live' | 'lost';
  lastSeenAt: string;
  /** Its package pool, `size / max`, with its hits and misses (from its heartbeat). */
  pool: { size: number; max: number; hits?: number; misses?: number };
  sessions: number;
  /** Executions running on it now. */
  running?: number;
  /** Its process's resident memory, bytes, at its last heartbeat. */
  rssBytes?: number;
  /** Its process's CPU use between its last two heartbeats, percent of one core. */
  cpuPercent?: number;
  /** The node answering this snapshot. */
  self?: boolean;
}

/** The watchdog's current parameters, so the page colours long-running rows amber / red. */
export interface ManagerWatch {
  /** Running longer than this: amber. */
  warnSeconds: number;
  /** Running longer than this: red. */
  alertSeconds: number;
  /** The server stops executions running longer (0: off). */
  limitSeconds: number;
  /** The server closes Studio sessions idle longer (0: off). */
  idleSeconds: number;
}

export interface ManagerSnapshot {
  version: number;
  serverTime: string;
  sessions: ManagerSession[];
  shared: ManagerSharedPackage[];
  /** In a cluster, `items` are every node's (each with its node); max, hits and misses are this node's. */
  pool: { max: number; items: ManagerPoolItem[]; hits: number; misses: number };
  /** The node answering (with --redis-url). */
  node?: string;
  /** Every node of the cluster, this one included (with --redis-url). */
  nodes?: ClusterNode[];
  /** True while Redis cannot be reached: the rows are this node's alone, live; the other nodes' are unknown. */
  degraded?: boolean;
  /** The watchdog's parameters. */
  watch?: ManagerWatch;
}

/** One sample of the server panel (every intervalMs; the last 15 minutes are kept). */
export interface ServerStatsSample {
  /** Epoch ms of the sample. */
  t: number;
  /** Process CPU (user + system) over the interval, percent of one core. */
  cpuPercent: number;
  rssBytes: number;
  heapBytes: number;
  /** DuckDB memory of all package instances (the memory accounting). */
  duckdbBytes: number;
  /** The memory budget of package instances. */
  budgetBytes: number;
  /** Event-loop delay, p99 over the interval. */
  loopDelayMs: number;
  /** Executions running at the sample. */
  running: number;
  /** Integrator calls per second over the interval. */
  integratorPerSecond: number;
  /** p95 duration of the Integrator calls of the interval (0 when none). */
  integratorP95Ms: number;
}

/** GET /api/manager/stats. */
export interface ServerStats {
  node?: string;
  intervalMs: number;
  /** Oldest first. */
  samples: ServerStatsSample[];
  /** In a cluster: every other live node's samples of the same window. */
  others?: NodeServerStats[];
}

/** One node's server-panel samples, oldest first. */
export interface NodeServerStats {
  node: string;
  samples: ServerStatsSample[];
}

/** Frames of the manager's live WebSocket: a snapshot first, then deltas, or a fresh snapshot. */
export type ManagerLiveFrame =
  | { type: 'snapshot'; snapshot: ManagerSnapshot }
  | {
      type: 'delta';
      version: number;
      serverTime: string;
      upsertSessions: ManagerSession[];
      removeSessions: string[];
      upsertShared: ManagerSharedPackage[];
      removeShared: string[];
      pool?: ManagerSnapshot['pool'];
      /** The node whose rows these are (with --redis-url); ids are unique across the cluster. */
      node?: string;
      /** The nodes, when one appeared, was lost or its pool changed. */
      nodes?: ClusterNode[];
      degraded?: boolean;
      /** A node's whole pool (its items, each with its node), replacing the ones of that node. */
      nodePool?: ManagerPoolItem[];
      /** The watchdog's parameters, when they changed. */
      watch?: ManagerWatch;
    }
  /** A server-panel sample, every intervalMs. */
  | { type: 'stats'; node?: string; sample: ServerStatsSample }
  | { type: 'audit'; entry: import('./auth').AuditEntry }
  /** Sent every few seconds even when nothing changes: the page's "Updated" is the link's last contact. */
  | { type: 'heartbeat'; serverTime: string }
  | { type: 'error'; error: { code: string; message: string } };

/** One finished execution in the execution history (GET /api/manager/executions), newest first. */
export interface ExecutionHistoryEntry {
  id: string;
  /** Whose session it ran in; null for an instance of no session. */
  user: string | null;
  /** The session's kind: studio, integrator, batch. */
  kind: string | null;
  package: string;
  path: string | null;
  /** The node asked for; null for the whole package. */
  node: string | null;
  startedAt: string;
  durationMs: number;
  outcome: 'done' | 'failed' | 'stopped';
  /** Why it failed. */
  error: string | null;
  /** Why it was stopped, e.g. "stopped by administrator admin:…", "user". */
  stoppedBy: string | null;
}
