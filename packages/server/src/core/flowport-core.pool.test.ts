// The package pool: hits and misses, LRU eviction, resizing, invalidation on file changes, clear.
import { describe, expect, it } from 'vitest';
import { makeKit } from '../../test/support/core-kit';

const idleIds = (k: ReturnType<typeof makeKit>) =>
  k.core
    .poolView()
    .items.filter((i) => !i.checkedOut)
    .map((i) => i.id);

describe('package pool', () => {
  it('loads a new instance on a checkout with nothing idle and counts a miss', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    expect(a).toMatchObject({ kind: 'pool', checkedOut: true, sessionId: sid, path: 'p.pkg.yaml' });
    expect(k.core.poolView()).toMatchObject({ hits: 0, misses: 1, items: [{ id: a.id, checkedOut: true }] });
  });

  it('shows a checked-out instance as a package of its session', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    expect(k.core.sessionView(sid)?.packages.map((p) => p.id)).toEqual([a.id]);
    k.core.release(a.id);
    expect(k.core.sessionView(sid)?.packages).toEqual([]);
    expect(k.core.getInstance(a.id)).toMatchObject({ checkedOut: false, sessionId: null });
  });

  it('reuses the most recently used idle instance and counts a hit', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    const b = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(a.id);
    k.clock.advance(10);
    k.core.release(b.id);
    const again = await k.core.checkout('p.pkg.yaml', sid);
    expect(again.id).toBe(b.id);
    expect(k.core.poolView()).toMatchObject({ hits: 1, misses: 2 });
    expect(k.core.poolView().items.find((i) => i.id === b.id)?.hits).toBe(1);
    expect(k.loader.loads).toBe(2);
  });

  it('never keeps more idle instances than the maximum, evicting the least recently used', async () => {
    const k = makeKit({ poolSize: 2, files: { 'p.pkg.yaml': [], 'q.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    const b = await k.core.checkout('q.pkg.yaml', sid);
    const c = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(a.id);
    k.core.release(b.id);
    k.core.release(c.id);
    expect(idleIds(k)).toEqual([c.id, b.id]);
    expect(a.handle.unloaded).toBe(true);
  });

  it('discards every released instance when the pool size is 0', async () => {
    const k = makeKit({ poolSize: 0, files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(a.id);
    expect(k.core.poolView().items).toEqual([]);
    expect(k.loader.loaded.size).toBe(0);
  });

  it('evicts the least recently used when shrunk at run time, and keeps them when grown', async () => {
    const k = makeKit({ poolSize: 3, files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const all = [];
    for (let i = 0; i < 3; i++) all.push(await k.core.checkout('p.pkg.yaml', sid));
    for (const i of all) k.core.release(i.id);
    k.core.setPoolSize(1);
    expect(idleIds(k)).toEqual([all[2].id]);
    expect(k.core.poolView().max).toBe(1);
    k.core.setPoolSize(5);
    expect(idleIds(k)).toEqual([all[2].id]);
  });

  it('refuses a pool size that is not a whole number of 0 or more', () => {
    const k = makeKit();
    expect(() => k.core.setPoolSize(-1)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => k.core.setPoolSize(1.5)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('removes idle instances of a changed file and of every package referencing it', async () => {
    const k = makeKit({
      files: {
        'p.pkg.yaml': ['mid.pkg.yaml'],
        'mid.pkg.yaml': ['lib.pkg.yaml'],
        'lib.pkg.yaml': [],
        'other.pkg.yaml': [],
      },
    });
    const sid = k.session('svc', ['batch']);
    const p = await k.core.checkout('p.pkg.yaml', sid);
    const lib = await k.core.checkout('lib.pkg.yaml', sid);
    const other = await k.core.checkout('other.pkg.yaml', sid);
    for (const i of [p, lib, other]) k.core.release(i.id);
    k.loader.write('lib.pkg.yaml');
    k.core.fileChanged('lib.pkg.yaml');
    expect(idleIds(k)).toEqual([other.id]);
    expect(p.handle.unloaded && lib.handle.unloaded).toBe(true);
    // The shared mid and lib went with their last holder.
    expect(k.core.snapshot().shared).toEqual([]);
  });

  it('discards on release a checked-out instance outdated by a file change', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const p = await k.core.checkout('p.pkg.yaml', sid);
    k.loader.write('lib.pkg.yaml');
    k.core.fileChanged('lib.pkg.yaml');
    expect(k.core.getInstance(p.id)?.stale).toBe(true);
    k.core.release(p.id);
    expect(k.core.poolView().items).toEqual([]);
    const fresh = await k.core.checkout('p.pkg.yaml', sid);
    expect(fresh.id).not.toBe(p.id);
    expect(k.core.resolveReference(fresh.id, 'lib.pkg.yaml').fileVersion).toBe(k.loader.version('lib.pkg.yaml'));
  });

  it('skips an idle instance of an older version when the file changed without an event', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const old = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(old.id);
    k.loader.write('p.pkg.yaml');
    const fresh = await k.core.checkout('p.pkg.yaml', sid);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.fileVersion).toBe(k.loader.version('p.pkg.yaml'));
    expect(old.handle.unloaded).toBe(true);
  });

  it('clears idle instances at once and discards checked-out ones when they come back', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    const b = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(a.id);
    expect(k.core.clearPool()).toBe(2);
    expect(k.core.poolView().items.map((i) => i.id)).toEqual([b.id]);
    k.core.release(b.id);
    expect(k.core.poolView().items).toEqual([]);
    expect(k.loader.loaded.size).toBe(0);
  });

  it('ignores a second release and a release of an instance closed meanwhile', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(a.id);
    expect(() => k.core.release(a.id)).not.toThrow();
    const b = await k.core.checkout('p.pkg.yaml', sid);
    k.core.closePackage(b.id);
    expect(() => k.core.release(b.id)).not.toThrow();
    expect(k.core.poolView().items).toEqual([]);
  });

  it('discards an instance released while still executing', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    const exec = k.core.beginExecution(a.id);
    k.core.release(a.id);
    expect(exec.signal.aborted).toBe(true);
    expect(k.core.poolView().items).toEqual([]);
  });

  it('refuses to run an idle pooled instance', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(a.id);
    expect(() => k.core.beginExecution(a.id)).toThrow(expect.objectContaining({ code: 'PACKAGE_NOT_FOUND' }));
  });

  it('closes an idle pooled instance on request', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const a = await k.core.checkout('p.pkg.yaml', sid);
    k.core.release(a.id);
    k.core.closePackage(a.id);
    expect(k.core.poolView().items).toEqual([]);
    expect(k.loader.loaded.size).toBe(0);
  });

  it('refuses a checkout for a session that does not exist', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    await expect(k.core.checkout('p.pkg.yaml', 'nope')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });
});
