// Property test: random sequences of session, package, pool, file and stop operations keep every invariant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../../test/support/sequential-ids';
import type { CoreEvent } from './core-events';
import { ManualClock } from '../../test/support/core-kit';
import { isDomainError } from '../shared/domain-error';
import type { Execution } from './execution';
import { FakePackageLoader, type FakeHandle } from '../../test/support/fake-package-loader';
import { FlowportCore } from './flowport-core';
import type { InstanceInfo } from './package-instance';

const PATHS = ['a.pkg.yaml', 'b.pkg.yaml', 'mid.pkg.yaml', 'lib.pkg.yaml', 'x.pkg.yaml', 'y.pkg.yaml'];
const INITIAL: Record<string, string[]> = {
  'a.pkg.yaml': ['mid.pkg.yaml'],
  'b.pkg.yaml': ['mid.pkg.yaml', 'lib.pkg.yaml'],
  'mid.pkg.yaml': ['lib.pkg.yaml'],
  'lib.pkg.yaml': [],
  'x.pkg.yaml': ['y.pkg.yaml'],
  'y.pkg.yaml': ['x.pkg.yaml'],
};

type Op =
  | { t: 'openSession'; user: number }
  | { t: 'closeSession'; s: number }
  | { t: 'openPackage'; s: number; path: number }
  | { t: 'openDraft'; s: number; refs: string[] }
  | { t: 'edit'; i: number; refs: string[] }
  | { t: 'closePackage'; i: number }
  | { t: 'checkout'; s: number; path: number }
  | { t: 'release'; i: number }
  | { t: 'fileChanged'; path: number; refs: string[] | null; withVersion: boolean }
  | { t: 'resize'; n: number }
  | { t: 'clear' }
  | { t: 'begin'; i: number }
  | { t: 'end'; e: number }
  | { t: 'stopPackage'; i: number }
  | { t: 'stopSession'; s: number };

const refs = fc.subarray(PATHS, { maxLength: 2 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('openSession' as const), user: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('closeSession' as const), s: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('openPackage' as const), s: fc.nat(), path: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('openDraft' as const), s: fc.nat(), refs }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('edit' as const), i: fc.nat(), refs }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('closePackage' as const), i: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('checkout' as const), s: fc.nat(), path: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('release' as const), i: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('fileChanged' as const),
      path: fc.nat(),
      refs: fc.option(refs, { freq: 3 }),
      withVersion: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resize' as const), n: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('clear' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('begin' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('end' as const), e: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('stopPackage' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('stopSession' as const), s: fc.nat() }) },
);

class World {
  loader = new FakePackageLoader();
  clock = new ManualClock();
  core: FlowportCore<FakeHandle>;
  sessions: string[] = [];
  closedSessions: string[] = [];
  executions: Execution[] = [];
  checkouts = 0;
  lastVersion = 0;
  /** Operations interleave, so some may lose a race with a close. */
  racing = false;
  /** Assertions that failed inside the event listener. */
  failures: unknown[] = [];
  /** Operations refused because they would close a reference cycle. */
  refusedCycles = 0;

  constructor(poolSize: number) {
    for (const [path, r] of Object.entries(INITIAL)) this.loader.write(path, { references: r });
    this.core = new FlowportCore({
      loader: this.loader,
      clock: this.clock,
      ids: sequentialIds('i'),
      poolSize,
      onListenerError: (err) => this.failures.push(err),
    });
    this.core.on((e: CoreEvent) => {
      // Every change is one event, numbered one after the other.
      expect(e.version).toBe(this.lastVersion + 1);
      this.lastVersion = e.version;
      // Checked when handed out (opened, checked out, edited), even if a change comes right after.
      if (e.type === 'package-opened' || e.type === 'package-changed') this.expectFresh(e.instanceId);
    });
  }

  pick<T>(list: T[], n: number): T | undefined {
    return list.length === 0 ? undefined : list[n % list.length];
  }

  /** Every instance the manager shows: session packages, shared packages, pool items. */
  instanceIds(): string[] {
    const snap = this.core.snapshot();
    const ids = new Set<string>();
    for (const s of snap.sessions) for (const p of s.packages) ids.add(p.id);
    for (const s of snap.shared) ids.add(s.id);
    for (const p of snap.pool.items) ids.add(p.id);
    return [...ids].sort();
  }

  /** Shared instances reachable from a root, found through the public API only. */
  closureOf(rootId: string): InstanceInfo<FakeHandle>[] {
    const out = new Map<string, InstanceInfo<FakeHandle>>();
    const visit = (id: string) => {
      const inst = this.core.getInstance(id)!;
      for (const path of new Set(inst.references)) {
        const target = this.core.resolveReference(id, path);
        if (target.kind !== 'shared' || out.has(target.id)) continue;
        out.set(target.id, target);
        visit(target.id);
      }
    };
    visit(rootId);
    return [...out.values()];
  }

  /** A handed-out instance is of the file's current version and holds nothing outdated by a change. */
  expectFresh(id: string): void {
    const inst = this.core.getInstance(id)!;
    expect(inst.stale).toBe(false);
    if (inst.path !== null && inst.kind !== 'session') expect(inst.fileVersion).toBe(this.loader.version(inst.path));
    if (inst.path !== null && inst.kind === 'session' && inst.fileVersion !== null) {
      expect(inst.fileVersion).toBe(this.loader.version(inst.path));
    }
    for (const m of this.closureOf(id)) {
      expect(m.stale).toBe(false);
      expect(m.fileVersion).toBe(this.loader.version(m.path!));
    }
  }

  /** Runs an operation; a reference cycle it would close is refused, which is a fine outcome. */
  async run(op: Op): Promise<void> {
    try {
      await this.apply(op);
    } catch (err) {
      if (!isDomainError(err) || err.code !== 'REFERENCE_CYCLE') throw err;
      this.refusedCycles++;
    }
  }

  /** No instance handed out reaches its own path again: cycles are refused, never committed. */
  expectAcyclic(rootId: string): void {
    const root = this.core.getInstance(rootId)!;
    const key = (i: InstanceInfo<FakeHandle>) => i.path ?? i.id;
    const onPath = new Set<string>();
    const visit = (inst: InstanceInfo<FakeHandle>) => {
      expect(onPath.has(key(inst))).toBe(false);
      onPath.add(key(inst));
      for (const path of new Set(inst.references)) visit(this.core.resolveReference(inst.id, path));
      onPath.delete(key(inst));
    };
    visit(root);
  }

  private async apply(op: Op): Promise<void> {
    const { core } = this;
    const session = (n: number) => this.pick(this.sessions, n);
    const instance = (n: number) => this.pick(this.instanceIds(), n);
    this.clock.advance(1);
    switch (op.t) {
      case 'openSession':
        this.sessions.push(core.openSession({ user: `u${op.user}`, roles: ['design'], host: 'h', kind: 'studio' }).id);
        return;
      case 'closeSession': {
        const s = session(op.s);
        if (!s) return;
        core.closeSession(s, 'client');
        this.sessions = this.sessions.filter((x) => x !== s);
        this.closedSessions.push(s);
        return;
      }
      case 'openPackage': {
        const s = session(op.s);
        if (s) await core.openPackage(s, this.pick(PATHS, op.path)!);
        return;
      }
      case 'openDraft': {
        const s = session(op.s);
        if (s) await core.openDraft(s, this.loader.built({ references: op.refs }));
        return;
      }
      case 'edit': {
        const id = instance(op.i);
        if (!id || core.getInstance(id)?.kind !== 'session') return;
        await core.replaceLoaded(id, this.loader.built({ references: op.refs }), { dirty: true });
        return;
      }
      case 'closePackage': {
        const id = instance(op.i);
        if (!id) return;
        try {
          core.closePackage(id);
        } catch (err) {
          // Refused only while something still references it.
          expect(isDomainError(err) && err.code).toBe('PACKAGE_REFERENCED');
          const inst = core.getInstance(id)!;
          if (inst.kind === 'shared') expect(core.sharedView(id)!.refCount).toBeGreaterThan(0);
          else expect(inst.kind).toBe('session');
        }
        return;
      }
      case 'checkout': {
        const s = session(op.s);
        if (!s) return;
        this.checkouts++;
        await core.checkout(this.pick(PATHS, op.path)!, s);
        return;
      }
      case 'release': {
        const out = core.poolView().items.filter((i) => i.checkedOut);
        const item = this.pick(out, op.i);
        if (item) core.release(item.id);
        return;
      }
      case 'fileChanged': {
        const path = this.pick(PATHS, op.path)!;
        const version = this.loader.write(path, op.refs ? { references: op.refs } : {});
        core.fileChanged(path, op.withVersion ? version : undefined);
        return;
      }
      case 'resize':
        core.setPoolSize(op.n);
        return;
      case 'clear':
        core.clearPool();
        return;
      case 'begin': {
        const id = instance(op.i);
        if (!id) return;
        const inst = core.getInstance(id)!;
        if ((inst.kind === 'session' && inst.running) || (inst.kind === 'pool' && !inst.checkedOut)) {
          expect(() => core.beginExecution(id)).toThrow();
          return;
        }
        const exec = core.beginExecution(id);
        exec.setProgress({ percent: 10, node: 'n', nodeStartedAt: this.clock.t, nodesDone: 0, nodesTotal: 1 });
        this.executions.push(exec);
        return;
      }
      case 'end': {
        const exec = this.pick(this.executions, op.e);
        if (!exec) return;
        exec.end(exec.signal.aborted ? 'cancelled' : 'done');
        this.executions = this.executions.filter((e) => e !== exec);
        return;
      }
      case 'stopPackage': {
        const id = instance(op.i);
        if (id) core.stopPackage(id, 'test');
        return;
      }
      case 'stopSession': {
        const s = session(op.s);
        if (s) core.stopSession(s, 'test');
        return;
      }
    }
  }

  check(): void {
    const { core, loader } = this;
    expect(this.failures).toEqual([]);
    const snap = core.snapshot();
    const pool = snap.pool;
    const idle = pool.items.filter((i) => !i.checkedOut);
    // The pool never holds more idle instances than its maximum.
    expect(idle.length).toBeLessThanOrEqual(pool.max);
    // No instance is both pooled idle and checked out; checked-out ones belong to exactly one session.
    expect(new Set(pool.items.map((i) => i.id)).size).toBe(pool.items.length);
    const owner = new Map<string, string>();
    for (const s of snap.sessions) {
      for (const p of s.packages) {
        expect(owner.has(p.id)).toBe(false);
        owner.set(p.id, s.id);
        expect(core.getInstance(p.id)?.sessionId).toBe(s.id);
      }
    }
    for (const i of pool.items) {
      expect(owner.has(i.id)).toBe(i.checkedOut);
      expect(core.getInstance(i.id)?.checkedOut).toBe(i.checkedOut);
    }
    // A checkout that lost a race with its session's close counted neither a hit nor a miss.
    if (this.racing) expect(pool.hits + pool.misses).toBeLessThanOrEqual(this.checkouts);
    else expect(pool.hits + pool.misses).toBe(this.checkouts);
    // Counts shown equal counts recomputed from scratch.
    expect(snap.sessions.map((s) => s.id).sort()).toEqual([...this.sessions].sort());
    const holders = new Map<string, Set<string>>();
    const roots = [...owner.keys(), ...idle.map((i) => i.id)];
    for (const root of roots) {
      const inst = core.getInstance(root)!;
      const holder = inst.kind === 'pool' ? 'pool' : inst.sessionId!;
      for (const m of this.closureOf(root)) {
        if (!holders.has(m.id)) holders.set(m.id, new Set());
        holders.get(m.id)!.add(holder);
      }
    }
    for (const root of roots) this.expectAcyclic(root);
    expect(snap.shared.map((s) => s.id).sort()).toEqual([...holders.keys()].sort());
    for (const s of snap.shared) {
      // Every loaded shared instance has a holder, and the count shown is the recount.
      const expected = holders.get(s.id)!;
      expect(s.refCount).toBe(expected.size);
      expect(new Set(s.referencedBy.map((h) => h.sessionId ?? 'pool'))).toEqual(expected);
    }
    // One current (non-stale) shared instance per file.
    const current = snap.shared.filter((s) => !s.stale).map((s) => s.path);
    expect(new Set(current).size).toBe(current.length);
    for (const s of snap.sessions) {
      expect(s.running).toBe(s.packages.some((p) => p.running));
      expect(core.getSession(s.id)?.running).toBe(s.running);
    }
    // Nothing stays loaded that the manager does not show, and nothing is unloaded twice.
    const shown = new Set(this.instanceIds().map((id) => core.getInstance(id)!.handle));
    expect(loader.loaded).toEqual(shown);
    expect(loader.doubleUnloads).toBe(0);
    // A closed session leaves nothing behind.
    for (const closed of this.closedSessions) {
      expect(core.getSession(closed)).toBeUndefined();
      expect(owner.size === 0 || ![...owner.values()].includes(closed)).toBe(true);
      for (const s of snap.shared) expect(s.referencedBy.some((h) => h.sessionId === closed)).toBe(false);
    }
    expect(core.version).toBe(this.lastVersion);
  }
}

describe('the core under random operation sequences', () => {
  it('keeps its invariants after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(3), fc.array(opArb, { minLength: 1, maxLength: 50 }), async (poolSize, ops) => {
        const w = new World(poolSize);
        for (const op of ops) {
          await w.run(op);
          w.check();
        }
        // Ending everything and closing every session unloads every instance but the pool's.
        for (const e of w.executions) e.end('done');
        for (const s of [...w.sessions]) w.core.closeSession(s, 'shutdown');
        w.core.clearPool();
        expect(w.loader.loaded.size).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps its invariants when operations interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.nat(3),
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 10 }),
        async (s, poolSize, batches) => {
          const w = new World(poolSize);
          // Loads complete in an order the scheduler picks, so opens, checkouts and edits race.
          w.loader.gate = () => s.schedule(Promise.resolve());
          w.racing = true;
          for (const batch of batches) {
            const running = batch.map((op) =>
              s.schedule(Promise.resolve()).then(() =>
                w.run(op).catch((err: unknown) => {
                  // Racing with a close is the only acceptable failure.
                  if (!isDomainError(err) || !['SESSION_NOT_FOUND', 'PACKAGE_NOT_FOUND'].includes(err.code)) throw err;
                }),
              ),
            );
            await s.waitFor(Promise.all(running));
            w.check();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
