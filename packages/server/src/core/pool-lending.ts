// Lending pooled instances to Integrator and batch calls: checkout, release, resize and clear.
import type { Affects } from './core-events';
import type { CoreState } from './core-state';
import { DomainError } from '../shared/domain-error';
import type { InstanceInfo, InstanceRecord } from './package-instance';
import { keptChanging, MAX_ATTEMPTS, type PackageOpening } from './package-opening';

export function checkPoolSize(n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new DomainError('VALIDATION_FAILED', `The package pool size must be a whole number of 0 or more, got ${n}`);
  }
}

function poolOnly(): Affects {
  return { sessions: [], shared: [], pool: true };
}

export class PoolLending<H> {
  constructor(
    private readonly s: CoreState<H>,
    private readonly opening: PackageOpening<H>,
  ) {}

  /**
   * Lends the session the most recently used idle instance of the file's current version (a hit)
   * or loads a new one (a miss). While checked out it shows as a package of that session.
   */
  async checkout(path: string, sessionId: string): Promise<InstanceInfo<H>> {
    this.s.requireSession(sessionId);
    let missed = false;
    for (let attempt = 1; ; attempt++) {
      const epoch = this.s.changes.epoch();
      const asked = this.s.loader.currentVersion(path);
      const fileVersion = typeof asked === 'string' ? asked : await asked;
      const s = this.s.requireSession(sessionId);
      const hit = this.s.bus.batch(() => {
        // A file changed without an event: what is pooled of it is outdated.
        if (this.s.pool.idleOf(path).some((r) => r.fileVersion !== fileVersion)) this.s.invalidate(path, fileVersion);
        const rec = this.s.pool.takeIdle(path, fileVersion);
        if (!rec) return undefined;
        this.s.pool.hits++;
        rec.hits++;
        this.lend(rec, s.id, true);
        return rec;
      });
      if (hit) return hit.info();
      if (!missed) {
        missed = true;
        this.s.pool.misses++;
      }
      const loaded = await this.s.loader.load(path, { pooled: true });
      const rec = await this.opening.attachNew('pool', sessionId, path, loaded, epoch, (r) => this.lend(r, sessionId));
      if (rec) return rec.info();
      this.s.unload(loaded.handle);
      if (attempt >= MAX_ATTEMPTS) throw keptChanging(path);
    }
  }

  /**
   * Gives a checked-out instance back: to the pool, evicting the least recently used beyond the
   * maximum, or discarded when stale, still executing, or the pool size is 0. Releasing an
   * instance that was closed meanwhile, or twice, does nothing.
   */
  release(instanceId: string): void {
    const rec = this.s.instances.get(instanceId);
    if (!rec || !rec.checkedOut) return;
    if (rec.kind !== 'pool') throw new DomainError('BAD_REQUEST', `"${instanceId}" is not a pooled instance`);
    this.s.bus.batch(() => this.giveBack(rec, rec.running));
  }

  /** Changes the maximum at run time; shrinking evicts the least recently used idle instances. */
  setPoolSize(n: number): void {
    checkPoolSize(n);
    this.s.bus.batch(() => {
      const evicted = this.s.pool.resize(n);
      for (const r of evicted) this.s.dispose(r, 'evicted');
      const ids = evicted.map((r) => r.id);
      this.s.emit({ type: 'pool-changed', change: 'resize', instanceIds: ids }, poolOnly());
    });
  }

  /** Empties the pool; checked-out instances are discarded when released. Returns how many went. */
  clearPool(): number {
    return this.s.bus.batch(() => {
      const ids: string[] = [];
      const sessions: string[] = [];
      for (const r of this.s.pool.takeAllIdle()) {
        ids.push(r.id);
        this.s.dispose(r, 'evicted', 'the package pool was cleared');
      }
      for (const r of this.s.pool.checkedOutItems()) {
        if (r.stale) continue;
        r.stale = true;
        ids.push(r.id);
        if (r.sessionId !== null) sessions.push(r.sessionId);
      }
      this.s.emit({ type: 'pool-changed', change: 'clear', instanceIds: ids }, { sessions, shared: [], pool: true });
      return ids.length;
    });
  }

  lend(rec: InstanceRecord<H>, sessionId: string, reused = false): void {
    const s = this.s.requireSession(sessionId);
    this.s.pool.lend(rec);
    rec.sessionId = sessionId;
    rec.lastUsedAt = this.s.now();
    s.packages.add(rec);
    this.s.touch(rec, rec.lastUsedAt);
    this.s.emit(
      reused
        ? { type: 'package-opened', instanceId: rec.id, sessionId, reused: true }
        : { type: 'package-opened', instanceId: rec.id, sessionId },
      this.s.affectsOf(rec),
    );
    this.s.emit({ type: 'pool-changed', change: 'checkout', instanceIds: [rec.id] }, this.s.affectsOf(rec));
  }

  /** Ends a loan: back to the idle set when reusable, else discarded. */
  giveBack(rec: InstanceRecord<H>, wasRunning: boolean): void {
    const affects = this.s.affectsOf(rec);
    if (wasRunning || rec.running || rec.stale || this.s.pool.max === 0) {
      this.s.dispose(rec, 'discarded', 'discarded from the package pool');
      this.s.emit({ type: 'pool-changed', change: 'release', instanceIds: [rec.id] }, affects);
      return;
    }
    this.s.sessions.get(rec.sessionId!)?.packages.delete(rec);
    this.s.pool.endLoan(rec);
    rec.sessionId = null;
    rec.lastUsedAt = this.s.now();
    const evicted = this.s.pool.putIdle(rec);
    for (const r of evicted) this.s.dispose(r, 'evicted');
    this.s.emit(
      { type: 'pool-changed', change: 'release', instanceIds: [rec.id, ...evicted.map((r) => r.id)] },
      affects,
    );
  }
}
