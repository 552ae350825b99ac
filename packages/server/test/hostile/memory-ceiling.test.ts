// Hostile: the one-call queries DuckDB cannot be interrupted in (the exact forms), against a real server process
// under its memory ceiling: they fail with a clear error, the process stays up, another session keeps its work.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlPackage, writePackage } from '../helpers/hostile-helpers';
import { basicAuth } from '../helpers/integration-helpers';
import {
  call,
  loginOver,
  PROCESS_ADMIN_PASSWORD,
  startServer,
  stopServer,
  type HttpLogin,
  type ServerProcess,
} from '../helpers/server-process';

const CEILING_MB = 3072;
const MiB = 1024 * 1024;

let dataDir: string;
let server: ServerProcess;
let admin: HttpLogin;
const basic = { authorization: basicAuth('admin', PROCESS_ADMIN_PASSWORD) };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-ceiling-'));
  writePackage(dataDir, 'hostile/repeat.pkg.yaml', sqlPackage('Repeat', 'big', "SELECT repeat('x', 2000000000) AS s"));
  writePackage(dataDir, 'hostile/list.pkg.yaml', sqlPackage('List', 'big', 'SELECT list(range(500000000)) AS l'));
  writePackage(
    dataDir,
    'hostile/small.pkg.yaml',
    sqlPackage('Small', 'sum', 'SELECT sum(range) AS s FROM range(1000)'),
  );
  server = await startServer(dataDir, { FLOWPORT_PROCESS_MEMORY_LIMIT: String(CEILING_MB) });
  admin = await loginOver(server.url);
}, 120_000);
afterAll(async () => {
  if (server) await stopServer(server);
  rmSync(dataDir, { recursive: true, force: true });
});

const integrator = (pkg: string, node: string) =>
  call(server.url, { headers: basic }, 'POST', `/integrator/v1/${pkg}/${node}`, {});
const dataLimit = () =>
  Number(/^Max data size\s+(\d+)/m.exec(readFileSync(`/proc/${server.child.pid}/limits`, 'utf8'))![1]);
const alive = () => server.child.exitCode === null && server.child.signalCode === null;

describe('the memory ceiling of the process', () => {
  it('is set on the process as its soft data-segment limit, and logged', async () => {
    expect(dataLimit()).toBe(CEILING_MB * MiB);
    const log = () => readFileSync(path.join(dataDir, 'logs', 'flowport.log'), 'utf8');
    await expect.poll(log, { timeout: 10_000 }).toContain('"ceiling":"3072 MB"');
    // And on /metrics, beside the data segment it bounds.
    const metrics = (await call(server.url, admin, 'GET', '/metrics')).text;
    expect(metrics).toMatch(
      new RegExp(`^flowport_process_memory_ceiling_bytes(\\{[^}]*\\})? ${CEILING_MB * MiB}$`, 'm'),
    );
    const data = Number(/^flowport_process_data_bytes(?:\{[^}]*\})? (\d+)$/m.exec(metrics)?.[1]);
    expect(data).toBeGreaterThan(0);
    expect(data).toBeLessThan(CEILING_MB * MiB);
  });

  it.each([
    ["SELECT repeat('x', 2000000000)", 'hostile/repeat.pkg.yaml'],
    ['SELECT list(range(500000000))', 'hostile/list.pkg.yaml'],
  ])(
    '%s fails with MEMORY_LIMIT; the server, a Studio session and other calls go on',
    async (_sql, pkg) => {
      // A designer's session with a result, open throughout.
      const session = await call(server.url, admin, 'POST', '/api/sessions');
      expect(session.status).toBe(201);
      const sid = session.body.id as string;
      const opened = await call(server.url, admin, 'POST', `/api/sessions/${sid}/packages`, {
        path: 'hostile/small.pkg.yaml',
      });
      const pid = opened.body.id as string;
      expect((await call(server.url, admin, 'POST', `/api/sessions/${sid}/packages/${pid}/run`, {})).status).toBe(202);
      const rows = async () =>
        (await call(server.url, admin, 'GET', `/api/sessions/${sid}/packages/${pid}/nodes/sum/rows`)).body;
      await expect.poll(async () => (await rows()).total, { timeout: 30_000 }).toBe(1);
      const before = await rows();

      const started = Date.now();
      const res = await integrator(pkg, 'big');
      expect(res.status).toBe(507);
      expect(res.body.error?.code).toBe('MEMORY_LIMIT');
      expect(res.body.error?.message).toMatch(
        /^Node "big" asked for more memory at once than the server process may take: Out of Memory Error: .+\. The server process may take 3072 MB in all \(start-up option processMemoryLimitMB\)\. Make the query hold less at once/,
      );
      expect(res.body.error?.details).toMatchObject({ limit: 'process', ceilingBytes: CEILING_MB * MiB });
      expect(Date.now() - started).toBeLessThan(60_000);

      expect(alive()).toBe(true);
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      const small = await integrator('hostile/small.pkg.yaml', 'sum');
      expect(small.status).toBe(200);
      expect(small.body.rows).toEqual([{ s: 499500 }]);
      expect(await rows()).toEqual(before);
      const snap = await call(server.url, admin, 'GET', '/api/manager/snapshot');
      expect((snap.body.sessions as { id: string }[]).some((s) => s.id === sid)).toBe(true);

      const audit = await call(server.url, admin, 'GET', '/api/manager/audit?limit=100');
      const entry = (
        audit.body.entries as { actor: string; target?: string; details?: Record<string, unknown> }[]
      ).find((e) => e.actor === 'server' && e.target?.includes(pkg));
      expect(entry?.details).toMatchObject({
        reason: 'stopped by the server: memory',
        limit: 'process',
        ceilingBytes: CEILING_MB * MiB,
      });
      await call(server.url, admin, 'DELETE', `/api/sessions/${sid}`);
    },
    120_000,
  );

  it('refuses a bad value at start, naming the option', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-ceiling-bad-'));
    try {
      await expect(startServer(dir, { FLOWPORT_PROCESS_MEMORY_LIMIT: '12' })).rejects.toThrow(
        /environment variable FLOWPORT_PROCESS_MEMORY_LIMIT: processMemoryLimitMB must be a whole number of megabytes, 0 \(none\) or at least 256/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
