// Bench helpers: the server child, autocannon runs with per-request bodies, manager-snapshot sampling and tables.
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { BENCH_ADMIN_PASSWORD, type BenchServerReady } from './integrator-server';

export interface BenchServer {
  base: string;
  bareBase: string;
  /** The server process, for reading its CPU time. */
  pid: number;
  admin: string;
  /** A bearer token of the administrator (cheap per request, unlike HTTP Basic's password hashing). */
  bearer: string;
  setPoolSize(n: number): Promise<void>;
  setParameters(values: Record<string, number | string>): Promise<void>;
  clearPool(): Promise<void>;
  snapshot(): Promise<{
    pool: { max: number; items: unknown[]; hits: number; misses: number };
    sessions: { kind: string }[];
  }>;
  stop(): Promise<void>;
}

/**
 * Bundles the bench server the way `npm run build` bundles the server (esbuild, dependencies left
 * to node_modules) and answers the bundle's path: the server is measured as it ships, not through
 * tsx's on-the-fly compilation, whose helpers (`__name` around every function made) cost ~10 %.
 */
async function bundleBenchServer(): Promise<string> {
  const outdir = await bundleLikeTheServer({
    'integrator-server': 'bench/integrator-server.ts',
    // Started beside the bundle, as dist/parse-worker.js beside dist/main.js.
    'parse-worker': 'packages/server/src/engine/parse-worker.ts',
  });
  return `${outdir}/integrator-server.mjs`;
}

/**
 * Bundles entry points (name: path from the repository root) into packages/server/dist/bench as
 * `npm run build` bundles the server, with the documentation pages' files beside them (read beside
 * the bundle, as beside dist/main.js); answers the folder.
 */
export async function bundleLikeTheServer(entries: Record<string, string>): Promise<string> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const serverPkg = JSON.parse(readFileSync(`${root}packages/server/package.json`, 'utf8')) as {
    dependencies: Record<string, string>;
  };
  // Inside packages/server, so the bundle resolves the server's own dependencies as main.js does.
  const outdir = `${root}packages/server/dist/bench`;
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, `${root}${file}`])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: Object.keys(serverPkg.dependencies).filter((d) => !d.startsWith('@flowport/')),
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  cpSync(`${root}packages/server/src/http/docs`, `${outdir}/docs`, { recursive: true });
  return outdir;
}

export async function startBenchServer(): Promise<BenchServer> {
  const child: ChildProcess = fork(await bundleBenchServer(), [], {
    execArgv: process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<BenchServerReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as BenchServerReady));
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${ready.port}`;
  const admin = `Basic ${Buffer.from(`admin:${BENCH_ADMIN_PASSWORD}`).toString('base64')}`;
  const tokenRes = await fetch(`${base}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
  });
  const bearer = `Bearer ${((await tokenRes.json()) as { token: string }).token}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: bearer, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    base,
    bareBase: `http://127.0.0.1:${ready.barePort}`,
    pid: child.pid!,
    admin,
    bearer,
    setPoolSize: async (n) => void (await api('PUT', '/api/admin/parameters', { packagePoolSize: n })),
    setParameters: async (values) => void (await api('PUT', '/api/admin/parameters', values)),
    clearPool: async () => void (await api('POST', '/api/manager/pool/clear')),
    snapshot: () => api('GET', '/api/manager/snapshot'),
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
    },
  };
}

export interface LoadResult {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** CPU time the server process spent per request (all its threads), when `serverPid` was given. */
  cpuUs?: number;
  /** The part of it spent by the main thread (JavaScript and the event loop); the rest is DuckDB's and libuv's threads. */
  mainCpuUs?: number;
}

export interface LoadOptions {
  label: string;
  url: string;
  /** The body of the i-th request (varied, so each call computes). */
  body: (i: number) => string;
  headers?: Record<string, string>;
  /** POST (default) with the body, or GET without one. */
  method?: 'POST' | 'GET';
  connections: number;
  seconds: number;
  timeoutSeconds?: number;
  /** The server's process: its CPU time over the run is divided by the requests answered. */
  serverPid?: number;
}

/** A process's CPU time so far (user + system, all threads) in microseconds, from /proc (Linux). */
export function processCpuUs(pid: number): number {
  return statCpuUs(`/proc/${pid}/stat`);
}

/** The CPU time of a process's main thread (its thread id is the process id) in microseconds. */
export function mainThreadCpuUs(pid: number): number {
  return statCpuUs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuUs(file: string): number {
  // Fields after the command name: state is the 1st, utime the 12th, stime the 13th (clock ticks).
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux the bench runs on (sysconf is not reachable from Node). */
const CLOCK_TICKS = 100;

export async function load(o: LoadOptions): Promise<LoadResult> {
  let i = 0;
  const cpuBefore = o.serverPid === undefined ? 0 : processCpuUs(o.serverPid);
  const mainBefore = o.serverPid === undefined ? 0 : mainThreadCpuUs(o.serverPid);
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: o.timeoutSeconds ?? 30,
    requests: [
      o.method === 'GET'
        ? { method: 'GET', headers: { ...o.headers } }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...o.headers },
            setupRequest: (req) => ({ ...req, body: o.body(i++) }),
          },
    ],
  });
  return {
    label: o.label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpuUs:
      o.serverPid === undefined
        ? undefined
        : (processCpuUs(o.serverPid) - cpuBefore) / Math.max(1, result.requests.total),
    mainCpuUs:
      o.serverPid === undefined
        ? undefined
        : (mainThreadCpuUs(o.serverPid) - mainBefore) / Math.max(1, result.requests.total),
  };
}

/** Times GET calls of `fetchOnce` every `everyMs` until stopped; p50/p99 of their latencies. */
export function sampleLatency(fetchOnce: () => Promise<unknown>, everyMs = 100) {
  const times: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        await fetchOnce();
        times.push(performance.now() - t0);
      } catch {
        failures++;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const s = [...times].sort((a, b) => a - b);
      const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
      return { samples: s.length, failures, p50: q(0.5), p99: q(0.99), max: s.at(-1) ?? NaN };
    },
  };
}

/** The middle value (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  process.stdout.write(`\n${title}\n`);
  if (!rows.length) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? '').length)));
  const line = (vals: string[]) => `| ${vals.map((v, k) => v.padEnd(widths[k]!)).join(' | ')} |`;
  process.stdout.write(`${line(cols)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map((c) => cell(r[c] ?? '')))}\n`);
}

/** A scoring request with two applicants that differ from call to call (so results depend on this call). */
export function scoringBody(i: number): string {
  const id = (i * 7919) % 900_000;
  return JSON.stringify({
    inputs: {
      applicants: [
        { id: id + 1, income: 30_000 + (i % 50) * 1000, age: 20 + (i % 40) },
        { id: id + 2, income: 80_000 - (i % 30) * 500, age: 30 + (i % 25) },
      ],
    },
  });
}

/** A greeting request with a name that differs from call to call. */
export function greetingBody(i: number): string {
  return JSON.stringify({ inputs: { names: [{ name: `caller ${i}` }] } });
}
