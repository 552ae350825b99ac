// A call's cancellation: each way it ends early gives its own answer; an unexplained stop is the server's.
import { describe, expect, it } from 'vitest';
import type { CancelSource } from '../core';
import { DomainError } from '../shared/domain-error';
import {
  CALLER_GONE,
  CallCancellation,
  isCancellationCode,
  SERVER_STOPPING,
  type InFlightCalls,
} from './call-cancellation';

const failed = new Error('the package failed');

function gate(): InFlightCalls & { calls: Set<CancelSource>; stop(): void } {
  const calls = new Set<CancelSource>();
  return {
    closing: false,
    calls,
    track(c) {
      calls.add(c);
      return () => calls.delete(c);
    },
    stop() {
      for (const c of calls) c.abort(SERVER_STOPPING);
    },
  };
}

describe('CallCancellation', () => {
  it('passes an error through while nothing cancelled the call', () => {
    const c = new CallCancellation();
    c.watch({ timeoutMs: 60_000 });
    expect(c.cancelled).toBe(false);
    expect(c.explain(failed)).toBe(failed);
    c.dispose();
  });

  it('answers TIMEOUT once the time is up, and aborts the controller', async () => {
    const c = new CallCancellation();
    c.watch({ timeoutMs: 5 });
    await new Promise((r) => setTimeout(r, 20));
    expect(c.cancelled).toBe(true);
    expect(c.expired).toBe(true);
    expect(c.explain(failed)).toMatchObject({ code: 'TIMEOUT', details: { timeoutSeconds: 0.005 } });
    c.dispose();
  });

  it('answers EXECUTION_CANCELLED naming the caller when it went away', () => {
    const c = new CallCancellation();
    c.callerGone();
    expect(c.signal.reason).toBe(CALLER_GONE);
    const err = c.explain(failed);
    expect(err).toMatchObject({ code: 'EXECUTION_CANCELLED' });
    expect((err as Error).message).toContain(CALLER_GONE);
    expect(isCancellationCode((err as DomainError).code)).toBe(true);
  });

  it('answers SHUTTING_DOWN when the server stops, and is tracked only until disposed', () => {
    const g = gate();
    const c = new CallCancellation();
    c.watch({ inFlight: g });
    expect(g.calls.size).toBe(1);
    g.stop();
    expect(c.explain(failed)).toMatchObject({ code: 'SHUTTING_DOWN' });
    c.dispose();
    expect(g.calls.size).toBe(0);
  });

  it('says a cancellation it did not cause was a stop on the server', () => {
    const c = new CallCancellation();
    const stop = new DomainError('EXECUTION_CANCELLED', 'stopped by administrator ann');
    c.controller.abort('stopped by administrator ann');
    const err = c.explainExecution(stop) as DomainError;
    expect(err.code).toBe('EXECUTION_CANCELLED');
    expect(err.message).toMatch(/stopped on the server.*stopped by administrator ann/);
    expect(c.explainExecution(failed)).toBe(failed);
    expect(isCancellationCode('PACKAGE_INVALID')).toBe(false);
  });
});
