// What the core tells its metrics: counts of its state, and every execution's end with its stop.
import { describe, expect, it } from 'vitest';
import { makeKit } from '../../test/support/core-kit';
import { CancelSource, type SettledExecution } from './execution';

const FILES = { 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [], 'p.pkg.yaml': [] };

describe('counts', () => {
  it('counts sessions by kind, instances by owner, running executions and the pool', async () => {
    const k = makeKit({ files: FILES, poolSize: 3 });
    const studio = k.session();
    const call = k.core.openSession({ user: 'ian', roles: ['batch'], host: 'h', kind: 'integrator' }).id;
    const a = await k.core.openPackage(studio, 'a.pkg.yaml');
    const pooled = await k.core.checkout('p.pkg.yaml', call);
    const exec = k.core.beginExecution(pooled.id);
    k.core.beginExecution(a.id);
    // An administrator's Session Manager connection is a session too (kind manager), running nothing.
    k.core.openSession({ user: 'admin', roles: ['admin'], host: 'h', kind: 'manager' });
    expect(k.core.counts()).toEqual({
      sessions: { studio: 1, integrator: 1, batch: 0, manager: 1 },
      running: { studio: 1, integrator: 1, batch: 0, manager: 0, none: 0 },
      instances: { session: 1, shared: 1, pool: 1 },
      pool: { capacity: 3, idle: 0, checkedOut: 1, hits: 0, misses: 1 },
    });
    exec.end('done');
    k.core.release(pooled.id);
    k.core.closeSession(call, 'client');
    const again = k.core.openSession({ user: 'ian', roles: ['batch'], host: 'h', kind: 'batch' }).id;
    await k.core.checkout('p.pkg.yaml', again);
    expect(k.core.counts()).toMatchObject({
      sessions: { studio: 1, integrator: 0, batch: 1 },
      running: { studio: 1, integrator: 0, batch: 0 },
      pool: { idle: 0, checkedOut: 1, hits: 1, misses: 1 },
    });
    expect(k.core.listInstances()).toHaveLength(3);
  });
});

describe('settled executions', () => {
  function watch(k: ReturnType<typeof makeKit>) {
    const settled: SettledExecution[] = [];
    k.core.onExecutionSettled((e) => settled.push(e));
    return settled;
  }

  it('tells an execution that ran to its end, with its session kind and times', async () => {
    const k = makeKit({ files: FILES });
    const settled = watch(k);
    const a = await k.core.openPackage(k.session(), 'a.pkg.yaml');
    const exec = k.core.beginExecution(a.id);
    const started = k.clock.t;
    k.clock.advance(40);
    exec.end('done');
    expect(settled).toEqual([
      {
        id: exec.id,
        instanceId: a.id,
        sessionKind: 'studio',
        startedAt: started,
        endedAt: started + 40,
        outcome: 'done',
        stoppedAt: null,
        stopReason: null,
        node: null,
        user: expect.any(String),
        packageName: a.name,
        path: 'a.pkg.yaml',
        error: null,
      },
    ]);
  });

  it('tells when a stop came and when the engine ended, also after the session closed', async () => {
    const k = makeKit({ files: FILES });
    const settled = watch(k);
    const sid = k.session();
    const a = await k.core.openPackage(sid, 'a.pkg.yaml');
    const exec = k.core.beginExecution(a.id);
    k.clock.advance(10);
    const stopAt = k.clock.t;
    k.core.closeSession(sid, 'administrator', 'root');
    // The instance is gone: no execution-ended event comes, but the end is still told.
    k.clock.advance(25);
    exec.end('cancelled');
    expect(k.events.some((e) => e.type === 'execution-ended')).toBe(false);
    expect(settled).toMatchObject([
      {
        sessionKind: 'studio',
        outcome: 'cancelled',
        stoppedAt: stopAt,
        endedAt: stopAt + 25,
        stopReason: expect.stringContaining('closed (administrator)'),
      },
    ]);
  });

  it('times an abort through the caller’s controller, and a close with the reason given', async () => {
    const k = makeKit({ files: FILES });
    const settled = watch(k);
    const call = k.core.openSession({ user: 'ian', roles: ['batch'], host: 'h', kind: 'integrator' }).id;
    const pooled = await k.core.checkout('p.pkg.yaml', call);
    const controller = new CancelSource();
    const exec = k.core.beginExecution(pooled.id, { controller });
    const abortAt = k.clock.advance(5);
    controller.abort('the caller disconnected');
    k.clock.advance(7);
    exec.end('cancelled');
    expect(settled[0]).toMatchObject({
      sessionKind: 'integrator',
      stoppedAt: abortAt,
      stopReason: 'the caller disconnected',
    });

    const a = await k.core.openPackage(k.session(), 'a.pkg.yaml');
    const second = k.core.beginExecution(a.id);
    k.core.closePackage(a.id, 'closed by administrator root');
    second.end('cancelled');
    expect(settled[1]).toMatchObject({ stopReason: 'closed by administrator root' });
    const b = await k.core.openPackage(k.session(), 'a.pkg.yaml');
    const third = k.core.beginExecution(b.id);
    k.core.closePackage(b.id);
    third.end('cancelled');
    expect(settled[2]).toMatchObject({ stopReason: 'package closed' });
  });

  it('reports a throwing listener and carries on', async () => {
    const k = makeKit({ files: FILES });
    k.core.onExecutionSettled(() => {
      throw new Error('listener bug');
    });
    const settled = watch(k);
    const a = await k.core.openPackage(k.session(), 'a.pkg.yaml');
    k.core.beginExecution(a.id).end('failed');
    expect(settled).toMatchObject([{ outcome: 'failed' }]);
    expect(k.listenerErrors).toEqual([expect.objectContaining({ message: 'listener bug' })]);
  });
});
