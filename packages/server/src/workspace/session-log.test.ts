import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CoreEvent, CoreEventBody, CoreListener } from '../core';
import { SessionLog, type CallOutcome } from './session-log';

/** A core that only tells events, with one session and one instance to describe. */
function setup() {
  let listener: CoreListener = () => undefined;
  const lines: Record<string, unknown>[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const core = {
    on: (l: CoreListener) => ((listener = l), () => undefined),
    getSession: (id: string) =>
      id === 's1' ? { id, name: 'ian:s1', host: '127.0.0.1', kind: 'integrator', requestId: 'r1' } : undefined,
    getInstance: () => ({ name: 'Hello', path: 'demo/hello.pkg.yaml', version: '1.0.0' }),
  };
  const log = new SessionLog(core as never, pino({ level: 'info' }, out));
  const tell = (body: CoreEventBody) =>
    listener({ ...body, version: 1, at: 0, affects: { sessions: [], shared: [], pool: false } } as CoreEvent);
  return { log, tell, lines };
}

const OUTCOME: CallOutcome = {
  kind: 'integrator',
  user: 'ian',
  host: '127.0.0.1',
  path: 'demo/hello.pkg.yaml',
  node: 'greeting',
  outcome: 'done',
  ms: 3,
};

describe('the session lines of the log', () => {
  it('writes a call’s outcome on its session’s close line, and a loan from the pool below info', () => {
    const { log, tell, lines } = setup();
    tell({ type: 'session-opened', sessionId: 's1' });
    tell({ type: 'package-opened', instanceId: 'p1', sessionId: 's1', reused: true });
    expect(log.callEnded('s1', OUTCOME)).toBe(true);
    tell({ type: 'session-closed', sessionId: 's1', reason: 'client' });
    expect(lines.map((l) => l.msg)).toEqual(['session opened', 'session closed']);
    expect(lines[1]).toMatchObject({ session: 'ian:s1', requestId: 'r1', reason: 'client', ...OUTCOME });
  });

  it('logs a loaded package at info, and says a call ended after its session was closed can log its own line', () => {
    const { log, tell, lines } = setup();
    tell({ type: 'session-opened', sessionId: 's1' });
    tell({ type: 'package-opened', instanceId: 'p1', sessionId: 's1' });
    tell({ type: 'session-closed', sessionId: 's1', reason: 'administrator', by: 'admin' });
    expect(log.callEnded('s1', OUTCOME)).toBe(false);
    expect(lines.map((l) => l.msg)).toEqual(['session opened', 'package opened', 'session closed']);
    expect(lines[2]).toMatchObject({ session: 'ian:s1', reason: 'administrator', by: 'admin' });
    expect(lines[2]).not.toHaveProperty('outcome');
  });
});
