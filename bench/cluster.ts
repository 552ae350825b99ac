// Cluster Session Manager: three real nodes on real PostgreSQL and Redis; snapshot time, delta fan-out and Stop latency across nodes.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../packages/server/test/support/postgres';
import { startRedis } from '../packages/server/test/support/redis';

/** Sessions per node and packages per session (the figure: 3,000 × 3); FANOUT and STOPS samples. */
const SESSIONS = Number(process.env.SESSIONS ?? 3000);
const PACKAGES = Number(process.env.PACKAGES ?? 3);
const FANOUT = Number(process.env.FANOUT ?? 100);
const STOPS = Number(process.env.STOPS ?? 30);
const CONCURRENCY = 16;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PASSWORD = 'bench-admin-password-1';

interface ServerProcess {
  url: string;
  child: ChildProcess;
}
interface HttpLogin {
  headers: Record<string, string>;
}

/** `flowport serve` from the sources on a free loopback port; resolves once it listens. */
async function startServer(dataDir: string, env: Record<string, string>, flags: string[] = []): Promise<ServerProcess> {
  const bin = path.join(REPO, 'packages/server/bin/flowport.mjs');
  const args = [
    ...flags,
    bin,
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--seed-examples',
    'false',
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, FLOWPORT_FROM_SOURCE: '1', FLOWPORT_ADMIN_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Flowport listening at (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
  });
  return { url, child };
}

async function stopServer(s: ServerProcess): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

async function call(url: string, login: HttpLogin, method: string, route: string, body?: unknown) {
  const res = await fetch(url + route, {
    method,
    headers: { ...login.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, text };
}

async function loginOver(url: string): Promise<HttpLogin> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  const cookie = /flowport_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { headers: { cookie, 'x-csrf-token': csrfToken } };
}

const q = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
const ms = (n: number) => n.toFixed(1);

async function pool<T>(n: number, work: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function main() {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const dirs: string[] = [];
  const nodes: ServerProcess[] = [];
  try {
    const databaseUrl = await postgres.createDatabase('bench_cluster');
    const storage = mkdtempSync(path.join(os.tmpdir(), 'flowport-bench-storage-'));
    dirs.push(storage);
    mkdirSync(path.join(storage, 'demo'));
    // Three packages to open in every session: copies of the smallest one, plus the long query for the stops.
    for (let k = 0; k < 3; k++)
      cpSync(path.join(REPO, 'examples/storage/demo/hello.pkg.yaml'), path.join(storage, `demo/p${k}.pkg.yaml`));
    cpSync(
      path.join(REPO, 'examples/storage/demo/long-aggregation.pkg.yaml'),
      path.join(storage, 'demo/long.pkg.yaml'),
    );
    const node = async (name: string) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), `flowport-bench-${name}-`));
      dirs.push(dir);
      // CPU_PROF=<dir> [CPU_PROF_NODE=node-a]: that node runs with --cpu-prof (written when it stops).
      const prof = process.env.CPU_PROF && name === (process.env.CPU_PROF_NODE ?? 'node-a');
      const s = await startServer(
        dir,
        {
          FLOWPORT_DATABASE_URL: databaseUrl,
          FLOWPORT_REDIS_URL: redis.url,
          FLOWPORT_NODE_NAME: name,
          FLOWPORT_STORAGE_DIR: storage,
        },
        prof ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] : [],
      );
      nodes.push(s);
      return s;
    };
    const a = await node('node-a');
    const [b, c] = await Promise.all([node('node-b'), node('node-c')]);
    const login: Record<string, HttpLogin> = {};
    for (const s of [a, b, c]) login[s.url] = await loginOver(s.url);
    const limits = {
      adminSessionLimit: 10000,
      adminSessionPackageLimit: 10000,
      sessionPackageLimit: 10000,
      userSessionLimit: 10000,
    };
    if ((await call(a.url, login[a.url]!, 'PUT', '/api/admin/parameters', limits)).status !== 200)
      throw new Error('parameters');
    await new Promise((r) => setTimeout(r, 1500));

    const t0 = performance.now();
    for (const s of [a, b, c])
      await pool(SESSIONS, async () => {
        const opened = await call(s.url, login[s.url]!, 'POST', '/api/sessions');
        if (opened.status !== 201) throw new Error(`open session: ${opened.status} ${opened.text}`);
        for (let k = 0; k < PACKAGES; k++) {
          const p = await call(s.url, login[s.url]!, 'POST', `/api/sessions/${opened.body.id as string}/packages`, {
            path: `demo/p${k % 3}.pkg.yaml`,
          });
          if (p.status !== 201) throw new Error(`open package: ${p.status} ${p.text}`);
        }
      });
    const openSeconds = (performance.now() - t0) / 1000;
    const want = 3 * SESSIONS;
    const wait = Date.now() + 60_000;
    for (;;) {
      const snap = (await call(c.url, login[c.url]!, 'GET', '/api/manager/snapshot')).body as {
        sessions: { node: string }[];
        nodes: unknown;
      };
      if (snap.sessions.length >= want) break;
      if (Date.now() > wait) {
        const per: Record<string, number> = {};
        for (const s of snap.sessions) per[s.node] = (per[s.node] ?? 0) + 1;
        throw new Error(
          `node C sees ${snap.sessions.length} of ${want} sessions: ${JSON.stringify({ per, nodes: snap.nodes })}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }

    // (1) A cluster snapshot on node C, whole HTTP answer.
    const snapTimes: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 9; i++) {
      const s0 = performance.now();
      const res = await fetch(`${c.url}/api/manager/snapshot`, { headers: login[c.url]!.headers });
      bytes = (await res.arrayBuffer()).byteLength;
      snapTimes.push(performance.now() - s0);
    }
    snapTimes.sort((x, y) => x - y);

    // (2) Fan-out: a session opened on node A, until node C's live client has its row.
    const ws = new WebSocket(`${c.url.replace(/^http/, 'ws')}/api/manager/live`, {
      headers: { cookie: login[c.url]!.headers.cookie! },
    });
    const seen = new Map<string, number>();
    ws.on('message', (d) => {
      const text = String(d);
      if (!text.startsWith('{"type":"delta"')) return;
      const at = performance.now();
      for (const m of text.matchAll(/"id":"([0-9A-Za-z]{8})","name":"admin:/g))
        if (!seen.has(m[1]!)) seen.set(m[1]!, at);
    });
    await new Promise((r) => ws.once('open', r));
    await new Promise((r) => setTimeout(r, 3000)); // the first snapshot of 9,000 rows
    const fan: number[] = [];
    for (let i = 0; i < FANOUT; i++) {
      const s0 = performance.now();
      const id = (await call(a.url, login[a.url]!, 'POST', '/api/sessions')).body.id as string;
      while (!seen.has(id)) await new Promise((r) => setTimeout(r, 1));
      fan.push(seen.get(id)! - s0);
    }
    fan.sort((x, y) => x - y);
    ws.close();

    // (3) Stop across nodes: a run on node A stopped through node C, until node A reports it not running.
    const la = login[a.url]!;
    const sid = (await call(a.url, la, 'POST', '/api/sessions')).body.id as string;
    const pid = (await call(a.url, la, 'POST', `/api/sessions/${sid}/packages`, { path: 'demo/long.pkg.yaml' })).body
      .id as string;
    const stopAnswer: number[] = [];
    const stopDone: number[] = [];
    for (let i = 0; i < STOPS; i++) {
      await call(a.url, la, 'POST', `/api/sessions/${sid}/packages/${pid}/run`, {});
      const started = Date.now() + 20_000;
      while (((await call(a.url, la, 'GET', `/api/sessions/${sid}/packages/${pid}`)).body.running as boolean) !== true)
        if (Date.now() > started) throw new Error('the run did not start');
      // Node C knows it runs once A's delta arrived.
      await new Promise((r) => setTimeout(r, 100));
      const s0 = performance.now();
      const res = await call(c.url, login[c.url]!, 'POST', `/api/manager/sessions/${sid}/stop`);
      if (res.status !== 200) throw new Error(`stop: ${res.status} ${res.text}`);
      stopAnswer.push(performance.now() - s0);
      while ((await call(a.url, la, 'GET', `/api/sessions/${sid}/packages/${pid}`)).body.running as boolean) {
        /* polled as fast as the node answers */
      }
      stopDone.push(performance.now() - s0);
    }
    stopAnswer.sort((x, y) => x - y);
    stopDone.sort((x, y) => x - y);

    console.log(
      `\nCluster Session Manager: 3 nodes × ${SESSIONS} sessions × ${PACKAGES} packages (opened in ${openSeconds.toFixed(0)} s through the API)\n`,
    );
    console.log('| measure | samples | p50 ms | p99 ms | max ms |');
    console.log('|---|---|---|---|---|');
    const row = (name: string, xs: number[]) =>
      console.log(`| ${name} | ${xs.length} | ${ms(q(xs, 0.5))} | ${ms(q(xs, 0.99))} | ${ms(xs[xs.length - 1]!)} |`);
    row(`cluster snapshot on node C (${3 * SESSIONS} sessions, ${(bytes / 1e6).toFixed(1)} MB)`, snapTimes);
    row('fan-out: session opened on A → its row on C’s live client', fan);
    row('Stop sent to C → C’s answer (A stopped it)', stopAnswer);
    row('Stop sent to C → the run on A not running', stopDone);
  } finally {
    for (const s of nodes) await stopServer(s);
    await redis.close();
    await postgres.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
