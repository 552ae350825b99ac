// The running-time watchdog on the real core with a hand-driven clock: the limit stops only what ran too long, the idle timeout closes only idle Studio sessions.
import { DEFAULT_PARAMETERS, type ServerParameters } from '@flowport/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { makeKit } from '../../test/support/core-kit';
import type { FlowportCore } from '../core';
import type { AuditInput } from '../db/audit-log';
import type { EngineHandle } from '../workspace/engine-handle';
import { runningLimitError, RunningWatchdog, watchOf } from './running-watchdog';
import { SessionCloser } from './session-closer';

function setUp(p: Partial<ServerParameters>) {
  const k = makeKit({ files: { 'a.pkg.yaml': [], 'b.pkg.yaml': [], 's.pkg.yaml': [] } });
  const core = k.core as unknown as FlowportCore<EngineHandle>;
  const backups: string[][] = [];
  const closer = new SessionCloser({
    core,
    backup: async (_s, instances) => {
      const names = instances.map((i) => `${i.name}.bak`);
      backups.push(names);
      return names;
    },
  });
  const audit: AuditInput[] = [];
  const params = { ...DEFAULT_PARAMETERS, ...p };
  const dog = new RunningWatchdog({
    core,
    closer,
    params: () => params,
    audit: (e) => audit.push(e),
    log: pino({ level: 'silent' }),
    now: () => k.clock.now(),
  });
  return { k, dog, audit, backups, params };
}

describe('RunningWatchdog', () => {
  it('stops only the executions past the running limit, with the reason, audited as by the server', async () => {
    const { k, dog, audit } = setUp({ runningLimitSeconds: 10 });
    const sid = k.session();
    const a = await k.core.openPackage(sid, 'a.pkg.yaml');
    const b = await k.core.openPackage(sid, 'b.pkg.yaml');
    const old = k.core.beginExecution(a.id);
    k.clock.advance(6000);
    const young = k.core.beginExecution(b.id);
    expect(dog.check().stopped).toBe(0);
    k.clock.advance(5000);
    expect(dog.check().stopped).toBe(1);
    expect(old.signal.aborted).toBe(true);
    expect(old.signal.reason).toBe('stopped by the server: running limit 10 s');
    expect(young.signal.aborted).toBe(false);
    // Stopping already: not stopped (nor audited) twice.
    expect(dog.check().stopped).toBe(0);
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'server',
        action: 'package.stop',
        outcome: 'ok',
        details: expect.objectContaining({ reason: 'running limit 10 s', by: 'server', runningSeconds: 11 }),
      }),
    ]);
    expect(runningLimitError(old.signal.reason)?.message).toContain('runningLimitSeconds');
    expect(runningLimitError('user')).toBeUndefined();
  });

  it('does nothing at 0 (off), the default', async () => {
    const { k, dog } = setUp({});
    const sid = k.session();
    const a = await k.core.openPackage(sid, 'a.pkg.yaml');
    k.core.beginExecution(a.id);
    k.clock.advance(86_400_000);
    expect(dog.check()).toEqual({ stopped: 0, closing: 0 });
  });

  it('closes idle Studio sessions with their backups, never a running or another kind of session', async () => {
    const { k, dog, audit, backups } = setUp({ studioIdleTimeoutSeconds: 60 });
    const idle = k.session();
    const edited = await k.core.openPackage(idle, 'a.pkg.yaml');
    k.core.markDirty(edited.id, true);
    const busy = k.session('bob');
    const running = await k.core.openPackage(busy, 'b.pkg.yaml');
    k.core.beginExecution(running.id);
    const manager = k.core.openSession({ user: 'admin', roles: ['admin'], host: 'h', kind: 'manager' }).id;
    const fresh = k.session('cid');
    k.clock.advance(50_000);
    k.core.touchSession(fresh);
    k.clock.advance(20_000);
    expect(dog.check().closing).toBe(1);
    // Its close is under way: a second pass does not close it again.
    expect(dog.check().closing).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(k.core.getSession(idle)).toBeUndefined();
    for (const id of [busy, manager, fresh]) expect(k.core.getSession(id)).toBeDefined();
    expect(backups).toEqual([[`${edited.name}.bak`]]);
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'server',
        action: 'session.close',
        target: `ann:${idle}`,
        details: expect.objectContaining({ reason: 'idle 60 s', by: 'server', backups: [`${edited.name}.bak`] }),
      }),
    ]);
    expect(k.events.find((e) => e.type === 'session-closed')).toMatchObject({
      reason: 'timeout',
      by: 'the server (idle 60 s)',
    });
  });

  it('tells the page its parameters', () => {
    expect(watchOf({ ...DEFAULT_PARAMETERS, runningLimitSeconds: 600 })).toEqual({
      warnSeconds: 60,
      alertSeconds: 300,
      limitSeconds: 600,
      idleSeconds: 0,
    });
  });
});
