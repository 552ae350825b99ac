// Three real server processes on one real PostgreSQL and one real Redis, sharing one storage: one Session Manager for all nodes.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ManagerSnapshot, ServerStats, ServerStatsSample } from '@flowport/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSocket } from './helpers/live-socket';
import {
  call,
  loginOver,
  PROCESS_ADMIN_PASSWORD,
  startServer,
  stopServer,
  type HttpLogin,
  type ServerProcess,
} from './helpers/server-process';
import { startPostgres, type TestPostgres } from './support/postgres';
import { startRedis, type TestRedis } from './support/redis';

let postgres: TestPostgres;
let redis: TestRedis;
const dirs: string[] = [];
const servers: ServerProcess[] = [];
let storage: string;
let databaseUrl: string;

const REPO = path.resolve(__dirname, '../../..');
const wsOf = (url: string) => url.replace(/^http/, 'ws');

/** A node: `flowport serve` with a data directory of its own, the shared database, Redis and storage. */
async function node(name: string): Promise<ServerProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `flowport-${name}-`));
  dirs.push(dir);
  const s = await startServer(dir, {
    FLOWPORT_DATABASE_URL: databaseUrl,
    FLOWPORT_REDIS_URL: redis.url,
    FLOWPORT_NODE_NAME: name,
    FLOWPORT_STORAGE_DIR: storage,
  });
  servers.push(s);
  return s;
}

/** Polls `probe` until it returns something truthy (or fails after `ms`, saying what was awaited). */
async function until<T>(what: string, probe: () => Promise<T | false | null | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const snapshot = async (s: ServerProcess, login: HttpLogin) =>
  (await call(s.url, login, 'GET', '/api/manager/snapshot')).body as unknown as ManagerSnapshot;

let A: ServerProcess;
let B: ServerProcess;
let C: ServerProcess;
let admin: { A: HttpLogin; B: HttpLogin; C: HttpLogin };

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  databaseUrl = await postgres.createDatabase('cluster_redis');
  storage = mkdtempSync(path.join(os.tmpdir(), 'flowport-shared-storage-'));
  dirs.push(storage);
  mkdirSync(path.join(storage, 'demo'));
  for (const f of ['hello.pkg.yaml', 'long-aggregation.pkg.yaml'])
    cpSync(path.join(REPO, 'examples/storage/demo', f), path.join(storage, 'demo', f));
  // One node creates the first administrator, then the other two join.
  A = await node('node-a');
  [B, C] = await Promise.all([node('node-b'), node('node-c')]);
  admin = { A: await loginOver(A.url), B: await loginOver(B.url), C: await loginOver(C.url) };
}, 180_000);

afterAll(async () => {
  for (const s of servers) await stopServer(s, 'SIGTERM');
  await redis?.close();
  await postgres?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A Studio session on a node with a package open; `run` starts the long query. */
async function studioOn(s: ServerProcess, login: HttpLogin, file: string) {
  const opened = await call(s.url, login, 'POST', '/api/sessions');
  expect(opened.status).toBe(201);
  const sid = opened.body.id as string;
  const pkg = await call(s.url, login, 'POST', `/api/sessions/${sid}/packages`, { path: file });
  expect(pkg.status).toBe(201);
  const pid = pkg.body.id as string;
  const get = async () => (await call(s.url, login, 'GET', `/api/sessions/${sid}/packages/${pid}`)).body;
  return {
    sid,
    pid,
    get,
    async run() {
      expect((await call(s.url, login, 'POST', `/api/sessions/${sid}/packages/${pid}/run`, {})).status).toBe(202);
      await until('the run started', async () => (await get()).running === true);
    },
  };
}

describe('three nodes, one Session Manager', { timeout: 120_000 }, () => {
  it('every node lists the three nodes, live, each with its pool', async () => {
    for (const [s, l] of [
      [A, admin.A],
      [B, admin.B],
      [C, admin.C],
    ] as const) {
      const snap = await until('three live nodes', async () => {
        const x = await snapshot(s, l);
        return x.nodes?.filter((n) => n.state === 'live').length === 3 && x;
      });
      expect(snap.degraded).toBe(false);
      expect(snap.nodes!.map((n) => n.name)).toEqual(['node-a', 'node-b', 'node-c']);
      expect(snap.nodes!.every((n) => n.pool.max === 10)).toBe(true);
      expect(snap.nodes!.filter((n) => n.self).map((n) => n.name)).toEqual([snap.node]);
    }
  });

  it("the server panel on node C shows every node: the others' history and their live samples", async () => {
    // A node samples every 5 s: within 15 s every node has taken at least one sample after its base.
    const stats = await until(
      'the other nodes in the server panel',
      async () => {
        const s = (await call(C.url, admin.C, 'GET', '/api/manager/stats')).body as unknown as ServerStats;
        const others = s.others ?? [];
        return others.length === 2 && others.every((o) => o.samples.length > 0) && s;
      },
      15_000,
    );
    expect(stats.node).toBe('node-c');
    expect(stats.others!.map((o) => o.node).sort()).toEqual(['node-a', 'node-b']);
    for (const o of stats.others!) {
      const last = o.samples[o.samples.length - 1]!;
      expect(last.rssBytes).toBeGreaterThan(0);
      expect(Date.now() - last.t).toBeLessThan(15 * 60_000);
    }
    const feed = liveSocket(`${wsOf(C.url)}/api/manager/live`, { cookie: admin.C.headers.cookie! });
    await feed.opened;
    const frame = await feed.waitFor((f) => f.type === 'stats' && f.node === 'node-a', 12_000);
    const historyEnd = stats.others!.find((o) => o.node === 'node-a')!.samples.at(-1)!.t;
    expect((frame.data as { sample: ServerStatsSample }).sample.t).toBeGreaterThanOrEqual(historyEnd);
    feed.ws.close();
  });

  it("a Studio session on node A running a long query is on node C's snapshot and live feed, with its node", async () => {
    const feed = liveSocket(`${wsOf(C.url)}/api/manager/live`, { cookie: admin.C.headers.cookie! });
    await feed.opened;
    const s = await studioOn(A, admin.A, 'demo/long-aggregation.pkg.yaml');
    const upsert = await feed.waitFor(
      (f) => f.type === 'delta' && JSON.stringify(f.upsertSessions).includes(s.sid),
      10_000,
    );
    expect(upsert.data).toMatchObject({ node: 'node-a' });
    expect((upsert.data.upsertSessions as { id: string; node: string }[]).find((x) => x.id === s.sid)!.node).toBe(
      'node-a',
    );
    await s.run();
    const running = await until('the run shown running on node C', async () => {
      const row = (await snapshot(C, admin.C)).sessions.find((x) => x.id === s.sid);
      return row?.running && row;
    });
    expect(running).toMatchObject({ node: 'node-a', running: true });
    expect(running.packages[0]).toMatchObject({ id: s.pid, node: 'node-a', running: true });

    // Stop sent to node C: the run on node A ends cancelled.
    const stop = await call(C.url, admin.C, 'POST', `/api/manager/sessions/${s.sid}/stop`);
    expect(stop.status).toBe(200);
    expect(stop.body).toEqual({ stopped: 1 });
    const after = await until('the run ended', async () => {
      const p = await s.get();
      return p.running === false && p;
    });
    expect((after.nodes as { state: string }[]).some((n) => n.state === 'cancelled')).toBe(true);
    // The audit row names the administrator's node and the owner.
    const audit = (await call(B.url, admin.B, 'GET', '/api/manager/audit?limit=5')).body.entries as {
      action: string;
      details: Record<string, unknown>;
      outcome: string;
    }[];
    expect(audit.find((e) => e.action === 'session.stop')).toMatchObject({
      outcome: 'ok',
      details: { id: s.sid, node: 'node-c', owner: 'node-a' },
    });
    // A stop of nothing running is that node's answer, 409.
    const again = await call(C.url, admin.C, 'POST', `/api/manager/sessions/${s.sid}/stop`);
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('NOT_RUNNING');
    feed.ws.close();
  });

  it('session and package ids are unique across the nodes: each starts with its node', async () => {
    const nodes = [
      { name: 'node-a', s: A, l: admin.A },
      { name: 'node-b', s: B, l: admin.B },
      { name: 'node-c', s: C, l: admin.C },
    ];
    const opened = await Promise.all(
      nodes.map(async (n) => ({ ...n, ...(await studioOn(n.s, n.l, 'demo/hello.pkg.yaml')) })),
    );
    for (const o of opened) {
      expect(o.sid.startsWith(`${o.name}.`)).toBe(true);
      expect(o.pid.startsWith(`${o.name}.`)).toBe(true);
    }
    const all = await until('the three sessions on node C', async () => {
      const snap = await snapshot(C, admin.C);
      return opened.every((o) => snap.sessions.some((x) => x.id === o.sid)) && snap;
    });
    const ids = [...all.sessions.map((x) => x.id), ...all.sessions.flatMap((x) => x.packages.map((p) => p.id))];
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of opened) expect((await call(o.s.url, o.l, 'DELETE', `/api/sessions/${o.sid}`)).status).toBe(204);
  });

  it('Close from node B removes a session of node A', async () => {
    const s = await studioOn(A, admin.A, 'demo/hello.pkg.yaml');
    await until('node B sees the session', async () =>
      (await snapshot(B, admin.B)).sessions.some((x) => x.id === s.sid),
    );
    const closed = await call(B.url, admin.B, 'POST', `/api/manager/sessions/${s.sid}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ closed: 1 });
    expect((await snapshot(A, admin.A)).sessions.some((x) => x.id === s.sid)).toBe(false);
    await until('gone from node C too', async () => (await snapshot(C, admin.C)).sessions.every((x) => x.id !== s.sid));
  });

  it("Clear package pool for all empties every node's pool", async () => {
    const basic = { authorization: `Basic ${Buffer.from(`admin:${PROCESS_ADMIN_PASSWORD}`).toString('base64')}` };
    for (const s of [A, B, C]) {
      const res = await call(s.url, { headers: basic }, 'POST', '/integrator/v1/demo/hello.pkg.yaml/greeting', {
        inputs: { names: [{ name: 'n' }] },
      });
      expect(res.status).toBe(200);
    }
    const full = await until('a pooled instance on every node', async () => {
      const snap = await snapshot(B, admin.B);
      const nodes = new Set(snap.pool.items.map((i) => i.node));
      return nodes.size === 3 && snap;
    });
    expect(full.pool.items.every((i) => i.path === 'demo/hello.pkg.yaml')).toBe(true);
    const cleared = await call(B.url, admin.B, 'POST', '/api/manager/pool/clear');
    expect(cleared.status).toBe(200);
    expect(cleared.body.removed).toBe(3);
    expect(cleared.body.nodes).toEqual(
      expect.arrayContaining([
        { node: 'node-a', removed: 1 },
        { node: 'node-b', removed: 1 },
        { node: 'node-c', removed: 1 },
      ]),
    );
    for (const [s, l] of [
      [A, admin.A],
      [C, admin.C],
    ] as const)
      await until('an empty pool everywhere', async () => (await snapshot(s, l)).pool.items.length === 0);
    // One node only, and a node that is not there.
    const one = await call(A.url, admin.A, 'POST', '/api/manager/pool/clear?node=node-c');
    expect(one.body).toEqual({ removed: 0, nodes: [{ node: 'node-c', removed: 0 }] });
    const none = await call(A.url, admin.A, 'POST', '/api/manager/pool/clear?node=node-z');
    expect(none.status).toBe(404);
    expect(none.body.error?.message).toMatch(/node-z/);
  });

  it('a node that does not answer within 2 s: the administrator gets an error naming it', async () => {
    const s = await studioOn(B, admin.B, 'demo/hello.pkg.yaml');
    await until('node A sees the session', async () =>
      (await snapshot(A, admin.A)).sessions.some((x) => x.id === s.sid),
    );
    B.child.kill('SIGSTOP');
    try {
      const started = Date.now();
      const res = await call(A.url, admin.A, 'POST', `/api/manager/sessions/${s.sid}/close`);
      expect(res.status).toBe(504);
      expect(res.body.error).toMatchObject({ code: 'NODE_UNREACHABLE' });
      expect(res.body.error!.message).toMatch(/node-b/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    } finally {
      B.child.kill('SIGCONT');
    }
  });

  it("kill -9 of node B: its rows leave the others' view within 10 s, shown lost; back, it appears again", async () => {
    const s = await studioOn(B, admin.B, 'demo/hello.pkg.yaml');
    await until('node C sees the session', async () =>
      (await snapshot(C, admin.C)).sessions.some((x) => x.id === s.sid),
    );
    const feed = liveSocket(`${wsOf(A.url)}/api/manager/live`, { cookie: admin.A.headers.cookie! });
    await feed.opened;
    await stopServer(B, 'SIGKILL');
    const killedAt = Date.now();
    for (const [n, l] of [
      [A, admin.A],
      [C, admin.C],
    ] as const) {
      const snap = await until(
        'node B lost and its rows gone',
        async () => {
          const x = await snapshot(n, l);
          return x.nodes?.find((m) => m.name === 'node-b')?.state === 'lost' && x;
        },
        10_000,
      );
      expect(snap.sessions.some((x) => x.node === 'node-b')).toBe(false);
    }
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const removal = await feed.waitFor(
      (f) => f.type === 'delta' && f.node === 'node-b' && JSON.stringify(f.removeSessions).includes(s.sid),
      1000,
    );
    expect(removal.data).toMatchObject({ nodePool: [] });
    feed.ws.close();

    // Node B comes back (a new process of the same name): live again everywhere, its new sessions listed.
    B = await node('node-b');
    admin.B = await loginOver(B.url);
    const again = await studioOn(B, admin.B, 'demo/hello.pkg.yaml');
    for (const [n, l] of [
      [A, admin.A],
      [C, admin.C],
    ] as const)
      await until(
        'node B live again with its new session',
        async () => {
          const x = await snapshot(n, l);
          return (
            x.nodes?.find((m) => m.name === 'node-b')?.state === 'live' &&
            x.sessions.some((r) => r.id === again.sid && r.node === 'node-b')
          );
        },
        10_000,
      );
  });

  it('Redis stopped: the nodes keep serving, the view says degraded; the cluster view returns with Redis', async () => {
    const s = await studioOn(C, admin.C, 'demo/hello.pkg.yaml');
    await until('node A sees the session of node C', async () =>
      (await snapshot(A, admin.A)).sessions.some((x) => x.id === s.sid),
    );
    const feed = liveSocket(`${wsOf(A.url)}/api/manager/live`, { cookie: admin.A.headers.cookie! });
    await feed.opened;
    await redis.stop();
    await feed.waitFor((f) => f.type === 'delta' && f.degraded === true, 10_000);
    const degraded = await snapshot(A, admin.A);
    expect(degraded.degraded).toBe(true);
    expect(degraded.nodes).toEqual([expect.objectContaining({ name: 'node-a', state: 'live', self: true })]);
    expect(degraded.sessions.some((x) => x.id === s.sid)).toBe(false);
    // Node A still serves its own users, live: a session opened now is on its page.
    const local = await studioOn(A, admin.A, 'demo/hello.pkg.yaml');
    await feed.waitFor((f) => f.type === 'delta' && JSON.stringify(f.upsertSessions).includes(local.sid), 5000);
    // Node C too.
    expect((await snapshot(C, admin.C)).sessions.some((x) => x.id === s.sid)).toBe(true);

    await redis.start();
    const back = await until(
      'the cluster view back on node A',
      async () => {
        const x = await snapshot(A, admin.A);
        return !x.degraded && x.sessions.some((y) => y.id === s.sid) && x;
      },
      15_000,
    );
    expect(back.nodes!.find((n) => n.name === 'node-c')).toMatchObject({ state: 'live' });
    await feed.waitFor((f) => f.type === 'delta' && f.degraded === false, 5000);
    feed.ws.close();
  });
});
