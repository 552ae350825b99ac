// The page's copy of the server state: Maps keyed by id, snapshots and deltas applied in place, throttled notifications.
import type {
  ClusterNode,
  ManagerLiveFrame,
  ManagerSession,
  ManagerSharedPackage,
  ManagerSnapshot,
  ManagerWatch,
} from '@flowport/protocol';

type DeltaFrame = Extract<ManagerLiveFrame, { type: 'delta' }>;
export type PoolState = ManagerSnapshot['pool'];

const EMPTY_POOL: PoolState = { max: 0, items: [], hits: 0, misses: 0 };

/** What changed since the rows were last built: everything, or some sessions, the shared packages, the pool. */
export interface Changes {
  full: boolean;
  sessions: Set<string>;
  shared: boolean;
  pool: boolean;
}

const noChanges = (): Changes => ({ full: false, sessions: new Set(), shared: false, pool: false });

/** How often, at most, the page re-renders for live changes (4 times a second). */
export const RENDER_INTERVAL_MS = 250;

export class ManagerStore {
  readonly sessions = new Map<string, ManagerSession>();
  readonly shared = new Map<string, ManagerSharedPackage>();
  pool: PoolState = EMPTY_POOL;
  /** In a cluster: the node serving the page, every node, and whether Redis is away. */
  node: string | null = null;
  nodes: ClusterNode[] = [];
  degraded = false;
  /** The watchdog's thresholds (null until a server that has them says so). */
  watch: ManagerWatch | null = null;
  /** The server's change counter of the state held here; -1 before the first snapshot. */
  version = -1;
  loaded = false;
  /** Browser time (ms) of the last change that was applied. */
  updatedAt = 0;
  /** Grows by one with every applied change; the page rebuilds its rows when it moves. */
  revision = 0;

  private changes: Changes = { ...noChanges(), full: true };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastEmit = 0;

  constructor(private readonly intervalMs = RENDER_INTERVAL_MS) {}

  /**
   * Replaces the whole state. A snapshot that is not authoritative (an HTTP refresh while the live
   * feed runs) is ignored when the state is already newer, so it cannot undo a later delta.
   */
  applySnapshot(snapshot: ManagerSnapshot, authoritative: boolean): boolean {
    if (!authoritative && this.loaded && snapshot.version < this.version) return false;
    this.sessions.clear();
    for (const s of snapshot.sessions) this.sessions.set(s.id, s);
    this.shared.clear();
    for (const p of snapshot.shared) this.shared.set(p.id, p);
    this.pool = snapshot.pool ?? EMPTY_POOL;
    this.node = snapshot.node ?? null;
    this.nodes = snapshot.nodes ?? [];
    this.degraded = snapshot.degraded ?? false;
    this.watch = snapshot.watch ?? null;
    this.version = snapshot.version;
    this.loaded = true;
    this.changes = { ...noChanges(), full: true };
    this.changed();
    return true;
  }

  /** Applies the rows of one delta in place; a delta older than the state (after a refresh) is skipped. */
  applyDelta(delta: DeltaFrame): boolean {
    if (!this.loaded || delta.version < this.version) return false;
    const changes = this.changes;
    for (const id of delta.removeSessions ?? []) {
      this.sessions.delete(id);
      changes.sessions.add(id);
    }
    for (const s of delta.upsertSessions ?? []) {
      this.sessions.set(s.id, s);
      changes.sessions.add(s.id);
    }
    for (const id of delta.removeShared ?? []) this.shared.delete(id);
    for (const p of delta.upsertShared ?? []) this.shared.set(p.id, p);
    if (delta.removeShared?.length || delta.upsertShared?.length) changes.shared = true;
    if (delta.node !== undefined && delta.nodePool) {
      // One node's pool: its items replace that node's (this node's counters come with its own `pool`).
      const others = this.pool.items.filter((i) => i.node !== delta.node);
      const own = delta.node === this.node && delta.pool ? delta.pool : this.pool;
      this.pool = { ...own, items: [...others, ...delta.nodePool] };
      changes.pool = true;
    } else if (delta.pool) {
      this.pool = delta.pool;
      changes.pool = true;
    }
    if (delta.nodes) {
      this.nodes = delta.nodes;
      changes.pool = true;
    }
    if (delta.degraded !== undefined) this.degraded = delta.degraded;
    if (delta.watch) this.watch = delta.watch;
    this.version = delta.version;
    this.changed();
    return true;
  }

  /** Hands over what changed since the last call (for the row builder, its only reader). */
  takeChanges(): Changes {
    const changes = this.changes;
    this.changes = noChanges();
    return changes;
  }

  /** Calls the listener at most once per interval after changes (timers, so it also runs in a background tab). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  private changed(): void {
    this.revision += 1;
    this.updatedAt = Date.now();
    if (this.timer !== undefined || this.listeners.size === 0) return;
    const wait = Math.max(0, this.lastEmit + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastEmit = Date.now();
      for (const listener of [...this.listeners]) listener();
    }, wait);
  }
}
