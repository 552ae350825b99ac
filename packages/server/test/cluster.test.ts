// Two real server processes on one real PostgreSQL and one storage folder: users, logins, revocation, parameters, the audit log and the package files' records are one server's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedWithin, liveSocket } from './helpers/live-socket';
import { call, loginOver, startServer, stopServer, type HttpLogin, type ServerProcess } from './helpers/server-process';
import { startPostgres, type TestPostgres } from './support/postgres';

let postgres: TestPostgres;
const dirs: string[] = [];
const servers: ServerProcess[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  storage = mkdtempSync(path.join(os.tmpdir(), 'flowport-storage-'));
  dirs.push(storage);
});
afterAll(async () => {
  for (const s of servers) await stopServer(s, 'SIGTERM');
  await postgres?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The storage every node mounts. */
let storage = '';

/** A node: `flowport serve` on a data directory of its own, sharing the database `url` and the storage. */
async function node(url: string): Promise<ServerProcess & { dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-node-'));
  dirs.push(dir);
  const s = await startServer(dir, { FLOWPORT_DATABASE_URL: url, FLOWPORT_STORAGE_DIR: storage });
  servers.push(s);
  return { ...s, dir };
}

/** The messages of a node's JSON log (written at least every half second). */
async function logMessages(dir: string): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 700));
  const file = path.join(dir, 'logs', 'flowport.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { msg: string }).msg);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

const wsOf = (url: string) => url.replace(/^http/, 'ws');

describe('two nodes on one PostgreSQL', { timeout: 180_000 }, () => {
  let url: string;
  let one: ServerProcess & { dir: string };
  let two: ServerProcess & { dir: string };

  it('start at once and migrate once; one of them creates the first administrator', async () => {
    url = await postgres.createDatabase('cluster');
    [one, two] = await Promise.all([node(url), node(url)]);
    const migrations = await query<{ version: number; applied_by: string }>(url, 'SELECT * FROM flowport_migrations');
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3]);
    const pids = [one.child.pid, two.child.pid].map((p) => `pid ${p}`);
    expect(pids).toContain(migrations[0]!.applied_by);
    expect(await query(url, 'SELECT name FROM users')).toEqual([{ name: 'admin' }]);
    const logs = [await logMessages(one.dir), await logMessages(two.dir)];
    const count = (msg: string) => logs.filter((l) => l.includes(msg)).length;
    expect(count('shared state in PostgreSQL')).toBe(2);
    expect(count('PostgreSQL schema migrated')).toBe(1);
    expect(count('first administrator created')).toBe(1);
  });

  it('a user added on node 1 logs in on node 2', async () => {
    const admin1 = await loginOver(one.url);
    const added = await call(one.url, admin1, 'POST', '/api/admin/users', {
      name: 'ann',
      password: 'ann-password-1',
      roles: ['design', 'admin'],
    });
    expect(added.status).toBe(201);
    const ann2 = await loginOver(two.url, 'ann', 'ann-password-1');
    expect((await call(two.url, ann2, 'GET', '/api/auth/me')).body).toMatchObject({ user: { name: 'ann' } });
  });

  it('a login from node 1 is valid on node 2, cookie and bearer token', async () => {
    const ann1 = await loginOver(one.url, 'ann', 'ann-password-1');
    const me = await call(two.url, ann1, 'GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { name: 'ann' } });
    const token = await fetch(`${one.url}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ann', password: 'ann-password-1' }),
    });
    const bearer = { headers: { authorization: `Bearer ${((await token.json()) as { token: string }).token}` } };
    expect((await call(two.url, bearer, 'GET', '/api/auth/me')).status).toBe(200);
    // A state-changing call on node 2 with node 1's cookie and CSRF token.
    const put = await call(two.url, ann1, 'PUT', '/api/admin/parameters', { userSessionLimit: 21 });
    expect(put.status).toBe(200);
  });

  it('a logout on node 1 ends the login on node 2 too', async () => {
    const ann1 = await loginOver(one.url, 'ann', 'ann-password-1');
    expect((await call(two.url, ann1, 'GET', '/api/auth/me')).status).toBe(200);
    expect((await call(one.url, ann1, 'POST', '/api/auth/logout')).status).toBeLessThan(300);
    const until = Date.now() + 1000;
    let status = 200;
    while (status === 200 && Date.now() < until) {
      status = (await call(two.url, ann1, 'GET', '/api/auth/me')).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });

  it("a block on node 2 ends node 1's logins and live sockets within a second", async () => {
    const ann1 = await loginOver(one.url, 'ann', 'ann-password-1');
    const socket = liveSocket(`${wsOf(one.url)}/api/manager/live`, { cookie: ann1.headers.cookie! });
    await socket.opened;
    const admin2 = await loginOver(two.url);
    const blocked = await call(two.url, admin2, 'PUT', '/api/admin/users/ann', { blocked: true });
    expect(blocked.status).toBe(200);
    const answeredAt = Date.now();
    const closed = await closedWithin(socket, 1000);
    expect(closed.at - answeredAt).toBeLessThan(1000);
    expect((await call(one.url, ann1, 'GET', '/api/auth/me')).status).toBe(401);
    expect(await query(url, "SELECT token_hash FROM logins WHERE user_name = 'ann'")).toEqual([]);
  });

  it('a parameter set on node 1 applies on node 2 within a second', async () => {
    const admin1 = await loginOver(one.url);
    const admin2 = await loginOver(two.url);
    expect((await call(one.url, admin1, 'PUT', '/api/admin/parameters', { packagePoolSize: 3 })).status).toBe(200);
    const until = Date.now() + 1000;
    let seen: unknown;
    while (Date.now() < until) {
      seen = (await call(two.url, admin2, 'GET', '/api/admin/parameters')).body;
      if ((seen as { packagePoolSize?: number }).packagePoolSize === 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toMatchObject({ packagePoolSize: 3 });
  });

  it('an execution finished on node 1 is listed by node 2', async () => {
    const admin1 = await loginOver(one.url);
    const sid = (await call(one.url, admin1, 'POST', '/api/sessions')).body.id as string;
    const opened = await call(one.url, admin1, 'POST', `/api/sessions/${sid}/packages`, {
      draft: { yaml: 'name: Cluster history\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1 AS x\n' },
    });
    expect(opened.status).toBe(201);
    const run = await call(
      one.url,
      admin1,
      'POST',
      `/api/sessions/${sid}/packages/${opened.body.id as string}/run`,
      {},
    );
    expect(run.status).toBeLessThan(300);
    const admin2 = await loginOver(two.url);
    let listed: { package: string; outcome: string; user: string }[] = [];
    for (const end = Date.now() + 10_000; Date.now() < end;) {
      const res = await call(two.url, admin2, 'GET', '/api/manager/executions?search=Cluster%20history');
      listed = res.body.executions as typeof listed;
      if (listed.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toMatchObject([{ package: 'Cluster history', outcome: 'done', user: 'admin' }]);
  });

  it("keeps node 1's Created of a package through node 2's save, and refuses node 2's stale save naming node 1's", async () => {
    const admin1 = await loginOver(one.url);
    await call(one.url, admin1, 'POST', '/api/admin/users', {
      name: 'dora',
      password: 'dora-password-1',
      roles: ['design'],
    });
    const dora1 = await loginOver(one.url, 'dora', 'dora-password-1');
    const admin2 = await loginOver(two.url);
    const source = (sql: string) => `name: Shared file\nnodes:\n  - id: a\n    kind: sql\n    sql: ${sql}\n`;
    const P = 'shared/file.pkg.yaml';
    /** Opens `P` in a new Studio session of `who` on `at`. */
    const open = async (at: string, who: HttpLogin) => {
      const sid = (await call(at, who, 'POST', '/api/sessions')).body.id as string;
      const opened = await call(at, who, 'POST', `/api/sessions/${sid}/packages`, { path: P });
      expect(opened.status).toBe(201);
      const pkg = opened.body as { id: string; createdAt: string; fileVersion: string };
      return { sid, ...pkg, base: `/api/sessions/${sid}/packages/${pkg.id}` };
    };
    const edit = async (at: string, who: HttpLogin, p: { base: string }, sql: string, baseVersion: string) => {
      expect((await call(at, who, 'PUT', `${p.base}/source`, { yaml: source(sql) })).status).toBe(200);
      return call(at, who, 'POST', `${p.base}/save`, { baseVersion });
    };

    // Node 1 creates the file and saves it again: the file on disk is the second save's.
    const sid = (await call(one.url, dora1, 'POST', '/api/sessions')).body.id as string;
    const draft = await call(one.url, dora1, 'POST', `/api/sessions/${sid}/packages`, {
      draft: { yaml: source('SELECT 1 AS x') },
    });
    const created = await call(
      one.url,
      dora1,
      'POST',
      `/api/sessions/${sid}/packages/${draft.body.id as string}/save`,
      { path: P },
    );
    expect(created.status).toBe(200);
    const createdAt = created.body.createdAt as string;
    await new Promise((r) => setTimeout(r, 30));
    const onOne = await open(one.url, dora1);
    expect((await edit(one.url, dora1, onOne, 'SELECT 2 AS x', onOne.fileVersion)).body).toMatchObject({ createdAt });

    // Node 2 opens it and saves it again: Created is node 1's, in the save's answer and the listing.
    const onTwo = await open(two.url, admin2);
    expect(onTwo.createdAt).toBe(createdAt);
    await new Promise((r) => setTimeout(r, 30));
    const saved2 = await edit(two.url, admin2, onTwo, 'SELECT 3 AS x', onTwo.fileVersion);
    expect(saved2.status).toBe(200);
    expect(saved2.body.createdAt).toBe(createdAt);
    const snapshot = (await call(two.url, admin2, 'GET', '/api/manager/snapshot')).body as {
      sessions: { packages: { path: string | null; createdAt: string | null }[] }[];
    };
    const listed = snapshot.sessions.flatMap((s) => s.packages).filter((p) => p.path === P);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((p) => p.createdAt === createdAt)).toBe(true);

    // A save on node 2 over the version it opened, after node 1 saved: 409 naming node 1's save.
    const stale = await open(two.url, admin2);
    const latest = await open(one.url, dora1);
    const saved1 = await edit(one.url, dora1, latest, 'SELECT 4 AS x', latest.fileVersion);
    expect(saved1.status).toBe(200);
    const refused = await edit(two.url, admin2, stale, 'SELECT 5 AS x', stale.fileVersion);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'SAVE_CONFLICT',
      details: { path: P, savedBy: 'dora', at: saved1.body.savedAt, fileVersion: saved1.body.fileVersion },
    });
    expect(refused.body.error!.message).toContain(`was saved by dora at ${saved1.body.savedAt as string}`);
  });

  it("keeps both nodes' audit rows in one log, in order", async () => {
    const admin1 = await loginOver(one.url);
    const admin2 = await loginOver(two.url);
    for (let i = 0; i < 3; i++) {
      expect((await call(one.url, admin1, 'PUT', '/api/admin/parameters', { userSessionLimit: 30 + i })).status).toBe(
        200,
      );
      expect((await call(two.url, admin2, 'PUT', '/api/admin/parameters', { adminSessionLimit: 130 + i })).status).toBe(
        200,
      );
    }
    const fromOne = (await call(one.url, admin1, 'GET', '/api/manager/audit?limit=6')).body.entries as {
      id: number;
      details: { values: Record<string, number> };
    }[];
    const fromTwo = (await call(two.url, admin2, 'GET', '/api/manager/audit?limit=6')).body.entries;
    // Node 2's entries come over node 1's live feed too.
    const feed = liveSocket(`${wsOf(one.url)}/api/manager/live`, { cookie: admin1.headers.cookie! });
    await feed.opened;
    expect((await call(two.url, admin2, 'PUT', '/api/admin/parameters', { adminSessionLimit: 140 })).status).toBe(200);
    const frame = await feed.waitFor(
      (f) => f.type === 'audit' && JSON.stringify(f.entry).includes('"adminSessionLimit":140'),
      1000,
    );
    expect(frame.data).toMatchObject({ entry: { actor: 'admin', action: 'parameters.update', outcome: 'ok' } });
    feed.ws.close();
    expect(fromTwo).toEqual(fromOne);
    expect(fromOne.map((e) => e.details.values).reverse()).toEqual([
      { userSessionLimit: 30 },
      { adminSessionLimit: 130 },
      { userSessionLimit: 31 },
      { adminSessionLimit: 131 },
      { userSessionLimit: 32 },
      { adminSessionLimit: 132 },
    ]);
  });

  it('a new password ends the other logins on every node; the login it was set from carries on on both', async () => {
    const from = await loginOver(one.url);
    const other = await loginOver(two.url);
    // Both logins known to both nodes.
    for (const l of [from, other])
      for (const n of [one, two]) expect((await call(n.url, l, 'GET', '/api/auth/me')).status).toBe(200);
    const changed = await call(one.url, from, 'PUT', '/api/admin/users/admin', { password: 'admin-password-2' });
    expect(changed.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    for (const n of [one, two]) {
      expect((await call(n.url, other, 'GET', '/api/auth/me')).status).toBe(401);
      expect((await call(n.url, from, 'GET', '/api/auth/me')).status).toBe(200);
    }
  });

  it('is ready while PostgreSQL answers, and says the database fails when it is gone', async () => {
    const ready = await fetch(`${one.url}/api/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: { ok: true } } });
    await postgres.stop();
    const gone = await fetch(`${one.url}/api/health/ready`);
    expect(gone.status).toBe(503);
    const body = (await gone.json()) as { error: { details: { failing: string[] } } };
    expect(body.error.details.failing).toEqual(['database']);
  });
});
