// The core's state counted at one moment: sessions, running executions, instances and the pool (read per metrics scrape).
import type { SessionKind } from '@flowport/protocol';
import type { CoreState } from './core-state';
import type { InstanceKind } from './package-instance';

/** `none`: an execution on an instance of no session. */
export type ExecutionKind = SessionKind | 'none';

export interface CoreCounts {
  sessions: Record<SessionKind, number>;
  /** Executions the core counts as running, by the kind of session they run for. */
  running: Record<ExecutionKind, number>;
  /** Loaded instances by their owner: a session, nobody (shared), the pool (idle or checked out). */
  instances: Record<InstanceKind, number>;
  pool: { capacity: number; idle: number; checkedOut: number; hits: number; misses: number };
}

/** One pass over sessions and instances; no row is built (a snapshot costs far more). */
export function coreCounts<H>(s: CoreState<H>): CoreCounts {
  const sessions: Record<SessionKind, number> = { studio: 0, integrator: 0, batch: 0, manager: 0 };
  for (const session of s.sessions.values()) sessions[session.kind]++;
  const running: Record<ExecutionKind, number> = { studio: 0, integrator: 0, batch: 0, manager: 0, none: 0 };
  const instances: Record<InstanceKind, number> = { session: 0, shared: 0, pool: 0 };
  for (const rec of s.instances.values()) {
    instances[rec.kind]++;
    for (const e of rec.executions) running[e.sessionKind ?? 'none']++;
  }
  const { pool } = s;
  return {
    sessions,
    running,
    instances,
    pool: {
      capacity: pool.max,
      idle: pool.idleCount,
      checkedOut: pool.checkedOutCount,
      hits: pool.hits,
      misses: pool.misses,
    },
  };
}
