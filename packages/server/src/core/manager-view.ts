// Builds the Session Manager's rows (protocol's ManagerSnapshot and delta frames, docs/http-api.md) from the core's records.
import type {
  ManagerLiveFrame,
  ManagerPackage,
  ManagerPoolItem,
  ManagerSession,
  ManagerSharedPackage,
  ManagerSnapshot,
  SharedHolder,
} from '@flowport/protocol';
import type { Affects } from './core-events';
import type { CoreState } from './core-state';
import type { InstanceRecord } from './package-instance';
import type { SessionRecord } from './session-registry';
import { POOL_HOLDER_NAME } from './shared-packages';

export type ManagerDelta = Extract<ManagerLiveFrame, { type: 'delta' }>;

/**
 * Most times in a snapshot (creation, last save, idle activity) are the same from one snapshot to
 * the next, and formatting dominated the build time; so formatted times are kept, up to a bound.
 */
const isoCache = new Map<number, string>();

function iso(ms: number): string {
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size >= 100_000) isoCache.clear();
    s = new Date(ms).toISOString();
    isoCache.set(ms, s);
  }
  return s;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** The start of the oldest execution of the instance, or undefined while nothing runs. */
function runningSince<H>(rec: InstanceRecord<H>): number | undefined {
  let since: number | undefined;
  for (const e of rec.executions) if (since === undefined || e.startedAt < since) since = e.startedAt;
  return since;
}

export function packageRow<H>(rec: InstanceRecord<H>, memoryOf?: (id: string) => number | undefined): ManagerPackage {
  const row: ManagerPackage = {
    id: rec.id,
    name: rec.name,
    version: rec.version,
    path: rec.path,
    createdAt: isoOrNull(rec.createdAt),
    savedAt: isoOrNull(rec.savedAt),
    lastActivityAt: iso(rec.lastActivityAt),
    running: rec.running,
  };
  if (rec.kind === 'session') row.dirty = rec.dirty;
  const p = rec.progress;
  if (p) {
    row.progress = {
      percent: p.percent,
      node: p.node,
      nodeStartedAt: iso(p.nodeStartedAt),
      nodesDone: p.nodesDone,
      nodesTotal: p.nodesTotal,
    };
    if (p.indeterminate) row.progress.indeterminate = true;
  }
  const since = runningSince(rec);
  if (since !== undefined) row.runningSince = iso(since);
  const bytes = memoryOf?.(rec.id);
  // 0: its DuckDB has not started (nothing measured yet), shown as no figure.
  if (bytes) row.memoryBytes = bytes;
  return row;
}

export function sessionRow<H>(s: SessionRecord<H>, memoryOf?: (id: string) => number | undefined): ManagerSession {
  const packages: ManagerPackage[] = [];
  let running = false;
  let since: number | undefined;
  let memory: number | undefined;
  for (const p of s.packages) {
    const row = packageRow(p, memoryOf);
    running ||= row.running;
    const started = runningSince(p);
    if (started !== undefined && (since === undefined || started < since)) since = started;
    if (row.memoryBytes !== undefined) memory = (memory ?? 0) + row.memoryBytes;
    packages.push(row);
  }
  const row: ManagerSession = {
    id: s.id,
    name: s.name,
    user: s.user,
    kind: s.kind,
    host: s.host,
    role: s.role,
    roles: [...s.roles],
    createdAt: iso(s.createdAt),
    lastActivityAt: iso(s.lastActivityAt),
    running,
    packages,
  };
  if (s.requestId !== undefined) row.requestId = s.requestId;
  if (since !== undefined) row.runningSince = iso(since);
  if (memory !== undefined) row.memoryBytes = memory;
  return row;
}

export function sharedRow<H>(state: CoreState<H>, rec: InstanceRecord<H>): ManagerSharedPackage {
  const holders = state.shared.holders(rec);
  const referencedBy: SharedHolder[] = holders.sessionIds.map((id) => ({
    name: state.sessions.get(id)?.name ?? id,
    sessionId: id,
  }));
  if (holders.pool) referencedBy.push({ name: POOL_HOLDER_NAME, sessionId: null });
  // Object.assign onto the fresh row: a spread followed by more properties is many times slower on Node 20.
  return Object.assign(packageRow(rec, state.memoryOf), {
    refCount: referencedBy.length,
    referencedBy,
    stale: rec.stale,
  });
}

/** The head of the instance id: enough to tell a package's few pooled instances apart on a page. */
export function shortInstanceId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8);
}

function poolItem<H>(state: CoreState<H>, rec: InstanceRecord<H>): ManagerPoolItem {
  return Object.assign(packageRow(rec, state.memoryOf), {
    instanceId: shortInstanceId(rec.id),
    checkedOut: rec.checkedOut,
    hits: rec.hits,
    lastUsedAt: iso(rec.lastUsedAt),
  });
}

/** Checked-out instances first, then idle ones, most recently used first. */
export function poolView<H>(state: CoreState<H>): ManagerSnapshot['pool'] {
  const items: ManagerPoolItem[] = [];
  for (const rec of state.pool.checkedOutItems()) items.push(poolItem(state, rec));
  const idle = [...state.pool.idleItems()];
  for (let i = idle.length - 1; i >= 0; i--) items.push(poolItem(state, idle[i]));
  return { max: state.pool.max, items, hits: state.pool.hits, misses: state.pool.misses };
}

export function snapshot<H>(state: CoreState<H>): ManagerSnapshot {
  const sessions: ManagerSession[] = [];
  for (const s of state.sessions.values()) sessions.push(sessionRow(s, state.memoryOf));
  const shared: ManagerSharedPackage[] = [];
  for (const rec of state.shared.values()) shared.push(sharedRow(state, rec));
  return { version: state.bus.version, serverTime: iso(state.now()), sessions, shared, pool: poolView(state) };
}

/** The delta frame for the rows `affects` names; rows that no longer exist are listed as removed. */
export function delta<H>(state: CoreState<H>, affects: Affects): ManagerDelta {
  const frame: ManagerDelta = {
    type: 'delta',
    version: state.bus.version,
    serverTime: iso(state.now()),
    upsertSessions: [],
    removeSessions: [],
    upsertShared: [],
    removeShared: [],
  };
  for (const id of new Set(affects.sessions)) {
    const s = state.sessions.get(id);
    if (s) frame.upsertSessions.push(sessionRow(s, state.memoryOf));
    else frame.removeSessions.push(id);
  }
  for (const id of new Set(affects.shared)) {
    const rec = state.shared.get(id);
    if (rec) frame.upsertShared.push(sharedRow(state, rec));
    else frame.removeShared.push(id);
  }
  if (affects.pool) frame.pool = poolView(state);
  return frame;
}
