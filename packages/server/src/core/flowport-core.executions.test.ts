// Executions: running state, progress, and stopping through each execution's AbortController.
import { describe, expect, it } from 'vitest';
import { makeKit } from '../../test/support/core-kit';
import { CancelSource } from './execution';

async function opened(files: Record<string, string[]> = { 'a.pkg.yaml': [], 'b.pkg.yaml': [] }) {
  const k = makeKit({ files });
  const sid = k.session();
  const a = await k.core.openPackage(sid, 'a.pkg.yaml');
  return { ...k, sid, a };
}

describe('executions', () => {
  it('shows a running package with its progress, times as ISO strings in the views', async () => {
    const { core, clock, sid, a } = await opened();
    const exec = core.beginExecution(a.id, { node: 'scored' });
    expect(exec.node).toBe('scored');
    const started = clock.t;
    exec.setProgress({ percent: 40, node: 'joined', nodeStartedAt: started, nodesDone: 0, nodesTotal: 1 });
    expect(core.getInstance(a.id)).toMatchObject({
      running: true,
      progress: { percent: 40, node: 'joined', nodeStartedAt: started },
    });
    expect(core.sessionView(sid)).toMatchObject({
      running: true,
      packages: [
        { running: true, progress: { percent: 40, node: 'joined', nodeStartedAt: new Date(started).toISOString() } },
      ],
    });
    exec.end('done');
    expect(core.getInstance(a.id)).toMatchObject({ running: false, progress: null });
    expect(core.sessionView(sid)?.packages[0].progress).toBeUndefined();
  });

  it('keeps progress within 0..100', async () => {
    const { core, a } = await opened();
    const exec = core.beginExecution(a.id);
    exec.setProgress({ percent: 140, node: 'n', nodeStartedAt: 0, nodesDone: 0, nodesTotal: 1 });
    expect(core.getInstance(a.id)?.progress?.percent).toBe(100);
    exec.setProgress({ percent: Number.NaN, node: 'n', nodeStartedAt: 0, nodesDone: 0, nodesTotal: 1 });
    expect(core.getInstance(a.id)?.progress?.percent).toBe(0);
  });

  it('refuses a second execution of a session package while one runs', async () => {
    const { core, a } = await opened();
    core.beginExecution(a.id);
    expect(() => core.beginExecution(a.id)).toThrow(expect.objectContaining({ code: 'ALREADY_RUNNING' }));
  });

  it('lets a shared package serve several executions at once', async () => {
    const { core, a } = await opened({ 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] });
    const lib = core.resolveReference(a.id, 'lib.pkg.yaml');
    const one = core.beginExecution(lib.id);
    const two = core.beginExecution(lib.id);
    expect(core.sharedView(lib.id)?.running).toBe(true);
    one.end('done');
    expect(core.getInstance(lib.id)?.running).toBe(true);
    two.end('done');
    expect(core.getInstance(lib.id)?.running).toBe(false);
  });

  it('stops a package by aborting its signal with the reason, and it runs until the engine ends it', async () => {
    const { core, a, events } = await opened();
    const exec = core.beginExecution(a.id);
    expect(core.stopPackage(a.id, 'stopped by administrator root')).toBe(true);
    expect(exec.signal.aborted).toBe(true);
    expect(exec.signal.reason).toBe('stopped by administrator root');
    expect(core.getInstance(a.id)).toMatchObject({ running: true, stopping: true });
    expect(events.at(-1)).toMatchObject({ type: 'execution-stopping', reason: 'stopped by administrator root' });
    exec.end('cancelled');
    expect(core.getInstance(a.id)).toMatchObject({ running: false, stopping: false });
    expect(events.at(-1)).toMatchObject({ type: 'execution-ended', outcome: 'cancelled' });
  });

  it('says nothing was stopped when the package is not executing', async () => {
    const { core, a } = await opened();
    expect(core.stopPackage(a.id)).toBe(false);
    const exec = core.beginExecution(a.id);
    core.stopPackage(a.id);
    expect(core.stopPackage(a.id)).toBe(false);
    exec.end('cancelled');
  });

  it('leaves the session idle after a package is stopped if nothing else runs, running otherwise', async () => {
    const { core, sid, a } = await opened();
    const b = await core.openPackage(sid, 'b.pkg.yaml');
    const ea = core.beginExecution(a.id);
    const eb = core.beginExecution(b.id);
    core.stopPackage(a.id);
    ea.end('cancelled');
    expect(core.getSession(sid)?.running).toBe(true);
    core.stopPackage(b.id);
    eb.end('cancelled');
    expect(core.getSession(sid)?.running).toBe(false);
  });

  it('stops every package of a session and only of that session', async () => {
    const { core, sid, a, session } = await opened();
    const b = await core.openPackage(sid, 'b.pkg.yaml');
    const other = await core.openPackage(session('bob'), 'a.pkg.yaml');
    const [ea, eb, eo] = [a, b, other].map((p) => core.beginExecution(p.id));
    expect(core.stopSession(sid, 'stop all')).toBe(2);
    expect([ea.signal.aborted, eb.signal.aborted, eo.signal.aborted]).toEqual([true, true, false]);
    expect(core.stopSession(sid)).toBe(0);
  });

  it('stops a checked-out pool instance with its session', async () => {
    const k = makeKit({ files: { 'p.pkg.yaml': [] } });
    const sid = k.session('svc', ['batch']);
    const p = await k.core.checkout('p.pkg.yaml', sid);
    const exec = k.core.beginExecution(p.id);
    expect(k.core.getSession(sid)?.running).toBe(true);
    expect(k.core.stopSession(sid)).toBe(1);
    expect(exec.signal.aborted).toBe(true);
  });

  it('routes an abort asked by the adapter (client gone) through the same path', async () => {
    const { core, a, events } = await opened();
    const exec = core.beginExecution(a.id);
    exec.abort('client disconnected');
    expect(exec.signal.reason).toBe('client disconnected');
    expect(events.at(-1)).toMatchObject({ type: 'execution-stopping', instanceId: a.id });
  });

  it("cancels through the caller's controller when given one, telling the stop once however it comes", async () => {
    const { core, a, events } = await opened();
    const stopping = () => events.filter((e) => e.type === 'execution-stopping');
    // Aborted by the caller itself (its timeout, its client gone), not through the core.
    const call = new CancelSource();
    const exec = core.beginExecution(a.id, { controller: call });
    expect(exec.signal).toBe(call.signal);
    call.abort('timed out after 1 s');
    expect(stopping()).toEqual([expect.objectContaining({ reason: 'timed out after 1 s', executionId: exec.id })]);
    expect(core.stopPackage(a.id)).toBe(false);
    exec.end('cancelled');
    // Stopped through the core: the caller's controller carries the administrator's reason.
    const second = new CancelSource();
    const again = core.beginExecution(a.id, { controller: second });
    expect(core.stopPackage(a.id, 'stopped by administrator root')).toBe(true);
    expect(second.signal.reason).toBe('stopped by administrator root');
    expect(stopping().map((e) => e.type === 'execution-stopping' && e.executionId)).toEqual([exec.id, again.id]);
    again.end('cancelled');
    expect(core.getInstance(a.id)).toMatchObject({ running: false, stopping: false });
  });

  it('ignores a second end and progress after the end', async () => {
    const { core, a, events } = await opened();
    const exec = core.beginExecution(a.id);
    exec.end('done');
    const count = events.length;
    exec.end('failed');
    exec.setProgress({ percent: 50, node: 'n', nodeStartedAt: 0, nodesDone: 0, nodesTotal: 1 });
    expect(events.length).toBe(count);
  });

  it('aborts the execution of a package being closed and ignores its late end', async () => {
    const { core, a, events } = await opened();
    const exec = core.beginExecution(a.id);
    core.closePackage(a.id);
    expect(exec.signal.aborted).toBe(true);
    const count = events.length;
    exec.end('cancelled');
    expect(events.length).toBe(count);
  });
});
