// Soak: N minutes (default 10, --minutes=N) of mixed real load against `flowport serve` as it ships (the esbuild
// bundle, a fresh data directory, the example storage), through the real HTTP and WebSocket API only: Studio
// sessions, Integrator calls, batch runs (routes and the CLI), Session Manager live clients. Prints the server's
// RSS, heap and the operations and errors of each minute, and verdicts on RSS growth and unexpected errors.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  BatchEvent,
  ManagerLiveFrame,
  ManagerSnapshot,
  PackageDto,
  RowsPage,
  SessionCreated,
  SessionEvent,
} from '@flowport/protocol';
import WebSocket from 'ws';
import { bundleLikeTheServer, greetingBody, printTable, processCpuUs, scoringBody } from './integrator-harness';
import type { SoakProbeAnswer } from './soak-probe';

// ---------------------------------------------------------------------------------------------- options

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
const MINUTES = Number(option('minutes') ?? 10);
if (!Number.isInteger(MINUTES) || MINUTES < 1 || MINUTES > 240) {
  process.stderr.write('--minutes=N: a whole number of minutes from 1 to 240\n');
  process.exit(2);
}
const KEEP_DATA = process.argv.includes('--keep-data');
let seed = Number(option('seed') ?? 1) >>> 0;

/** mulberry32: the mix of operations is the same from run to run for one seed (their timing is not). */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The server log's last `lines` lines on stderr, to tell why it died or hung. */
function printLogTail(dataDir: string, lines: number): void {
  const log = path.join(dataDir, 'logs', 'flowport.log');
  if (existsSync(log))
    process.stderr.write(`last log lines:\n${readFileSync(log, 'utf8').split('\n').slice(-lines).join('\n')}\n`);
}

/** Set when the bench stops the server itself: an exit before that is a crash, told at once. */
let stopping = false;
const ADMIN_PASSWORD = 'soak-admin-password';
const USER_PASSWORD = 'soak-user-password';
/** Longest wait for any one request or frame; a wait past it is an unexpected error, so every loop is bounded. */
const REQUEST_TIMEOUT_MS = 60_000;
const MIB = 1024 * 1024;
const RSS_SAMPLE_MS = 2_000;
const CHECK_PERIOD_S = 15;

// ---------------------------------------------------------------------------------------------- counts

class SoakError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface ErrorKind {
  op: string;
  code: string;
  expected: boolean;
  count: number;
  samples: string[];
}

class Counts {
  readonly total = new Map<string, number>();
  minute = new Map<string, number>();
  readonly errors = new Map<string, ErrorKind>();
  minuteExpected = 0;
  minuteUnexpected = 0;
  /** The minute's errors, `expected|UNEXPECTED op code` → count. */
  minuteErrors = new Map<string, number>();
  unexpected = 0;
  private printed = 0;

  op(kind: string, n = 1): void {
    this.total.set(kind, (this.total.get(kind) ?? 0) + n);
    this.minute.set(kind, (this.minute.get(kind) ?? 0) + n);
  }

  error(op: string, code: string, message: string, expected: boolean): void {
    const key = `${op} ${code}`;
    let e = this.errors.get(key);
    if (!e) this.errors.set(key, (e = { op, code, expected, count: 0, samples: [] }));
    e.count++;
    const minuteKey = `${expected ? 'expected' : 'UNEXPECTED'} ${key}`;
    this.minuteErrors.set(minuteKey, (this.minuteErrors.get(minuteKey) ?? 0) + 1);
    if (e.samples.length < 3) e.samples.push(message.slice(0, 300));
    if (expected) this.minuteExpected++;
    else {
      this.minuteUnexpected++;
      this.unexpected++;
      if (this.printed++ < 20)
        process.stderr.write(`  [${elapsed()}] unexpected: ${op} ${code}: ${message.slice(0, 300)}\n`);
    }
  }

  /** The minute's counts, starting the next minute. */
  take(): { ops: Map<string, number>; expected: number; unexpected: number; errors: Map<string, number> } {
    const out = {
      ops: this.minute,
      expected: this.minuteExpected,
      unexpected: this.minuteUnexpected,
      errors: this.minuteErrors,
    };
    this.minute = new Map();
    this.minuteErrors = new Map();
    this.minuteExpected = 0;
    this.minuteUnexpected = 0;
    return out;
  }
}
const counts = new Counts();
const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s`;

/** Runs one operation; its failure is counted by code (expected if listed) and does not end the loop. */
async function guarded(op: string, fn: () => Promise<void>, expected: readonly string[] = []): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const code = err instanceof SoakError ? err.code : 'EXCEPTION';
    counts.error(op, code, (err as Error).message ?? String(err), expected.includes(code));
  }
}

// ---------------------------------------------------------------------------------------------- the server

interface Server {
  base: string;
  child: ChildProcess;
  dataDir: string;
  cli: string;
  stderr: string[];
}

/** Bundles `flowport` (packages/server/src/main.ts) as `npm run build` does, and the memory probe. */
async function bundle(): Promise<{ cli: string; probe: string }> {
  const outdir = await bundleLikeTheServer({
    'soak-flowport': 'packages/server/src/main.ts',
    'soak-probe': 'bench/soak-probe.ts',
  });
  return { cli: `${outdir}/soak-flowport.mjs`, probe: `${outdir}/soak-probe.mjs` };
}

/** The environment without FLOWPORT_* settings of the caller's shell. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FLOWPORT_')) env[k] = v;
  return { ...env, ...extra };
}

async function startServer(): Promise<Server> {
  const { cli, probe } = await bundle();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-soak-'));
  const child = fork(
    cli,
    [
      'serve',
      '--host=127.0.0.1',
      '--port=0',
      `--data-dir=${dataDir}`,
      `--admin-password=${ADMIN_PASSWORD}`,
      `--examples-dir=${ROOT}examples/storage`,
      `--web-dir=${path.join(dataDir, 'no-pages')}`,
    ],
    {
      cwd: ROOT,
      env: cleanEnv(),
      execArgv: ['--import', pathToFileURL(probe).href],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim()) stderr.push(line);
  });
  // A server that dies during the load says why at once (its data directory goes with the bench's end).
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(
      `\nthe server exited during the load: code ${code}, signal ${signal}\n${stderr.slice(-40).join('\n')}\n`,
    );
    printLogTail(dataDir, 15);
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 120 s: ${out}`)), 120_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      out += text;
      const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${out}${stderr.join('\n')}`)));
  });
  return { base, child, dataDir, cli, stderr };
}

/** RSS and its peak from /proc (kB there), in MiB. */
function procMemory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

function probe(child: ChildProcess): Promise<SoakProbeAnswer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new SoakError('PROBE_TIMEOUT', 'the server did not answer the memory probe in 10 s'));
    }, 10_000);
    const onMessage = (m: unknown) => {
      if ((m as SoakProbeAnswer).type !== 'soak:probe') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as SoakProbeAnswer);
    };
    child.on('message', onMessage);
    child.send('soak:probe');
  });
}

// ---------------------------------------------------------------------------------------------- the API

type Auth =
  | { kind: 'cookie'; cookie: string; csrf: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string };

function authHeaders(auth: Auth, method: string): Record<string, string> {
  switch (auth.kind) {
    case 'cookie':
      return method === 'GET' ? { cookie: auth.cookie } : { cookie: auth.cookie, 'x-csrf-token': auth.csrf };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
  }
}

let BASE = '';

/** A failed fetch as a code: our own timeout, or the socket error's code (ECONNRESET...). */
function networkError(err: unknown, what: string): SoakError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError')
    return new SoakError('CLIENT_TIMEOUT', `${what}: no answer in ${REQUEST_TIMEOUT_MS} ms`);
  if (e.name === 'AbortError') return new SoakError('CLIENT_ABORT', `${what}: aborted`);
  return new SoakError(e.cause?.code ?? 'NETWORK', `${what}: ${e.cause?.message ?? e.message}`);
}

async function errorOf(res: Response, what: string): Promise<SoakError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    return new SoakError(body.error.code, `${what}: HTTP ${res.status} ${body.error.message}`);
  } catch {
    return new SoakError(`HTTP_${res.status}`, `${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }
}

async function api<T>(auth: Auth | null, method: string, url: string, body?: unknown): Promise<T> {
  const what = `${method} ${url.split('?')[0]}`;
  let res: Response;
  try {
    res = await fetch(`${BASE}${url}`, {
      method,
      headers: {
        ...(auth ? authHeaders(auth, method) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw networkError(err, what);
  }
  if (!res.ok) throw await errorOf(res, what);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch (err) {
    throw networkError(err, `${what} (reading the answer)`);
  }
}

/** A browser's login: the session cookie and the CSRF token. */
async function login(user: string, password: string): Promise<Extract<Auth, { kind: 'cookie' }>> {
  let res: Response;
  try {
    res = await fetch(`${BASE}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw networkError(err, 'POST /api/auth/login');
  }
  if (!res.ok) throw await errorOf(res, 'POST /api/auth/login');
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('flowport_session='));
  if (!cookie) throw new SoakError('NO_COOKIE', 'login answered without the session cookie');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  counts.op('login');
  return { kind: 'cookie', cookie, csrf: csrfToken };
}

/** A WebSocket whose JSON frames are kept (Studio) or only counted (manager live), with bounded waits. */
class Socket<T extends { type: string }> {
  readonly frames: T[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    private readonly keep: boolean,
    readonly onFrame: (frame: T) => void,
  ) {
    ws.on('message', (data) => {
      let frame: T;
      try {
        frame = JSON.parse(String(data)) as T;
      } catch {
        counts.error('websocket', 'BAD_FRAME', String(data).slice(0, 200), false);
        return;
      }
      if (this.keep) this.frames.push(frame);
      onFrame(frame);
      for (const w of [...this.waiters]) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      for (const w of [...this.waiters]) w();
    });
  }

  static open<T extends { type: string }>(
    url: string,
    auth: Extract<Auth, { kind: 'cookie' }>,
    keep: boolean,
    onFrame: (frame: T) => void = () => {},
  ): Promise<Socket<T>> {
    const ws = new WebSocket(`${BASE.replace('http', 'ws')}${url}`, {
      headers: { cookie: auth.cookie },
      handshakeTimeout: REQUEST_TIMEOUT_MS,
    });
    const socket = new Socket<T>(ws, keep, onFrame);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => {
        reject(new SoakError(`WS_HTTP_${res.statusCode}`, `WebSocket ${url}: HTTP ${res.statusCode}`));
        ws.terminate();
      });
      ws.once('error', (err) => reject(new SoakError('WS_ERROR', `WebSocket ${url}: ${err.message}`)));
    });
  }

  /** The first frame from index `from` on that matches; rejects if the socket closes or time runs out. */
  waitFor(what: string, match: (f: T) => boolean, from = 0, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      let i = from;
      const check = () => {
        for (; i < this.frames.length; i++) {
          if (match(this.frames[i]!)) {
            done();
            resolve(this.frames[i]!);
            return;
          }
        }
        if (this.closed) {
          done();
          reject(new SoakError('WS_CLOSED', `socket closed (${this.closed.code}) while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new SoakError('WS_WAIT_TIMEOUT', `no ${what} in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits (bounded) until the socket is closed, by the server or by us. */
  async closedWithin(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.closed && Date.now() < until) await sleep(20);
    return this.closed !== null;
  }
}

// ---------------------------------------------------------------------------------------------- the load

let running = true;
let adminAuth: Extract<Auth, { kind: 'cookie' }>;
const stopLatencies: number[] = [];

const STUDIO_USERS = ['designer1', 'designer2'];
const CALLER = 'caller';
const QUICK = [
  { path: 'demo/hello.pkg.yaml', node: 'greeting' },
  { path: 'lib/common.pkg.yaml', node: 'regions' },
];

type StudioSocket = Socket<SessionEvent>;

/** One Studio session: a tab opened, a few packages opened and run, some stopped, then closed or abandoned. */
async function studioCycle(auth: Extract<Auth, { kind: 'cookie' }>, cycle: number): Promise<void> {
  const session = await api<SessionCreated>(auth, 'POST', '/api/sessions');
  counts.op('studio.session');
  const sid = session.id;
  let ws: StudioSocket | undefined;
  let closed = false;
  // A tab closed without closing the session: the connection check closes it a period or two later.
  const abandon = random() < 0.1;
  try {
    ws = await Socket.open<SessionEvent>(`/api/sessions/${sid}/events`, auth, true);
    await ws.waitFor('hello', (f) => f.type === 'hello');
    await api(auth, 'GET', '/api/storage?path=demo');
    const opened: PackageDto[] = [];
    const open = async (p: string) => {
      const dto = await api<PackageDto>(auth, 'POST', `/api/sessions/${sid}/packages`, { path: p });
      counts.op('studio.open');
      opened.push(dto);
      return dto;
    };

    const quick = QUICK[cycle % QUICK.length]!;
    const q = await open(quick.path);
    await runToEnd(auth, ws, sid, q.id, quick.node);
    if (random() < 0.15) await lateStop(auth, sid, q.id);
    const page = await api<RowsPage>(auth, 'GET', `/api/sessions/${sid}/packages/${q.id}/nodes/${quick.node}/rows`);
    if (quick.node === 'regions' && page.total < 1)
      throw new SoakError('WRONG_RESULT', `regions has ${page.total} rows`);
    let dirty = false;
    if (quick.path === 'demo/hello.pkg.yaml' && random() < 0.3) {
      // An edit left unsaved: the session's close backs it up.
      const { yaml } = await api<{ yaml: string }>(auth, 'GET', `/api/sessions/${sid}/packages/${q.id}/source`);
      await api(auth, 'PUT', `/api/sessions/${sid}/packages/${q.id}/source`, {
        yaml: `# edited by the soak, cycle ${cycle}\n${yaml}`,
      });
      counts.op('studio.edit');
      dirty = true;
    }
    const heavy = random();
    if (!abandon && heavy < 0.35)
      await longAggregationStopped(auth, ws, sid, await open('demo/long-aggregation.pkg.yaml'));
    else if (heavy < 0.55) await runToEnd(auth, ws, sid, (await open('credit/scoring.pkg.yaml')).id, 'scored');

    if (abandon) {
      ws.ws.terminate();
      counts.op('studio.abandoned');
      closed = true;
      return;
    }
    // Close some packages one by one, the last opened first (one that references another holds it open; the
    // dirty one goes with the session, backed up); the rest close with the session.
    for (const p of [...opened].reverse()) {
      if ((dirty && p.id === q.id) || random() < 0.4) break;
      await api(auth, 'DELETE', `/api/sessions/${sid}/packages/${p.id}`);
      counts.op('studio.close-package');
    }
    const from = ws.frames.length;
    await api(auth, 'DELETE', `/api/sessions/${sid}`);
    closed = true;
    counts.op('studio.close');
    await ws.waitFor('session-closed', (f) => f.type === 'session-closed', from, 10_000);
    if (!(await ws.closedWithin(10_000))) throw new SoakError('WS_NOT_CLOSED', 'session closed, socket still open');
  } finally {
    if (!closed) {
      // The cycle failed midway: close what it opened, as the page's tab closing would eventually.
      await api(auth, 'DELETE', `/api/sessions/${sid}`).catch(() => {});
    }
    ws?.ws.terminate();
  }
}

async function runToEnd(auth: Auth, ws: StudioSocket, sid: string, pid: string, node: string): Promise<void> {
  const from = ws.frames.length;
  await api(auth, 'POST', `/api/sessions/${sid}/packages/${pid}/run`, { node });
  const fin = await ws.waitFor(
    `run-finished of ${node}`,
    (f) => f.type === 'run-finished' && f.packageId === pid,
    from,
    120_000,
  );
  if (fin.type === 'run-finished' && fin.outcome !== 'done')
    throw new SoakError(`RUN_${fin.outcome.toUpperCase()}`, `${node}: ${fin.outcome} ${fin.error ?? ''}`);
  counts.op('studio.run');
}

/** demo/long-aggregation run, stopped midway: by its designer, or by an administrator in the Session Manager. */
async function longAggregationStopped(auth: Auth, ws: StudioSocket, sid: string, p: PackageDto): Promise<void> {
  const from = ws.frames.length;
  await api(auth, 'POST', `/api/sessions/${sid}/packages/${p.id}/run`, { node: 'totals' });
  await ws.waitFor(
    'node-started of totals',
    (f) => f.type === 'node-started' && f.packageId === p.id && f.node === 'totals',
    from,
    120_000,
  );
  await sleep(between(500, 3000));
  const t0 = performance.now();
  if (random() < 1 / 3) {
    try {
      await api(adminAuth, 'POST', `/api/manager/packages/${p.id}/stop`);
      counts.op('manager.stop');
    } catch (err) {
      // The run ended between the last event and the stop: a racing stop, expected.
      if (err instanceof SoakError && err.code === 'NOT_RUNNING')
        counts.error('manager.stop', err.code, err.message, true);
      else throw err;
    }
  } else {
    const { stopped } = await api<{ stopped: boolean }>(auth, 'POST', `/api/sessions/${sid}/packages/${p.id}/stop`);
    counts.op('studio.stop');
    if (!stopped) counts.error('studio.stop', 'STOP_RACED', 'stop answered {stopped: false}', true);
  }
  const fin = await ws.waitFor('run-finished', (f) => f.type === 'run-finished' && f.packageId === p.id, from, 30_000);
  stopLatencies.push(performance.now() - t0);
  if (fin.type !== 'run-finished') return;
  if (fin.outcome === 'cancelled') counts.op('studio.stopped');
  else if (fin.outcome === 'done') counts.error('studio.stop', 'RUN_ENDED_BEFORE_STOP', 'the run finished first', true);
  else throw new SoakError('RUN_FAILED', `long aggregation: ${fin.error ?? 'failed'}`);
}

/** A stop clicked just after the run ended, by the designer or an administrator: answered as nothing to stop. */
async function lateStop(auth: Auth, sid: string, pid: string): Promise<void> {
  if (random() < 0.5) {
    try {
      await api(adminAuth, 'POST', `/api/manager/packages/${pid}/stop`);
      counts.op('manager.stop');
    } catch (err) {
      if (err instanceof SoakError && err.code === 'NOT_RUNNING')
        counts.error('manager.stop', err.code, err.message, true);
      else throw err;
    }
  } else {
    const { stopped } = await api<{ stopped: boolean }>(auth, 'POST', `/api/sessions/${sid}/packages/${pid}/stop`);
    counts.op('studio.stop');
    if (stopped) throw new SoakError('STOPPED_IDLE', 'a stop of an idle package answered {stopped: true}');
    counts.error('studio.stop', 'STOP_RACED', 'stop answered {stopped: false}', true);
  }
}

async function studioWorker(user: string): Promise<void> {
  let auth = await login(user, USER_PASSWORD);
  for (let cycle = 0; running; cycle++) {
    if (cycle > 0 && cycle % 8 === 0) {
      // The designer logs out and in again (between sessions).
      await guarded('logout', async () => {
        await api(auth, 'POST', '/api/auth/logout');
        counts.op('logout');
        auth = await login(user, USER_PASSWORD);
      });
    }
    await guarded('studio', () => studioCycle(auth, cycle));
    await sleep(between(200, 1500));
  }
}

let bodySeq = 0;

/** Integrator calls, each with a new body: the scoring node, then the smallest published node. */
async function integratorWorker(token: string): Promise<void> {
  const auth: Auth = { kind: 'bearer', token };
  while (running) {
    const i = bodySeq++;
    const scoring = i % 2 === 0;
    await guarded(scoring ? 'integrator.scoring' : 'integrator.hello', async () => {
      const url = scoring
        ? '/integrator/v1/credit/scoring.pkg.yaml/scored'
        : '/integrator/v1/demo/hello.pkg.yaml/greeting';
      const res = await api<{ rows: unknown[] }>(auth, 'POST', url, scoring ? scoringBody(i) : greetingBody(i));
      if (res.rows.length !== (scoring ? 2 : 1)) throw new SoakError('WRONG_RESULT', `${url}: ${res.rows.length} rows`);
      counts.op(scoring ? 'integrator.scoring' : 'integrator.hello');
    });
    await sleep(between(10, 40));
  }
}

/** One batch run through POST /api/batch/runs, read as `flowport batch` reads it; `abortAfter` cancels it midway. */
async function batchRun(
  body: { package: string; node?: string; variables?: Record<string, unknown> },
  abortAfter?: { node: string; ms: number },
): Promise<void> {
  const ctl = new AbortController();
  const timeout = setTimeout(() => ctl.abort(new SoakError('CLIENT_TIMEOUT', 'batch run')), 2 * REQUEST_TIMEOUT_MS);
  try {
    let res: Response;
    try {
      res = await fetch(`${BASE}/api/batch/runs`, {
        method: 'POST',
        headers: {
          ...authHeaders({ kind: 'basic', user: CALLER, password: USER_PASSWORD }, 'POST'),
          'content-type': 'application/json',
          accept: 'application/x-ndjson',
        },
        body: JSON.stringify(body),
        signal: ctl.signal,
      });
    } catch (err) {
      if (err instanceof SoakError) throw err;
      throw networkError(err, 'POST /api/batch/runs');
    }
    if (!res.ok || !res.body) throw await errorOf(res, 'POST /api/batch/runs');
    let finished: Extract<BatchEvent, { type: 'finished' }> | undefined;
    let buffered = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffered.slice(0, nl)) as BatchEvent;
          buffered = buffered.slice(nl + 1);
          if (event.type === 'finished') finished = event;
          if (abortAfter && event.type === 'node-started' && event.node === abortAfter.node)
            setTimeout(() => ctl.abort(), abortAfter.ms);
        }
      }
    } catch (err) {
      if (err instanceof SoakError) throw err;
      if (abortAfter && !finished && ctl.signal.aborted && !(ctl.signal.reason instanceof SoakError)) {
        counts.op('batch.cancelled');
        return;
      }
      throw networkError(err, 'reading the batch stream');
    }
    if (!finished) throw new SoakError('BATCH_NO_FINISH', `${body.package}: the stream ended without "finished"`);
    if (finished.outcome !== 'done') {
      throw new SoakError(
        finished.error?.code ?? `BATCH_${finished.outcome.toUpperCase()}`,
        `${body.package}: ${finished.outcome} ${finished.error?.message ?? ''}`,
      );
    }
    if (abortAfter) counts.error('batch.cancel', 'RUN_ENDED_BEFORE_STOP', 'the run finished first', true);
    else counts.op('batch.run');
  } finally {
    clearTimeout(timeout);
  }
}

/** `flowport batch` itself, as a user runs it: the bundled command line in its own process. */
function batchCli(cli: string, pkg: string, extra: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'batch', pkg, '--server', BASE, '--user', CALLER, '--json', ...extra], {
      env: cleanEnv({ FLOWPORT_PASSWORD: USER_PASSWORD }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    const timer = setTimeout(() => child.kill('SIGKILL'), 2 * REQUEST_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.includes('"finished"') && last.includes('"done"')) {
        counts.op('batch.cli');
        resolve();
      } else reject(new SoakError(`CLI_EXIT_${code ?? signal}`, `flowport batch ${pkg}: ${err.trim() || last}`));
    });
  });
}

async function batchWorker(cli: string): Promise<void> {
  for (let k = 0; running; k++) {
    const kind = k % 6;
    await guarded('batch', async () => {
      if (kind === 0)
        await batchCli(cli, 'credit/scoring.pkg.yaml', [
          '--node',
          'scored',
          '--var',
          `threshold=${(k % 9) / 10 + 0.1}`,
        ]);
      else if (kind === 1 || kind === 3)
        await batchRun({ package: 'credit/scoring.pkg.yaml', node: 'scored', variables: { threshold: k / 1000 } });
      else if (kind === 2) await batchRun({ package: 'demo/hello.pkg.yaml' });
      else if (kind === 4)
        await batchRun({ package: 'demo/long-aggregation.pkg.yaml' }, { node: 'totals', ms: between(300, 2000) });
      else await batchRun({ package: 'credit/scoring.pkg.yaml', variables: { threshold: 0.5 + k / 10_000 } });
    });
    await sleep(between(500, 2500));
  }
}

/** An administrator's Session Manager page: a live socket kept a while, reading deltas, then closed. */
async function liveWorker(): Promise<void> {
  while (running) {
    await guarded('manager.live', async () => {
      let snapshots = 0;
      let errors = 0;
      const socket = await Socket.open<ManagerLiveFrame>('/api/manager/live', adminAuth, false, (f) => {
        counts.op(`live.${f.type}`);
        if (f.type === 'snapshot') snapshots++;
        if (f.type === 'error') {
          errors++;
          counts.error('manager.live', `FRAME_${f.error.code}`, f.error.message, false);
        }
      });
      counts.op('manager.live');
      try {
        const until = Date.now() + between(5_000, 20_000);
        while (running && Date.now() < until && !socket.closed) await sleep(100);
        if (socket.closed)
          throw new SoakError('LIVE_CLOSED', `the server closed the live socket (${socket.closed.code})`);
        if (snapshots === 0 && errors === 0) throw new SoakError('LIVE_NO_SNAPSHOT', 'no snapshot on the live socket');
      } finally {
        socket.ws.close(1000);
        await socket.closedWithin(5_000);
        socket.ws.terminate();
      }
    });
    await sleep(between(300, 2000));
  }
}

// ---------------------------------------------------------------------------------------------- minutes

interface MinuteRow {
  min: number;
  'RSS end': number;
  'RSS mean': number;
  'RSS min–max': string;
  'heap used': number;
  'heap total': number;
  external: number;
  'loop p99 ms': number;
  'CPU %': number;
  'sessions s/i/b': string;
  studio: number;
  runs: number;
  stops: number;
  integrator: number;
  batch: number;
  live: number;
  'exp. err': number;
  'unexp. err': number;
}

const sum = (ops: Map<string, number>, ...kinds: string[]) => kinds.reduce((a, k) => a + (ops.get(k) ?? 0), 0);

async function sessionsByKind(): Promise<{
  studio: number;
  integrator: number;
  batch: number;
  running: number;
  pool: string;
  checkedOut: number;
}> {
  const snap = await api<ManagerSnapshot>(adminAuth, 'GET', '/api/manager/snapshot');
  const by = (k: string) => snap.sessions.filter((s) => s.kind === k).length;
  return {
    studio: by('studio'),
    integrator: by('integrator'),
    batch: by('batch'),
    running: snap.sessions.filter((s) => s.running).length,
    pool: `${snap.pool.items.length}/${snap.pool.max} (hits ${snap.pool.hits}, misses ${snap.pool.misses})`,
    checkedOut: snap.pool.items.filter((i) => i.checkedOut).length,
  };
}

async function main(): Promise<void> {
  process.stdout.write(`Soak: ${MINUTES} min of mixed load; bundling and starting flowport serve…\n`);
  const server = await startServer();
  BASE = server.base;
  const pid = server.child.pid!;
  try {
    adminAuth = await login('admin', ADMIN_PASSWORD);
    for (const name of STUDIO_USERS)
      await api(adminAuth, 'POST', '/api/admin/users', { name, password: USER_PASSWORD, roles: ['design'] });
    await api(adminAuth, 'POST', '/api/admin/users', { name: CALLER, password: USER_PASSWORD, roles: ['batch'] });
    // Abandoned Studio sessions are closed after one to two periods without a client (default 60 s).
    await api(adminAuth, 'PUT', '/api/admin/parameters', { connectionCheckPeriodSeconds: CHECK_PERIOD_S });
    const { token } = await api<{ token: string }>(null, 'POST', '/api/auth/token', {
      username: CALLER,
      password: USER_PASSWORD,
    });
    // Warm-up outside the minutes: the first scoring call loads the package and its 1,000,000-row import.
    await api({ kind: 'bearer', token }, 'POST', '/integrator/v1/credit/scoring.pkg.yaml/scored', scoringBody(999_999));
    process.stdout.write(
      `Server ${BASE} (pid ${pid}, data ${server.dataDir}). Load: 2 Studio designers, 2 Integrator callers, ` +
        `1 batch launcher (routes and CLI), 3 Session Manager live clients.\n\n`,
    );
    const rows: MinuteRow[] = [];
    const cols: (keyof MinuteRow)[] = [
      'min',
      'RSS end',
      'RSS mean',
      'RSS min–max',
      'heap used',
      'heap total',
      'external',
      'loop p99 ms',
      'CPU %',
      'sessions s/i/b',
      'studio',
      'runs',
      'stops',
      'integrator',
      'batch',
      'live',
      'exp. err',
      'unexp. err',
    ];
    process.stdout.write(`| ${cols.join(' | ')} |\n`);

    const t0 = Date.now();
    const workers = [
      ...STUDIO_USERS.map((u) => studioWorker(u)),
      integratorWorker(token),
      integratorWorker(token),
      batchWorker(server.cli),
      liveWorker(),
      liveWorker(),
      liveWorker(),
    ].map((w) => w.catch((err) => counts.error('worker', 'EXCEPTION', (err as Error).message, false)));

    let samples: number[] = [];
    let cpuBefore = processCpuUs(pid);
    await probe(server.child); // starts the event loop's measurement with the minutes
    for (let minute = 1; minute <= MINUTES; minute++) {
      const mark = t0 + minute * 60_000;
      // RSS every 2 s: one sample at the minute's end moves by hundreds of MiB with the long aggregations.
      while (Date.now() < mark) {
        samples.push(procMemory(pid).rss);
        await sleep(Math.min(RSS_SAMPLE_MS, Math.max(0, mark - Date.now())));
      }
      const { rss } = procMemory(pid);
      samples.push(rss);
      const cpu = processCpuUs(pid);
      let p: SoakProbeAnswer | undefined;
      try {
        p = await probe(server.child);
      } catch (err) {
        counts.error('probe', (err as SoakError).code ?? 'EXCEPTION', (err as Error).message, false);
      }
      let s = { studio: NaN, integrator: NaN, batch: NaN };
      await guarded('manager.snapshot', async () => {
        s = await sessionsByKind();
        counts.op('manager.snapshot');
      });
      const m = counts.take();
      const row: MinuteRow = {
        min: minute,
        'RSS end': Math.round(rss),
        'RSS mean': Math.round(samples.reduce((x, y) => x + y, 0) / samples.length),
        'RSS min–max': `${Math.round(Math.min(...samples))}–${Math.round(Math.max(...samples))}`,
        'heap used': p ? Math.round(p.memory.heapUsed / MIB) : NaN,
        'heap total': p ? Math.round(p.memory.heapTotal / MIB) : NaN,
        external: p ? Math.round(p.memory.external / MIB) : NaN,
        'loop p99 ms': p ? Math.round(p.loopP99Ms) : NaN,
        'CPU %': Math.round((cpu - cpuBefore) / 600_000),
        'sessions s/i/b': `${s.studio}/${s.integrator}/${s.batch}`,
        studio: sum(m.ops, 'studio.session'),
        runs: sum(m.ops, 'studio.run'),
        stops: sum(m.ops, 'studio.stop', 'manager.stop'),
        integrator: sum(m.ops, 'integrator.scoring', 'integrator.hello'),
        batch: sum(m.ops, 'batch.run', 'batch.cli', 'batch.cancelled'),
        live: sum(m.ops, 'manager.live'),
        'exp. err': m.expected,
        'unexp. err': m.unexpected,
      };
      rows.push(row);
      process.stdout.write(`| ${cols.map((c) => String(row[c])).join(' | ')} |\n`);
      if (m.errors.size)
        process.stdout.write(
          `    minute ${minute} errors: ${[...m.errors].map(([k, n]) => `${k} ×${n}`).join('; ')}\n`,
        );
      cpuBefore = cpu;
      samples = [];
    }

    // Let every loop finish its operation in hand (each is bounded by its own timeouts).
    running = false;
    const drained = await Promise.race([Promise.all(workers).then(() => true), sleep(180_000).then(() => false)]);
    if (!drained) counts.error('drain', 'DRAIN_TIMEOUT', 'the load loops did not end within 180 s', false);
    // Nothing may be left: the abandoned Studio sessions are closed by the connection check within two periods.
    const drainedAt = Date.now();
    let left = await sessionsByKind();
    while (left.studio + left.integrator + left.batch > 0 && Date.now() - drainedAt < 3 * CHECK_PERIOD_S * 1000) {
      await sleep(1_000);
      left = await sessionsByKind();
    }
    const waitedS = Math.round((Date.now() - drainedAt) / 1000);
    if (left.studio + left.integrator + left.batch + left.running + left.checkedOut > 0)
      counts.error(
        'end',
        'LEFTOVER',
        `${waitedS} s after the load: ${left.studio} Studio, ${left.integrator} Integrator and ${left.batch} batch ` +
          `sessions, ${left.running} running, ${left.checkedOut} pool instances checked out`,
        false,
      );
    const abandoned = counts.total.get('studio.abandoned') ?? 0;

    // A graceful stop as an operator's SIGTERM, then what the server itself logged.
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    stopping = true;
    server.child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    if (code !== 0) {
      counts.error('shutdown', `EXIT_${code}`, `SIGTERM ended the server with ${code}`, false);
      printLogTail(server.dataDir, 25);
    }
    const logFile = path.join(server.dataDir, 'logs', 'flowport.log');
    const levels = new Map<number, string[]>();
    if (existsSync(logFile)) {
      for (const line of readFileSync(logFile, 'utf8').split('\n')) {
        const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
        if (level >= 40) levels.set(level, [...(levels.get(level) ?? []), line]);
      }
    }
    for (const [level, lines] of levels) {
      process.stdout.write(`\nServer log, level ${level}: ${lines.length} lines; first: ${lines[0]!.slice(0, 400)}\n`);
      if (level >= 50) for (const line of lines) counts.error('server log', `LEVEL_${level}`, line, false);
    }
    // Every session closed with an unsaved edit (by its designer or by the connection check) was backed up.
    const backedUp = existsSync(logFile)
      ? readFileSync(logFile, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"unsaved work backed up"')).length
      : 0;
    const backupFiles = existsSync(path.join(server.dataDir, 'backups'))
      ? readdirSync(path.join(server.dataDir, 'backups'), { recursive: true }).filter((f) =>
          String(f).endsWith('.pkg.yaml'),
        ).length
      : 0;
    const edits = counts.total.get('studio.edit') ?? 0;
    if (backupFiles !== edits || backedUp !== edits)
      counts.error(
        'backup',
        'BACKUP_COUNT',
        `${edits} sessions closed with an unsaved edit, ${backupFiles} backup files, ${backedUp} log lines`,
        false,
      );
    if (server.stderr.length) {
      process.stdout.write(
        `\nServer stderr (${server.stderr.length} lines): ${server.stderr.slice(0, 5).join('\n')}\n`,
      );
      counts.error('server stderr', 'STDERR', server.stderr.join('\n'), false);
    }

    printTable(
      `Per minute (MiB; RSS from /proc every ${RSS_SAMPLE_MS / 1000} s; heap, event-loop delay: the server's own)`,
      rows.map((r) => ({ ...r })),
    );
    printTable(
      'Operations (whole run)',
      [...counts.total].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => ({ operation: kind, count: n })),
    );
    const errs = [...counts.errors.values()].sort(
      (a, b) => Number(a.expected) - Number(b.expected) || b.count - a.count,
    );
    if (errs.length)
      printTable(
        'Errors by kind',
        errs.map((e) => ({
          kind: e.expected ? 'expected' : 'UNEXPECTED',
          op: e.op,
          code: e.code,
          count: e.count,
          sample: e.samples[0] ?? '',
        })),
      );
    const sorted = [...stopLatencies].sort((a, b) => a - b);
    if (sorted.length)
      process.stdout.write(
        `\nStop to run-finished (${sorted.length} stops, HTTP included): median ` +
          `${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, p99 ` +
          `${sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]!.toFixed(0)} ms, max ` +
          `${sorted.at(-1)!.toFixed(0)} ms\n`,
      );
    process.stdout.write(
      `Unsaved edits: ${edits}, backed up: ${backupFiles} files (${backedUp} log lines)\n` +
        `Sessions ${waitedS} s after the load: ${left.studio} Studio (${abandoned} abandoned on purpose during the run, ` +
        `for the connection check to close), ${left.integrator} Integrator, ${left.batch} batch; ${left.running} running; ` +
        `pool ${left.pool}, ${left.checkedOut} checked out.\n`,
    );

    // Verdicts: on the minutes' mean RSS (the figure at a minute's end is printed beside it).
    const from = MINUTES >= 3 ? 2 : 1;
    const first = rows[from - 1]!;
    const last = rows[rows.length - 1]!;
    const pct = (x: number, y: number) => ((y - x) / x) * 100;
    const floor = (r: MinuteRow) => Number(r['RSS min–max'].split('–')[0]);
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;
    const growth = pct(first['RSS mean'], last['RSS mean']);
    process.stdout.write(
      `\nRSS from minute ${from} to minute ${MINUTES}: mean ${first['RSS mean']} → ${last['RSS mean']} MiB ` +
        `(${signed(growth)}); at the minutes' ends ${first['RSS end']} → ${last['RSS end']} MiB ` +
        `(${signed(pct(first['RSS end'], last['RSS end']))}); the minutes' lowest ${floor(first)} → ${floor(last)} MiB ` +
        `(${signed(pct(floor(first), floor(last)))})\n`,
    );
    process.stdout.write(
      `${growth < 10 ? 'PASS' : 'FAIL'}  RSS growth, minute ${from} → ${MINUTES} (means): ${signed(growth)} (goal under 10 %)\n`,
    );
    process.stdout.write(
      `${counts.unexpected === 0 ? 'PASS' : 'FAIL'}  unexpected errors: ${counts.unexpected} (goal 0)\n`,
    );
    process.exitCode = growth < 10 && counts.unexpected === 0 ? 0 : 1;
  } finally {
    running = false;
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    if (KEEP_DATA) process.stdout.write(`Data directory kept: ${server.dataDir}\n`);
    else rmSync(server.dataDir, { recursive: true, force: true });
  }
}

await main();
// At once: the drain and shutdown races leave their timers (up to 180 s) behind.
process.exit();
