// Sessions: naming, roles, activity, derived running state, close and shutdown.
import { describe, expect, it } from 'vitest';
import { FakePackageLoader } from '../../test/support/fake-package-loader';
import { FlowportCore } from './flowport-core';
import { makeKit } from '../../test/support/core-kit';

describe('sessions', () => {
  it('names a session <user>:<id> and shows the most privileged role', () => {
    const { core, clock } = makeKit();
    const s = core.openSession({ user: 'ann', roles: ['view', 'admin'], host: '10.1.2.3', kind: 'studio' });
    expect(s.name).toBe(`ann:${s.id}`);
    expect(s.role).toBe('admin');
    expect(s.roles).toEqual(['admin', 'view']);
    expect(s.host).toBe('10.1.2.3');
    expect(s.createdAt).toBe(clock.t);
    expect(s.lastActivityAt).toBe(clock.t);
    expect(s.running).toBe(false);
  });

  it('gives every session a unique id even when the id source repeats itself', () => {
    const ids = ['a', 'a', 'a', 'b'];
    const core = new FlowportCore({ loader: new FakePackageLoader(), poolSize: 1, ids: () => ids.shift() ?? 'z' });
    const one = core.openSession({ user: 'u', roles: ['batch'], host: 'h', kind: 'batch' });
    const two = core.openSession({ user: 'u', roles: ['batch'], host: 'h', kind: 'batch' });
    expect([one.id, two.id]).toEqual(['a', 'b']);
  });

  it('lists the open sessions in opening order', () => {
    const { core, session } = makeKit();
    const a = session('ann');
    const b = session('bob');
    expect(core.listSessions().map((s) => s.id)).toEqual([a, b]);
    core.closeSession(a, 'client');
    expect(core.listSessions().map((s) => s.id)).toEqual([b]);
  });

  it('keeps the Integrator request id of a session', () => {
    const { core } = makeKit();
    const s = core.openSession({ user: 'svc', roles: ['batch'], host: 'h', kind: 'integrator', requestId: 'req-7' });
    expect(core.getSession(s.id)?.requestId).toBe('req-7');
    expect(core.snapshot().sessions[0]).toMatchObject({ kind: 'integrator', requestId: 'req-7' });
  });

  it('updates last activity when touched and ignores a touch of a session that is gone', () => {
    const { core, clock, session } = makeKit();
    const id = session();
    const t = clock.advance(5_000);
    core.touchSession(id);
    expect(core.getSession(id)?.lastActivityAt).toBe(t);
    expect(() => core.touchSession('nope')).not.toThrow();
  });

  it('updates last activity when a package is opened, run or reports progress', async () => {
    const { core, clock, session } = makeKit({ files: { 'a.pkg.yaml': [] } });
    const id = session();
    const opened = clock.advance(1_000);
    const p = await core.openPackage(id, 'a.pkg.yaml');
    expect(core.getSession(id)?.lastActivityAt).toBe(opened);
    const ran = clock.advance(1_000);
    const exec = core.beginExecution(p.id);
    expect(core.getSession(id)?.lastActivityAt).toBe(ran);
    const progressed = clock.advance(1_000);
    exec.setProgress({ percent: 10, node: 'n1', nodeStartedAt: ran, nodesDone: 0, nodesTotal: 1 });
    expect(core.getSession(id)?.lastActivityAt).toBe(progressed);
    expect(core.getInstance(p.id)?.lastActivityAt).toBe(progressed);
  });

  it('is running while any of its packages executes and idle once none does', async () => {
    const { core, session } = makeKit({ files: { 'a.pkg.yaml': [], 'b.pkg.yaml': [] } });
    const id = session();
    const a = await core.openPackage(id, 'a.pkg.yaml');
    const b = await core.openPackage(id, 'b.pkg.yaml');
    const ea = core.beginExecution(a.id);
    const eb = core.beginExecution(b.id);
    expect(core.getSession(id)?.running).toBe(true);
    ea.end('done');
    expect(core.getSession(id)?.running).toBe(true);
    eb.end('failed');
    expect(core.getSession(id)?.running).toBe(false);
  });

  it('aborts executions before closing packages, and reports unsaved work', async () => {
    const { core, loader, session, events } = makeKit({ files: { 'a.pkg.yaml': [], 'b.pkg.yaml': [] } });
    const id = session();
    const a = await core.openPackage(id, 'a.pkg.yaml');
    const b = await core.openPackage(id, 'b.pkg.yaml');
    const draft = await core.openDraft(id, loader.built({ name: 'New' }));
    core.markDirty(b.id, true);
    const exec = core.beginExecution(a.id);
    const closed = core.closeSession(id, 'client');
    expect(exec.signal.aborted).toBe(true);
    expect(String(exec.signal.reason)).toContain('closed (client)');
    expect(closed.closed.map((p) => p.id)).toEqual([a.id, b.id, draft.id]);
    expect(closed.unsaved.map((p) => p.id)).toEqual([b.id, draft.id]);
    expect(loader.loaded.size).toBe(0);
    const types = events.map((e) => e.type);
    expect(types.indexOf('execution-stopping')).toBeLessThan(types.indexOf('package-closed'));
    expect(types.at(-1)).toBe('session-closed');
  });

  it('tells who closed a session and why', () => {
    const { core, session, events } = makeKit();
    const id = session();
    core.closeSession(id, 'administrator', 'root');
    expect(events.at(-1)).toMatchObject({ type: 'session-closed', sessionId: id, reason: 'administrator', by: 'root' });
    expect(core.getSession(id)).toBeUndefined();
  });

  it('refuses to close a session that does not exist', () => {
    const { core } = makeKit();
    expect(() => core.closeSession('nope', 'client')).toThrow(expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
  });

  it('leaves nothing loaded behind a closed session, shared references included', async () => {
    const { core, loader, session } = makeKit({ files: { 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const id = session();
    await core.openPackage(id, 'a.pkg.yaml');
    expect(loader.loaded.size).toBe(2);
    core.closeSession(id, 'timeout');
    expect(loader.loaded.size).toBe(0);
    expect(core.snapshot()).toMatchObject({ sessions: [], shared: [] });
    expect(loader.doubleUnloads).toBe(0);
  });

  it('gives back idle checked-out pool instances on close and discards executing ones', async () => {
    const { core, session } = makeKit({ files: { 'p.pkg.yaml': [] } });
    const id = session('svc', ['batch']);
    const idle = await core.checkout('p.pkg.yaml', id);
    const busy = await core.checkout('p.pkg.yaml', id);
    const exec = core.beginExecution(busy.id);
    core.closeSession(id, 'client');
    expect(exec.signal.aborted).toBe(true);
    const items = core.poolView().items;
    expect(items.map((i) => i.id)).toEqual([idle.id]);
    expect(items[0].checkedOut).toBe(false);
    expect(core.getInstance(busy.id)).toBeUndefined();
  });

  it('shuts down by closing every session and emptying the pool', async () => {
    const { core, loader, session } = makeKit({ files: { 'p.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const a = session('ann');
    const b = session('bob', ['batch']);
    await core.openPackage(a, 'p.pkg.yaml');
    core.markDirty((await core.openPackage(a, 'lib.pkg.yaml')).id, true);
    core.release((await core.checkout('p.pkg.yaml', b)).id);
    const r = core.shutdown();
    expect(r.closed).toHaveLength(2);
    expect(r.unsaved).toHaveLength(1);
    expect(loader.loaded.size).toBe(0);
    expect(core.snapshot()).toMatchObject({ sessions: [], shared: [], pool: { items: [] } });
  });
});
