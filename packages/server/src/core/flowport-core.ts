// The core facade: sessions, their packages, shared packages, the pool and executions, as the adapters see them.
import type { ManagerSession, ManagerSharedPackage, ManagerSnapshot } from '@flowport/protocol';
import { randomId, systemClock, type Clock, type IdGenerator } from '../shared/clock';
import { coreCounts, type CoreCounts } from './core-counts';
import type { Affects, CoreListener, SessionCloseReason } from './core-events';
import { CoreState } from './core-state';
import { DomainError } from '../shared/domain-error';
import { CoreExecutions } from './core-executions';
import type { CancelSource, Execution } from './execution';
import * as view from './manager-view';
import { PackageOpening } from './package-opening';
import { checkPoolSize, PoolLending } from './pool-lending';
import type { InstanceGlance, InstanceInfo } from './package-instance';
import type { LoadedPackage, PackageLoader } from './package-loader';
import type { OpenSessionOptions, SessionInfo } from './session-registry';
import { SettledListeners, type SettledListener } from './settled-listeners';
import { checkSessionLimit, type UserLimits } from './user-limits';

export interface FlowportCoreOptions<H> {
  loader: PackageLoader<H>;
  clock?: Clock;
  ids?: IdGenerator;
  /** Most idle instances the package pool keeps (server parameter packagePoolSize). */
  poolSize: number;
  /** Where a throwing event listener is reported; the core itself carries on. */
  onListenerError?: (err: unknown) => void;
  /** Per-user limits (server parameters), read at each check; none when absent. */
  limits?: () => UserLimits;
}

export interface ClosedSession<H> {
  /** The session's own packages, closed and unloaded (their handles' in-memory data is still readable). */
  closed: InstanceInfo<H>[];
  /** Those of them with unsaved changes (drafts included), to be written to the session backup. */
  unsaved: InstanceInfo<H>[];
}

export class FlowportCore<H> {
  private readonly s: CoreState<H>;
  private readonly executions: CoreExecutions<H>;
  private readonly opening: PackageOpening<H>;
  private readonly lending: PoolLending<H>;
  private readonly settled: SettledListeners;

  constructor(opts: FlowportCoreOptions<H>) {
    checkPoolSize(opts.poolSize);
    const onListenerError =
      opts.onListenerError ?? ((err) => console.error('flowport core: an event listener failed', err));
    this.s = new CoreState<H>({
      loader: opts.loader,
      clock: opts.clock ?? systemClock,
      ids: opts.ids ?? randomId,
      poolSize: opts.poolSize,
      onListenerError,
      limits: opts.limits,
    });
    this.settled = new SettledListeners(onListenerError);
    this.opening = new PackageOpening(this.s);
    this.lending = new PoolLending(this.s, this.opening);
    this.executions = new CoreExecutions(this.s, this.settled);
  }

  /** Bumps on every change; each event carries the version right after it. */
  get version(): number {
    return this.s.bus.version;
  }

  on(listener: CoreListener): () => void {
    return this.s.bus.on(listener);
  }

  /** Told of every execution's end, including those on instances closed while they ran (no event). */
  onExecutionSettled(listener: SettledListener): () => void {
    return this.settled.add(listener);
  }

  // ---- sessions ----

  /**
   * Opens a session. A Studio session beyond the user's limit is refused (LIMIT_REACHED); an
   * Integrator or batch session lasts one call, and the call limiter bounds those.
   */
  openSession(o: OpenSessionOptions): SessionInfo {
    if (o.kind === 'studio') checkSessionLimit(this.s.sessions.studioSessionsOf(o.user), o.roles, this.s.limits());
    const s = this.s.sessions.open(o, this.s.ids, this.s.now());
    this.s.emit({ type: 'session-opened', sessionId: s.id }, { sessions: [s.id], shared: [], pool: false });
    return s.info();
  }

  getSession(id: string): SessionInfo | undefined {
    return this.s.sessions.get(id)?.info();
  }

  /** Whether the session is open, without copying its info (asked on every Integrator call). */
  hasSession(id: string): boolean {
    return this.s.sessions.get(id) !== undefined;
  }

  listSessions(): SessionInfo[] {
    return [...this.s.sessions.values()].map((s) => s.info());
  }

  /** Notes client activity; an unknown id is ignored, since a ping may race with the close. */
  touchSession(id: string): void {
    const s = this.s.sessions.get(id);
    if (!s) return;
    s.lastActivityAt = this.s.now();
    this.s.emit({ type: 'session-changed', sessionId: id }, { sessions: [id], shared: [], pool: false });
  }

  /**
   * Aborts every execution of the session first, then closes its packages (returning them, with
   * the unsaved ones, for backup) and gives checked-out pool instances back: those that were
   * executing or went stale are discarded, the others rejoin the pool.
   */
  closeSession(id: string, reason: SessionCloseReason, by?: string): ClosedSession<H> {
    const s = this.s.requireSession(id);
    const stopReason = `session ${s.name} closed (${reason})`;
    return this.s.bus.batch(() => {
      const packages = [...s.packages];
      const running = new Set(packages.filter((p) => p.running));
      for (const p of packages) for (const e of p.executions) e.stop(stopReason);
      const closed: InstanceInfo<H>[] = [];
      for (const p of packages) {
        if (p.kind === 'pool') this.lending.giveBack(p, running.has(p));
        else {
          this.s.dispose(p, 'session-closed', stopReason);
          closed.push(p.info());
        }
      }
      this.s.sessions.delete(id);
      this.s.emit({ type: 'session-closed', sessionId: id, reason, by }, { sessions: [id], shared: [], pool: false });
      return { closed, unsaved: closed.filter((p) => p.dirty) };
    });
  }

  // ---- packages of a session ----

  /**
   * Opens a package file in a session. Its references resolve transitively to shared instances,
   * except that a direct reference to a path already open in the same session uses that instance.
   */
  openPackage(sessionId: string, path: string): Promise<InstanceInfo<H>> {
    return this.opening.openPackage(sessionId, path);
  }

  /** Opens a draft the adapter built (no path); it counts as unsaved unless `dirty: false`. */
  openDraft(sessionId: string, loaded: LoadedPackage<H>, o: { dirty?: boolean } = {}): Promise<InstanceInfo<H>> {
    return this.opening.openDraft(sessionId, loaded, o);
  }

  /**
   * Swaps in what the engine built after an edit or a save: metadata, references (holdings are
   * re-resolved), the handle (the old one is unloaded when it differs) and, when `loaded.path` is
   * given, the path. An edit superseded by a later one before it finished is dropped.
   */
  replaceLoaded(instanceId: string, loaded: LoadedPackage<H>, opts: { dirty: boolean }): Promise<void> {
    return this.opening.replaceLoaded(instanceId, loaded, opts);
  }

  /**
   * Refuses (REFERENCE_CYCLE) saving the package as `path` when what it references leads back to
   * that path; asked before the file is written, so a refused save leaves the storage as it was.
   */
  checkSaveAs(instanceId: string, path: string): void {
    const rec = this.s.requireInstance(instanceId);
    this.s.resolver.assertAcyclic({ id: rec.id, path, name: rec.name, handle: rec.handle, links: rec.links });
  }

  markDirty(instanceId: string, dirty: boolean): void {
    const rec = this.s.requireInstance(instanceId);
    rec.dirty = dirty;
    this.s.touch(rec);
    this.s.emit({ type: 'package-changed', instanceId, sessionId: rec.sessionId }, this.s.affectsOf(rec));
  }

  /**
   * Closes a session package, a pool instance or an unreferenced shared package. Refused with
   * PACKAGE_REFERENCED (holders in details.holders) for a shared package still referenced, and for
   * a session package another package of the same session uses in place of a shared one.
   */
  closePackage(instanceId: string, stopReason?: string): InstanceInfo<H> {
    const rec = this.s.requireInstance(instanceId);
    if (rec.kind === 'shared' && (rec.roots.size > 0 || rec.pins > 0)) {
      const holders = view.sharedRow(this.s, rec).referencedBy;
      const names = holders.length > 0 ? holders.map((h) => h.name).join(', ') : 'a package being opened';
      throw new DomainError(
        'PACKAGE_REFERENCED',
        `Shared package "${rec.name}" is still referenced by ${names}; it closes by itself when the last of them goes`,
        { holders },
      );
    }
    if (rec.kind === 'session') {
      const users = [...this.s.sessions.get(rec.sessionId!)!.packages].filter(
        (p) => p !== rec && [...p.links.values()].includes(rec),
      );
      if (users.length > 0) {
        const holders = users.map((p) => ({ name: p.name, instanceId: p.id, sessionId: p.sessionId }));
        throw new DomainError(
          'PACKAGE_REFERENCED',
          `Package "${rec.name}" is used by ${users.map((p) => `"${p.name}"`).join(', ')} in the same session; close ${users.length > 1 ? 'them' : 'it'} first`,
          { holders },
        );
      }
    }
    this.s.bus.batch(() => {
      this.s.dispose(rec, 'closed', stopReason);
      if (rec.kind === 'pool') {
        this.s.emit(
          { type: 'pool-changed', change: 'close', instanceIds: [rec.id] },
          { sessions: rec.sessionId === null ? [] : [rec.sessionId], shared: [], pool: true },
        );
      }
    });
    return rec.info();
  }

  getInstance(id: string): InstanceInfo<H> | undefined {
    return this.s.instances.get(id)?.info();
  }

  /** Every loaded instance: the sessions' own, the shared ones and the pooled ones. */
  listInstances(): InstanceInfo<H>[] {
    return [...this.s.instances.values()].map((r) => r.info());
  }

  /**
   * Visits every loaded instance without copying it (listInstances copies each): for the memory
   * accounting, which looks at all of them five times a second and at 9,000 instances cannot build 9,000 copies.
   */
  forEachInstance(visit: (i: InstanceGlance<H>) => void): void {
    for (const r of this.s.instances.values()) visit(r);
  }

  /** One instance as forEachInstance shows it, or undefined when it is not loaded. */
  peekInstance(id: string): InstanceGlance<H> | undefined {
    return this.s.instances.get(id);
  }

  /** The instance the engine handle belongs to (the engine's reference callbacks know handles only). */
  instanceByHandle(handle: H): InstanceInfo<H> | undefined {
    return this.s.byHandle.get(handle)?.info();
  }

  /** Which instance serves `path` for this instance's reference: one of its session, or a shared one. */
  resolveReference(instanceId: string, path: string): InstanceInfo<H> {
    const rec = this.s.requireInstance(instanceId);
    const target = rec.links.get(path);
    if (!target || target.closed) {
      throw new DomainError('PACKAGE_NOT_FOUND', `Package "${rec.name}" has no reference to "${path}"`, { path });
    }
    return target.info();
  }

  // ---- executions (core-executions.ts) ----

  /**
   * Starts an execution of the instance; a session package runs one at a time, shared instances serve
   * many callers. `controller`: the caller's AbortController to cancel through (see CoreExecutions).
   */
  beginExecution(instanceId: string, o: { node?: string; controller?: CancelSource } = {}): Execution {
    return this.executions.begin(instanceId, o);
  }

  /** Aborts the instance's executions; false when nothing was left to abort. */
  stopPackage(instanceId: string, reason = 'stopped'): boolean {
    return this.executions.stopPackage(instanceId, reason);
  }

  /** Executions started before `t` and not stopping yet (the running-time watchdog's candidates). */
  executionsStartedBefore(t: number): { executionId: string; instanceId: string; startedAt: number }[] {
    return this.executions.startedBefore(t);
  }

  /** Aborts one execution (a shared instance runs many: only this one stops); false when it is gone or stopping. */
  stopExecution(instanceId: string, executionId: string, reason: string): boolean {
    return this.executions.stopOne(instanceId, executionId, reason);
  }

  /** Aborts every execution of the session's packages; returns how many were aborted. */
  stopSession(sessionId: string, reason = 'stopped'): number {
    return this.executions.stopSession(sessionId, reason);
  }

  // ---- the package pool ----

  /**
   * Lends the session the most recently used idle instance of the file's current version (a hit)
   * or loads a new one (a miss). While checked out it shows as a package of that session.
   */
  checkout(path: string, sessionId: string): Promise<InstanceInfo<H>> {
    return this.lending.checkout(path, sessionId);
  }

  /**
   * Gives a checked-out instance back: to the pool, evicting the least recently used beyond the
   * maximum, or discarded when stale, still executing, or the pool size is 0. Releasing an
   * instance that was closed meanwhile, or twice, does nothing.
   */
  release(instanceId: string): void {
    this.lending.release(instanceId);
  }

  /** Changes the maximum at run time; shrinking evicts the least recently used idle instances. */
  setPoolSize(n: number): void {
    this.lending.setPoolSize(n);
  }

  /** Empties the pool; checked-out instances are discarded when released. Returns how many went. */
  clearPool(): number {
    return this.lending.clearPool();
  }

  /**
   * A package file changed (to `fileVersion`, when the adapter knows it): pooled instances of it,
   * and of packages referencing it transitively, go; shared instances of it and of packages
   * referencing it go stale, so new opens get new ones while the old stay for their holders.
   */
  fileChanged(path: string, fileVersion?: string): void {
    this.s.invalidate(path, fileVersion);
  }

  /**
   * Closes every session (reason "shutdown", executions aborted first) and empties the pool, so
   * that nothing stays loaded. Returns what was closed and what of it was unsaved.
   */
  shutdown(): ClosedSession<H> {
    return this.s.bus.batch(() => {
      const all: ClosedSession<H> = { closed: [], unsaved: [] };
      for (const s of [...this.s.sessions.values()]) {
        const r = this.closeSession(s.id, 'shutdown');
        all.closed.push(...r.closed);
        all.unsaved.push(...r.unsaved);
      }
      this.clearPool();
      return all;
    });
  }

  // ---- views ----

  /** Where the rows' memoryBytes come from (the adapter's memory accounting; the core measures nothing). */
  setMemoryReader(read: (instanceId: string) => number | undefined): void {
    this.s.memoryOf = read;
  }

  /** The whole Session Manager state (protocol's ManagerSnapshot); hostName is left for the adapter to fill. */
  snapshot(): ManagerSnapshot {
    return view.snapshot(this.s);
  }

  /** One session's row, or undefined when it is gone (a delta's removal). */
  sessionView(id: string): ManagerSession | undefined {
    const s = this.s.sessions.get(id);
    return s ? view.sessionRow(s, this.s.memoryOf) : undefined;
  }

  /** One shared package's row, or undefined when it is unloaded. */
  sharedView(id: string): ManagerSharedPackage | undefined {
    const rec = this.s.shared.get(id);
    return rec ? view.sharedRow(this.s, rec) : undefined;
  }

  poolView(): ManagerSnapshot['pool'] {
    return view.poolView(this.s);
  }

  /** Sessions, running executions, instances and the pool, counted (for metrics). */
  counts(): CoreCounts {
    return coreCounts(this.s);
  }

  /** The manager's delta frame for what the given (merged) events affect. */
  delta(affects: Affects): view.ManagerDelta {
    return view.delta(this.s, affects);
  }
}
