// SIGTERM to the real server process: calls in flight get a JSON 503, unsaved work is backed up, the process exits in time.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShutdownGate } from '../../src/http/shutdown-gate';
import { basicAuth, waitFor } from '../helpers/integration-helpers';
import {
  call,
  loginOver,
  PROCESS_ADMIN_PASSWORD,
  startServer,
  stopServer,
  type ServerProcess,
} from '../helpers/server-process';
import { login, makeTestApp } from '../helpers/test-app';

const LONG = 'demo/long-aggregation.pkg.yaml';
const EXAMPLES = path.resolve(__dirname, '../../../../examples/storage');
const admin = { headers: { authorization: basicAuth('admin', PROCESS_ADMIN_PASSWORD) } };

let dataDir: string;
let server: ServerProcess | undefined;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-shutdown-'));
  mkdirSync(path.join(dataDir, 'storage/demo'), { recursive: true });
  copyFileSync(path.join(EXAMPLES, LONG), path.join(dataDir, 'storage', LONG));
});
afterAll(async () => {
  if (server) await stopServer(server);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Reads a batch stream to its end: its events, one JSON object a line. */
async function readStream(res: Response): Promise<{ type: string; [k: string]: unknown }[]> {
  const text = await res.text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string });
}

describe('SIGTERM', () => {
  it(
    'answers an Integrator call and a batch run in flight with SHUTTING_DOWN, backs up a draft and exits within the stop timeout',
    { timeout: 180_000 },
    async () => {
      server = await startServer(dataDir);
      const { url } = server;
      // A Studio session with unsaved work, which the shutdown must not lose.
      const studio = await loginOver(url);
      const sid = (await call(url, studio, 'POST', '/api/sessions')).body.id as string;
      const draft = await call(url, studio, 'POST', `/api/sessions/${sid}/packages`, {
        draft: { yaml: 'name: Unsaved work\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1 AS x\n' },
      });
      expect(draft.status).toBe(201);

      const integrator = fetch(`${url}/integrator/v1/${LONG}/totals`, {
        method: 'POST',
        headers: { ...admin.headers, 'content-type': 'application/json' },
        body: '{}',
      });
      const batch = await fetch(`${url}/api/batch/runs`, {
        method: 'POST',
        headers: { ...admin.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ package: LONG, node: 'totals' }),
      });
      expect(batch.status).toBe(200);
      const batchEvents = readStream(batch);
      // Both calls are executing: their sessions show in the manager, running.
      await waitFor(
        'the Integrator call and the batch run executing',
        async () => {
          const snap = (await call(url, admin, 'GET', '/api/manager/snapshot')).body as {
            sessions: { kind: string; running: boolean }[];
          };
          const running = snap.sessions.filter((s) => s.running).map((s) => s.kind);
          return running.includes('integrator') && running.includes('batch');
        },
        60_000,
      );

      const sent = Date.now();
      server.child.kill('SIGTERM');
      const answer = await integrator;
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toContain('application/json');
      const body = (await answer.json()) as {
        error: { code: string; message: string; details: { requestId: string } };
      };
      expect(body.error.code).toBe('SHUTTING_DOWN');
      expect(body.error.message).toMatch(/shutting down: the call was cancelled/);
      expect(body.error.details.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const events = await batchEvents;
      expect(events[0]).toMatchObject({ type: 'started' });
      expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'cancelled', error: { code: 'SHUTTING_DOWN' } });

      // A call made now is refused with the same error while the server drains, or finds nobody listening.
      const late = await fetch(`${url}/api/health`).then(
        async (r) => ({ status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code }),
        () => ({ status: 0, code: 'refused' }),
      );
      expect([503, 0]).toContain(late.status);
      expect(['SHUTTING_DOWN', 'refused']).toContain(late.code);

      const { code } = await server.exited;
      server = undefined;
      expect(code).toBe(0);
      // serverStopTimeoutSeconds is 10 by default.
      expect(Date.now() - sent).toBeLessThan(10_000);
      const backups = readdirSync(path.join(dataDir, 'backups'), { recursive: true }).map(String);
      expect(backups.some((f) => f.endsWith('-Unsaved_work.pkg.yaml'))).toBe(true);
    },
  );

  it('answers requests that arrive while the server stops with a JSON 503, and new calls with SHUTTING_DOWN', async () => {
    const t = await makeTestApp();
    const session = await login(t.app);
    const gate = t.app.services.inFlight as ShutdownGate;
    expect(await gate.close(0)).toEqual({ cancelled: 0, unanswered: 0 });
    for (const url of ['/api/health', '/api/manager/snapshot', `/integrator/v1/${LONG}/totals`]) {
      const res = await t.app.inject({
        url,
        method: url.startsWith('/integrator') ? 'POST' : 'GET',
        headers: session.headers,
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers.connection).toBe('close');
      expect(res.json().error).toMatchObject({
        code: 'SHUTTING_DOWN',
        message: expect.stringMatching(/takes no new requests/),
      });
    }
    await t.close();
  });
});
