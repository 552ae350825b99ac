// The flowport command against PostgreSQL: migrate-data from a single server's data directory, then users and params beside a running node.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettledExecution } from '../src/core/execution';
import { dataPaths } from '../src/data-dir';
import { openSqliteState } from '../src/db/sqlite-state';
import { call, loginOver, startServer, stopServer, type ServerProcess } from './helpers/server-process';
import { startPostgres, type TestPostgres } from './support/postgres';

const BIN = path.resolve(__dirname, '../bin/flowport.mjs');
let postgres: TestPostgres;
const dirs: string[] = [];
let server: ServerProcess | undefined;

beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  if (server) await stopServer(server, 'SIGTERM');
  await postgres?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'flowport-cli-pg-'));
  dirs.push(d);
  return d;
};

/** Runs the command without blocking the event loop (a server of this test answers meanwhile). */
function flowport(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, FLOWPORT_FROM_SOURCE: '1', NEW_PW: 'cli-password-1', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

describe('flowport migrate-data, users and params on PostgreSQL', { timeout: 180_000 }, () => {
  it("copies a single server's users, parameters, audit log, history and file records, then manages them beside a running node", async () => {
    // A single server's data directory, made by the command itself.
    const single = tempDir();
    const local = { FLOWPORT_DATA_DIR: single };
    expect((await flowport(local, 'users', 'add', 'admin', '--roles', 'admin', '--password-env', 'NEW_PW')).code).toBe(
      0,
    );
    expect((await flowport(local, 'users', 'add', 'ann', '--roles', 'design', '--password-env', 'NEW_PW')).code).toBe(
      0,
    );
    expect((await flowport(local, 'users', 'block', 'ann')).code).toBe(0);
    expect((await flowport(local, 'params', 'set', 'packagePoolSize=4')).code).toBe(0);
    // An execution the single server recorded in its history.
    const sqlite = openSqliteState(dataPaths(single).database);
    await sqlite.history.add({
      id: 'x1',
      user: 'ann',
      sessionKind: 'integrator',
      packageName: 'Copied run',
      path: 'demo/copied.pkg.yaml',
      node: 'a',
      startedAt: 1_700_000_000_000,
      endedAt: 1_700_000_000_040,
      outcome: 'done',
      error: null,
      stopReason: null,
    } as SettledExecution);
    // A package the single server knows to have been created long before its file's last atomic save.
    const createdMs = 1_600_000_000_000;
    mkdirSync(path.join(single, 'storage', 'demo'), { recursive: true });
    writeFileSync(
      path.join(single, 'storage', 'demo', 'kept.pkg.yaml'),
      'name: Kept\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1 AS x\n',
    );
    sqlite.files.createdAt('demo/kept.pkg.yaml', createdMs);
    await sqlite.files.save('demo/kept.pkg.yaml', async () => ({
      user: 'ann',
      atMs: 1_700_000_000_000,
      fileVersion: 'v1',
    }));
    await sqlite.close();

    const url = await postgres.createDatabase('cli');
    const copied = await flowport({}, 'migrate-data', '--from', single, '--to', url);
    expect(copied.err).toBe('');
    expect(copied.out).toContain(
      'Copied 2 users, 1 parameters, 4 audit entries, 1 executions and 1 package file records.',
    );
    const again = await flowport({}, 'migrate-data', '--from', single, '--to', url);
    expect(again.code).toBe(2);
    expect(again.err).toContain('has users or audit entries already');

    const shared = { FLOWPORT_DATABASE_URL: url };
    expect((await flowport(shared, 'users', 'list')).out).toMatch(/ann\s+design\s+blocked/);
    expect((await flowport({}, 'params', 'get', 'packagePoolSize', '--database-url', url)).out.trim()).toBe(
      'packagePoolSize=4',
    );

    // A node on the cluster's database: the copied administrator logs in with the copied password.
    // Its storage is the cluster's mount now.
    server = await startServer(tempDir(), { ...shared, FLOWPORT_STORAGE_DIR: path.join(single, 'storage') });
    const admin = await loginOver(server.url, 'admin', 'cli-password-1');
    expect((await call(server.url, admin, 'GET', '/api/admin/parameters')).body).toMatchObject({ packagePoolSize: 4 });
    expect((await call(server.url, admin, 'GET', '/api/manager/executions')).body).toMatchObject({
      executions: [{ id: 'x1', package: 'Copied run', user: 'ann', durationMs: 40 }],
    });
    // The copied record keeps the package's Created on the node.
    const sid = (await call(server.url, admin, 'POST', '/api/sessions')).body.id as string;
    const kept = await call(server.url, admin, 'POST', `/api/sessions/${sid}/packages`, { path: 'demo/kept.pkg.yaml' });
    expect(kept.status).toBe(201);
    expect(kept.body.createdAt).toBe(new Date(createdMs).toISOString());

    expect((await flowport(shared, 'users', 'unblock', 'ann')).code).toBe(0);
    const ann = await loginOver(server.url, 'ann', 'cli-password-1');
    expect((await flowport(shared, 'params', 'set', 'packagePoolSize=6')).code).toBe(0);
    const params = await until(
      async () => (await call(server!.url, admin, 'GET', '/api/admin/parameters')).body,
      (b) => b.packagePoolSize === 6,
      1000,
    );
    expect(params).toMatchObject({ packagePoolSize: 6 });
    // A block by the command ends the node's login of ann within a second.
    expect((await flowport(shared, 'users', 'block', 'ann')).code).toBe(0);
    const me = await until(
      async () => (await call(server!.url, ann, 'GET', '/api/auth/me')).status,
      (s) => s === 401,
      1000,
    );
    expect(me).toBe(401);

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ id: string; action: string; actor: string }>(
      'SELECT id, action, actor FROM audit_log ORDER BY id',
    );
    await c.end();
    expect(rows.map((r) => `${r.id} ${r.actor} ${r.action}`)).toEqual([
      '1 cli user.create',
      '2 cli user.create',
      '3 cli user.update',
      '4 cli parameters.update',
      '5 cli user.update',
      '6 cli parameters.update',
      '7 cli user.update',
    ]);
  });
});
