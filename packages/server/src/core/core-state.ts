// The core's state and the synchronous rules over it: holding, unloading and invalidating instances.
import type { Clock, IdGenerator } from '../shared/clock';
import { CoreEventBus, type Affects, type CoreEventBody, type PackageCloseReason } from './core-events';
import { DomainError } from '../shared/domain-error';
import { FileChanges } from './file-changes';
import { InstanceRecord } from './package-instance';
import type { PackageLoader } from './package-loader';
import { PackagePool } from './package-pool';
import { ReferenceResolver, type Resolution } from './reference-resolver';
import { SessionRegistry, type SessionRecord } from './session-registry';
import { SharedPackages, sharedClosure } from './shared-packages';
import { checkPackageLimit, NO_USER_LIMITS, type UserLimits } from './user-limits';

export interface CoreStateOptions<H> {
  loader: PackageLoader<H>;
  clock: Clock;
  ids: IdGenerator;
  poolSize: number;
  onListenerError: (err: unknown) => void;
  /** Per-user limits, read at each check (server parameters change at run time). */
  limits?: () => UserLimits;
}

export class CoreState<H> {
  readonly loader: PackageLoader<H>;
  readonly clock: Clock;
  readonly bus: CoreEventBus;
  readonly sessions = new SessionRegistry<H>();
  /** Every loaded instance, of any kind. */
  readonly instances = new Map<string, InstanceRecord<H>>();
  readonly byHandle = new Map<H, InstanceRecord<H>>();
  readonly shared = new SharedPackages<H>();
  readonly pool: PackagePool<H>;
  readonly changes = new FileChanges();
  readonly resolver: ReferenceResolver<H>;
  readonly ids: IdGenerator;
  readonly limits: () => UserLimits;
  /** DuckDB bytes of an instance as the adapter last measured them (the Session Manager's Memory); none when unset. */
  memoryOf: (instanceId: string) => number | undefined = () => undefined;

  constructor(o: CoreStateOptions<H>) {
    this.limits = o.limits ?? (() => NO_USER_LIMITS);
    this.loader = o.loader;
    this.clock = o.clock;
    this.ids = o.ids;
    this.pool = new PackagePool<H>(o.poolSize);
    this.bus = new CoreEventBus(
      () => o.clock.now(),
      (err) => o.onListenerError(err),
    );
    this.resolver = new ReferenceResolver<H>({
      loader: o.loader,
      shared: this.shared,
      changes: this.changes,
      newId: () => this.instanceId(),
      now: () => this.clock.now(),
      outdated: (path, fileVersion) => this.invalidate(path, fileVersion),
      unload: (handle) => this.unload(handle),
    });
  }

  now(): number {
    return this.clock.now();
  }

  /** A fresh instance id; random ids can collide, so a taken one is drawn again. */
  instanceId(): string {
    let id = this.ids();
    for (let tries = 0; this.instances.has(id); tries++) {
      if (tries > 100) throw new Error('the id generator keeps returning ids in use');
      id = this.ids();
    }
    return id;
  }

  requireSession(id: string): SessionRecord<H> {
    const s = this.sessions.get(id);
    if (!s) throw new DomainError('SESSION_NOT_FOUND', `No session "${id}"; it may have closed already`);
    return s;
  }

  requireInstance(id: string): InstanceRecord<H> {
    const rec = this.instances.get(id);
    if (!rec) throw packageNotFound(id);
    return rec;
  }

  emit(body: CoreEventBody, affects: Affects): void {
    this.bus.emit(body, affects);
  }

  affectsOf(rec: InstanceRecord<H>): Affects {
    return {
      sessions: rec.sessionId === null ? [] : [rec.sessionId],
      shared: rec.kind === 'shared' ? [rec.id] : [],
      pool: rec.kind === 'pool',
    };
  }

  track(rec: InstanceRecord<H>): void {
    this.instances.set(rec.id, rec);
    this.byHandle.set(rec.handle, rec);
  }

  /** Frees engine resources; the loader promises not to throw, but a bug there must not corrupt the core. */
  unload(handle: H): void {
    try {
      const done = this.loader.unload(handle);
      if (done) done.catch(() => undefined);
    } catch {}
  }

  /** Activity of an instance is activity of the session it belongs to. */
  touch(rec: InstanceRecord<H>, now = this.now()): void {
    rec.lastActivityAt = now;
    if (rec.sessionId !== null) {
      const s = this.sessions.get(rec.sessionId);
      if (s) s.lastActivityAt = now;
    }
  }

  /** Refuses a Studio session one more package of its own beyond its limit (pool loans do not count). */
  checkPackageRoom(s: SessionRecord<H>): void {
    if (s.kind !== 'studio') return;
    let own = 0;
    for (const p of s.packages) if (p.kind === 'session') own++;
    checkPackageLimit(own, s.roles, this.limits());
  }

  /** The instance of the session that serves a reference to `path` in place of a shared one. */
  localInstance(sessionId: string, path: string, except?: InstanceRecord<H>): InstanceRecord<H> | undefined {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    for (const p of s.packages) if (p.kind === 'session' && p.path === path && p !== except) return p;
    return undefined;
  }

  /**
   * Makes a resolution the references of `root`: drops loads duplicated by a concurrent resolution,
   * registers new shared instances and adds `root` as their holder. Returns false, changing
   * nothing, when something it would hold went stale or away meanwhile; the caller then rolls back
   * and resolves again, so a new open never holds an instance outdated by a file change.
   */
  attach(root: InstanceRecord<H>, res: Resolution<H>, sessionId: string | null): boolean {
    const replace = new Map<InstanceRecord<H>, InstanceRecord<H>>();
    for (const c of res.created) {
      const cur = this.shared.currentOf(c.path!);
      if (cur && cur.fileVersion === c.fileVersion) replace.set(c, cur);
    }
    if (replace.size > 0) {
      const remap = (links: Map<string, InstanceRecord<H>>) => {
        for (const [path, target] of links) {
          const to = replace.get(target);
          if (to) links.set(path, to);
        }
      };
      remap(res.links);
      for (const c of res.created) remap(c.links);
    }
    const closure = sharedClosure(res.links.values());
    const created = new Set(res.created);
    for (const m of closure) {
      if (m.stale || m.closed) return false;
      if (created.has(m) && this.changes.changedSince(m.path!, m.loadEpoch, m.fileVersion)) return false;
    }
    for (const l of res.links.values()) {
      if (l.kind === 'session' && (l.closed || l.sessionId !== sessionId)) return false;
    }
    for (const c of res.created) {
      if (!closure.has(c)) {
        this.unload(c.handle);
        continue;
      }
      // A different version registered meanwhile without a file event: the newest load wins.
      const cur = this.shared.currentOf(c.path!);
      if (cur && cur.fileVersion !== c.fileVersion) this.invalidate(c.path!, c.fileVersion ?? undefined);
      this.shared.register(c);
      this.track(c);
    }
    res.created = [];
    root.links = res.links;
    root.holds = closure;
    for (const m of closure) {
      m.roots.add(root);
      if (created.has(m)) this.emit({ type: 'shared-opened', instanceId: m.id, path: m.path! }, this.affectsOf(m));
      else this.emit({ type: 'shared-changed', instanceId: m.id }, this.affectsOf(m));
    }
    this.unpin(res);
    return true;
  }

  /** Undoes a resolution that will not be committed. */
  rollback(res: Resolution<H>): void {
    for (const rec of this.resolver.abandon(res)) this.collect(rec);
  }

  private unpin(res: Resolution<H>): void {
    const pinned = res.pinned;
    res.pinned = [];
    for (const rec of pinned) rec.pins--;
    for (const rec of pinned) this.collect(rec);
  }

  /** Removes `root` as holder of what it holds (except `keep`); unloads shared instances left unheld. */
  releaseHolds(root: InstanceRecord<H>, holds: Set<InstanceRecord<H>>, keep?: Set<InstanceRecord<H>>): void {
    for (const m of holds) {
      if (keep?.has(m)) continue;
      m.roots.delete(root);
      if (!this.collect(m)) this.emit({ type: 'shared-changed', instanceId: m.id }, this.affectsOf(m));
    }
  }

  /** Unloads a shared instance nobody holds; returns whether it did. */
  collect(rec: InstanceRecord<H>): boolean {
    if (rec.kind !== 'shared' || !this.shared.collectable(rec) || !this.instances.has(rec.id)) return false;
    this.dispose(rec, 'unreferenced');
    return true;
  }

  /**
   * Closes an instance of any kind: aborts its executions, drops its holdings, takes it out of its
   * session or the pool, and unloads it. Callers check whether closing is allowed.
   */
  dispose(rec: InstanceRecord<H>, reason: PackageCloseReason, stopReason = `package ${reason}`): void {
    for (const e of rec.executions) e.stop(stopReason);
    // Executions still unwinding end on an instance that is gone; the engine's end() is then ignored.
    rec.executions.clear();
    const affects = this.affectsOf(rec);
    const holds = rec.holds;
    rec.holds = new Set();
    rec.links = new Map();
    rec.closed = true;
    this.instances.delete(rec.id);
    if (this.byHandle.get(rec.handle) === rec) this.byHandle.delete(rec.handle);
    if (rec.sessionId !== null) this.sessions.get(rec.sessionId)?.packages.delete(rec);
    if (rec.kind === 'shared') this.shared.remove(rec);
    if (rec.kind === 'pool') {
      this.pool.removeIdle(rec);
      this.pool.endLoan(rec);
    }
    this.unload(rec.handle);
    if (rec.kind === 'shared') this.emit({ type: 'shared-closed', instanceId: rec.id }, affects);
    else this.emit({ type: 'package-closed', instanceId: rec.id, sessionId: rec.sessionId, reason }, affects);
    this.releaseHolds(rec, holds);
  }

  /**
   * A file changed (to `fileVersion` when known): its shared instances and every shared instance
   * reaching one of them become stale; pooled instances of it, or referencing it transitively, are
   * evicted when idle and marked for discarding when checked out. Session packages are the user's
   * working copies and stay as they are.
   */
  invalidate(path: string, fileVersion?: string): string[] {
    this.changes.record(path, fileVersion);
    return this.bus.batch(() => {
      const outdated = (r: InstanceRecord<H>) =>
        r.path === path && (fileVersion === undefined || r.fileVersion !== fileVersion);
      const hit = new Set<InstanceRecord<H>>();
      for (const s of this.shared.values()) if (outdated(s)) hit.add(s);
      if (hit.size > 0) {
        const dependents = new Map<InstanceRecord<H>, InstanceRecord<H>[]>();
        for (const s of this.shared.values()) {
          for (const l of s.links.values()) {
            const list = dependents.get(l);
            if (list) list.push(s);
            else dependents.set(l, [s]);
          }
        }
        const queue = [...hit];
        while (queue.length > 0) {
          for (const d of dependents.get(queue.pop()!) ?? []) {
            if (!hit.has(d)) {
              hit.add(d);
              queue.push(d);
            }
          }
        }
        for (const s of hit) {
          if (s.stale) continue;
          this.shared.markStale(s);
          this.emit({ type: 'shared-changed', instanceId: s.id }, this.affectsOf(s));
        }
      }
      const affected = (r: InstanceRecord<H>) => {
        if (outdated(r)) return true;
        for (const h of r.holds) if (hit.has(h)) return true;
        return false;
      };
      const ids: string[] = [];
      for (const r of [...this.pool.idleItems()]) {
        if (!affected(r)) continue;
        ids.push(r.id);
        this.dispose(r, 'evicted', 'the package file changed');
      }
      const sessions: string[] = [];
      for (const r of this.pool.checkedOutItems()) {
        if (r.stale || !affected(r)) continue;
        r.stale = true;
        ids.push(r.id);
        if (r.sessionId !== null) sessions.push(r.sessionId);
      }
      if (ids.length > 0)
        this.emit(
          { type: 'pool-changed', change: 'invalidate', instanceIds: ids },
          { sessions, shared: [], pool: true },
        );
      return ids;
    });
  }
}

export function packageNotFound(id: string): DomainError {
  return new DomainError('PACKAGE_NOT_FOUND', `No package instance "${id}"; it may have closed already`);
}
