// Shared instances: one per (path, file version), who holds them, and when they may be unloaded.
import type { InstanceRecord } from './package-instance';

/** How the manager names the pool when it holds a shared package. */
export const POOL_HOLDER_NAME = 'server (pool)';

export interface Holders {
  /** Distinct holding sessions, in the order their first holding root was attached. */
  sessionIds: string[];
  /** True when a pooled or checked-out instance references it. */
  pool: boolean;
}

export class SharedPackages<H> {
  private readonly byId = new Map<string, InstanceRecord<H>>();
  /** path -> the non-stale instance new opens get. */
  private readonly current = new Map<string, InstanceRecord<H>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): InstanceRecord<H> | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<InstanceRecord<H>> {
    return this.byId.values();
  }

  /** The instance new opens of `path` get, if one is loaded and not stale. */
  currentOf(path: string): InstanceRecord<H> | undefined {
    return this.current.get(path);
  }

  /** Makes a freshly loaded instance the current one of its path. */
  register(rec: InstanceRecord<H>): void {
    this.byId.set(rec.id, rec);
    this.current.set(rec.path!, rec);
  }

  /** Stale instances stay loaded for their holders but are never handed to a new open. */
  markStale(rec: InstanceRecord<H>): void {
    rec.stale = true;
    if (this.current.get(rec.path!) === rec) this.current.delete(rec.path!);
  }

  remove(rec: InstanceRecord<H>): void {
    this.byId.delete(rec.id);
    if (this.current.get(rec.path!) === rec) this.current.delete(rec.path!);
  }

  /** Unloadable: no root holds it and no resolution in flight is about to. */
  collectable(rec: InstanceRecord<H>): boolean {
    return rec.roots.size === 0 && rec.pins === 0 && !rec.closed;
  }

  holders(rec: InstanceRecord<H>): Holders {
    const sessions = new Set<string>();
    let pool = false;
    for (const root of rec.roots) {
      if (root.kind === 'pool') pool = true;
      else if (root.sessionId !== null) sessions.add(root.sessionId);
    }
    return { sessionIds: [...sessions], pool };
  }

  /** Sessions referencing it, plus one for the server when the pool does. */
  refCount(rec: InstanceRecord<H>): number {
    const h = this.holders(rec);
    return h.sessionIds.length + (h.pool ? 1 : 0);
  }
}

/** Every shared instance reachable from `links`, following shared instances' own links. */
export function sharedClosure<H>(links: Iterable<InstanceRecord<H>>): Set<InstanceRecord<H>> {
  const seen = new Set<InstanceRecord<H>>();
  const stack = [...links];
  while (stack.length > 0) {
    const rec = stack.pop()!;
    // An instance of the same session holds its own references; it adds nothing here.
    if (rec.kind !== 'shared' || seen.has(rec)) continue;
    seen.add(rec);
    for (const next of rec.links.values()) stack.push(next);
  }
  return seen;
}
