// The memory accounting over a real core with fake engine handles and a fake process reading.
import { describe, expect, it } from 'vitest';
import { FlowportCore, type LoadedPackage, type PackageLoader } from '../core';
import { sequentialIds } from '../../test/support/sequential-ids';
import type { PackageRuntime } from '../engine';
import type { EngineHandle } from './engine-handle';
import { MemoryAccounting, type ProcessMemory } from './memory-accounting';
import { MiB } from './memory-budget';

/** What the accounting asks of an engine runtime, settable by the test. */
class FakeRuntime {
  bytes = 0;
  computing = false;
  asked = 0;
  answer?: Promise<number>;
  memoryBytes(): Promise<number> {
    this.asked++;
    return this.answer ?? Promise.resolve(this.bytes);
  }
}

class Loader implements PackageLoader<EngineHandle> {
  readonly runtimes = new Map<string, FakeRuntime>();
  currentVersion(path: string) {
    return `${path}@1`;
  }
  async load(path: string): Promise<LoadedPackage<EngineHandle>> {
    const runtime = new FakeRuntime();
    this.runtimes.set(path, runtime);
    const handle: EngineHandle = { path, text: '', issues: [], runtime: runtime as unknown as PackageRuntime };
    return { name: path, version: '1.0.0', fileVersion: `${path}@1`, createdAt: 1, savedAt: 1, references: [], handle };
  }
  unload(): void {}
}

function kit() {
  const loader = new Loader();
  const core = new FlowportCore<EngineHandle>({ loader, poolSize: 5, ids: sequentialIds('i') });
  let now = 1_000_000;
  const proc: ProcessMemory = { rss: 300 * MiB, heapTotal: 60 * MiB, external: 10 * MiB };
  const accounting = new MemoryAccounting({
    core,
    budget: () => 1024 * MiB,
    readProcess: () => ({ ...proc }),
    now: () => now,
  });
  const sid = core.openSession({ user: 'ann', roles: ['design'], host: 'h', kind: 'studio' }).id;
  return { core, loader, accounting, proc, sid, advance: (ms: number) => (now += ms) };
}

describe('MemoryAccounting', () => {
  it("counts RSS beyond Node's own as the instances' use, and DuckDB's accounting per instance", async () => {
    const { core, loader, accounting, proc, sid } = kit();
    // Before any package: 230 MB of the process is outside the heap and buffers (code, libraries).
    expect(accounting.usage()).toMatchObject({ budgetBytes: 1024 * MiB, instanceLimitBytes: 256 * MiB, usedBytes: 0 });
    const a = await core.openPackage(sid, 'a.pkg.yaml');
    loader.runtimes.get('a.pkg.yaml')!.bytes = 100 * MiB;
    proc.rss += 150 * MiB;
    const u = await accounting.sample();
    expect(u.perInstance.get(a.id)).toBe(100 * MiB);
    expect(u.duckdbBytes).toBe(100 * MiB);
    expect(u.nodeBytes).toBe(300 * MiB);
    expect(u.usedBytes).toBe(150 * MiB);
    expect(u.untrackedBytes).toBe(50 * MiB);
    // DuckDB's figure counts even when RSS says less (freshly allocated pages not yet touched).
    loader.runtimes.get('a.pkg.yaml')!.bytes = 400 * MiB;
    core.beginExecution(a.id);
    expect((await accounting.sample()).usedBytes).toBe(400 * MiB);
    expect(accounting.usage().usedBytes).toBe(400 * MiB);
  });

  it('measures running instances every time, idle ones every few seconds, and forgets closed ones', async () => {
    const { core, loader, accounting, sid, advance } = kit();
    const a = await core.openPackage(sid, 'a.pkg.yaml');
    const b = await core.openPackage(sid, 'b.pkg.yaml');
    await accounting.sample();
    const ra = loader.runtimes.get('a.pkg.yaml')!;
    const rb = loader.runtimes.get('b.pkg.yaml')!;
    expect([ra.asked, rb.asked]).toEqual([1, 1]);
    core.beginExecution(a.id);
    advance(200);
    await accounting.sample();
    advance(200);
    await accounting.sample();
    expect([ra.asked, rb.asked]).toEqual([3, 1]);
    advance(5000);
    await accounting.sample();
    expect(rb.asked).toBe(2);
    core.closePackage(b.id);
    expect((await accounting.sample()).perInstance.has(b.id)).toBe(false);
  });

  it('measures at most 500 idle instances per walk of all of them (once a second), the rest at the next walk', async () => {
    const { core, loader, accounting, sid, advance } = kit();
    for (let i = 0; i < 600; i++) await core.openPackage(sid, `p${i}.pkg.yaml`);
    const asked = () => [...loader.runtimes.values()].filter((r) => r.asked > 0).length;
    await accounting.sample();
    expect(asked()).toBe(500);
    advance(200);
    await accounting.sample();
    expect(asked()).toBe(500);
    advance(800);
    await accounting.sample();
    expect(asked()).toBe(600);
  });

  it('measures an instance after its run until DuckDB stops computing for it, then only every few seconds', async () => {
    const { core, loader, accounting, sid, advance } = kit();
    const a = await core.openPackage(sid, 'a.pkg.yaml');
    const ra = loader.runtimes.get('a.pkg.yaml')!;
    await accounting.sample();
    const run = core.beginExecution(a.id);
    ra.computing = true;
    run.end('cancelled');
    advance(200);
    await accounting.sample();
    advance(200);
    await accounting.sample();
    expect(ra.asked).toBe(3);
    ra.computing = false;
    ra.bytes = 7 * MiB;
    advance(200);
    expect((await accounting.sample()).perInstance.get(a.id)).toBe(7 * MiB);
    advance(200);
    await accounting.sample();
    expect(ra.asked).toBe(4);
  });

  it('keeps the executions running, with the untracked memory when each started', async () => {
    const { core, accounting, proc, sid } = kit();
    const a = await core.openPackage(sid, 'a.pkg.yaml');
    const first = core.beginExecution(a.id);
    proc.rss += 500 * MiB;
    await accounting.sample();
    const other = core.openSession({ user: 'bob', roles: ['design'], host: 'h', kind: 'studio' }).id;
    const b = await core.openPackage(other, 'b.pkg.yaml');
    const second = core.beginExecution(b.id);
    const s = await accounting.sample();
    expect(s.running).toEqual([
      { executionId: first.id, instanceId: a.id, startedAt: first.startedAt, untrackedAtStart: 0 },
      { executionId: second.id, instanceId: b.id, startedAt: second.startedAt, untrackedAtStart: 500 * MiB },
    ]);
    first.end('done');
    core.closePackage(b.id); // ends its execution without an event
    expect((await accounting.sample()).running).toEqual([]);
  });

  it('does not wait long for a DuckDB that does not answer; its figure arrives later', async () => {
    const { core, loader, accounting, sid } = kit();
    const a = await core.openPackage(sid, 'a.pkg.yaml');
    let answer!: (n: number) => void;
    loader.runtimes.get('a.pkg.yaml')!.answer = new Promise((r) => (answer = r));
    const started = Date.now();
    const u = await accounting.sample();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(u.perInstance.get(a.id)).toBe(0);
    answer(42 * MiB);
    await new Promise((r) => setImmediate(r));
    expect((await accounting.sample()).perInstance.get(a.id)).toBe(42 * MiB);
  });
});
