// Typed change events of the core, and the bus that numbers them with one monotonic version.
import type { ExecutionOutcome, ExecutionProgress } from './execution';

/** The rows a change touches, so a view can rebuild just those (a missing row means removed). */
export interface Affects {
  sessions: string[];
  shared: string[];
  pool: boolean;
}

export type SessionCloseReason = 'administrator' | 'client' | 'timeout' | 'shutdown';

/** Why an instance left: closed by itself, with its session, evicted/discarded from the pool. */
export type PackageCloseReason = 'closed' | 'session-closed' | 'unreferenced' | 'evicted' | 'discarded';

export type PoolChange = 'checkout' | 'release' | 'evict' | 'invalidate' | 'clear' | 'resize' | 'close';

export type CoreEventBody =
  | { type: 'session-opened'; sessionId: string }
  /** Last activity touched (packages' own changes come as package events). */
  | { type: 'session-changed'; sessionId: string }
  | { type: 'session-closed'; sessionId: string; reason: SessionCloseReason; by?: string }
  /** `reused`: an instance lent from the pool's idle ones (it was open already), not one loaded for this session. */
  | { type: 'package-opened'; instanceId: string; sessionId: string; reused?: true }
  /** Dirty flag, metadata, path or references changed. */
  | { type: 'package-changed'; instanceId: string; sessionId: string | null }
  | { type: 'package-closed'; instanceId: string; sessionId: string | null; reason: PackageCloseReason }
  | { type: 'shared-opened'; instanceId: string; path: string }
  /** Holders or staleness changed. */
  | { type: 'shared-changed'; instanceId: string }
  | { type: 'shared-closed'; instanceId: string }
  | { type: 'pool-changed'; change: PoolChange; instanceIds: string[] }
  | {
      type: 'execution-started';
      executionId: string;
      instanceId: string;
      sessionId: string | null;
      node: string | null;
    }
  | {
      type: 'execution-progress';
      executionId: string;
      instanceId: string;
      sessionId: string | null;
      progress: ExecutionProgress;
    }
  | { type: 'execution-stopping'; executionId: string; instanceId: string; sessionId: string | null; reason: string }
  | {
      type: 'execution-ended';
      executionId: string;
      instanceId: string;
      sessionId: string | null;
      outcome: ExecutionOutcome;
    };

export type CoreEvent = CoreEventBody & {
  /** The core's version right after this change. */
  version: number;
  at: number;
  affects: Affects;
};

export type CoreListener = (e: CoreEvent) => void;

export function noAffects(): Affects {
  return { sessions: [], shared: [], pool: false };
}

/** Adds what `b` touches to `a` (for views that coalesce events into one delta). */
export function mergeAffects(a: Affects, b: Affects): Affects {
  return {
    sessions: [...new Set([...a.sessions, ...b.sessions])],
    shared: [...new Set([...a.shared, ...b.shared])],
    pool: a.pool || b.pool,
  };
}

export class CoreEventBus {
  private readonly listeners = new Set<CoreListener>();
  /** The listeners as an array, made again only when one comes or goes: every event is delivered to a copy. */
  private calling: CoreListener[] = [];
  private queue: CoreEvent[] = [];
  private depth = 0;
  private flushing = false;
  version = 0;

  constructor(
    private readonly now: () => number,
    private readonly onListenerError: (err: unknown, e: CoreEvent) => void,
  ) {}

  on(listener: CoreListener): () => void {
    this.listeners.add(listener);
    this.calling = [...this.listeners];
    return () => {
      const had = this.listeners.delete(listener);
      if (had) this.calling = [...this.listeners];
      return had;
    };
  }

  /** Takes ownership of `body` (always a fresh literal): stamping it in place is many times faster than a spread copy. */
  emit(body: CoreEventBody, affects: Affects): void {
    this.version++;
    if (this.listeners.size === 0) return;
    const e = body as CoreEvent;
    e.version = this.version;
    e.at = this.now();
    e.affects = affects;
    this.queue.push(e);
    if (this.depth === 0) this.flush();
  }

  /**
   * Runs a compound change; its events reach listeners only when it is complete, so a listener
   * that reads the core while handling one never sees a half-applied operation.
   */
  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    // A listener that changes the core queues more events; this loop delivers them in order.
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const e = this.queue[i];
        // A copy, so a listener may unsubscribe (or subscribe) while being called.
        for (const l of this.calling) {
          try {
            l(e);
          } catch (err) {
            this.onListenerError(err, e);
          }
        }
      }
    } finally {
      this.queue = [];
      this.flushing = false;
    }
  }
}
