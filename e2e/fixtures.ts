// Fixtures of the browser tests: a real Flowport server for each test file (fresh data
// directory, free port, known admin password), `baseURL` pointing at it, a `login()` helper that
// goes through the login page, and an `api` helper (Node fetch with a cookie jar and the CSRF
// token) to prepare users and sessions as other users.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role, ServerParameters, UserDto } from '@flowport/protocol';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'e2e-Admin-Pa55word';
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// The server under test

export interface FlowportServer {
  baseURL: string;
  adminPassword: string;
  /** Temporary folder holding the data directory (`data/`) and the server's output (`server.log`). */
  root: string;
  dataDir: string;
  logFile: string;
  /** The server's output so far (stdout and stderr). */
  log(): string;
}

interface RunningServer extends FlowportServer {
  child: ChildProcess;
  exited: Promise<number | null>;
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Starts `flowport serve` on a free port with a fresh data directory; resolves when it listens. */
export async function startServer(options: { adminPassword?: string; env?: Record<string, string> } = {}) {
  const adminPassword = options.adminPassword ?? ADMIN_PASSWORD;
  const root = mkdtempSync(path.join(os.tmpdir(), 'flowport-e2e-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const logStream = createWriteStream(logFile);
  let output = '';

  // A clean environment: no FLOWPORT_* of the developer's shell leaks into the server under test.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('FLOWPORT_')) env[k] = v;
  Object.assign(env, { FLOWPORT_ADMIN_PASSWORD: adminPassword, NO_COLOR: '1' }, options.env);

  const args = ['--import', 'tsx', path.join('packages', 'server', 'src', 'main.ts')];
  args.push('serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const baseURL = await new Promise<string>((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(
      () => fail(`did not print its listening line within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The Flowport server ${why}.\nCommand: node ${args.join(' ')}\nOutput:\n${tail(output)}`));
    }
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      logStream.write(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /Flowport listening at (https?:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/+$/, ''));
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      logStream.write(chunk);
    });
    child.once('error', (e) => fail(`could not be started (${e.message})`));
    void exited.then((code) => fail(`exited with code ${code} before listening`));
  });

  const server: RunningServer = {
    baseURL,
    adminPassword,
    root,
    dataDir,
    logFile,
    log: () => output,
    child,
    exited,
  };
  return server;
}

/** SIGTERM, then SIGKILL if the server does not exit in time; removes its temporary folder. */
export async function stopServer(server: RunningServer): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS));
    if ((await Promise.race([server.exited, timeout])) === 'timeout') {
      console.warn(`[e2e] the server at ${server.baseURL} did not stop within ${STOP_TIMEOUT_MS} ms; killing it`);
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
  if (process.env.FLOWPORT_E2E_KEEP === '1') console.log(`[e2e] kept ${server.root}`);
  else rmSync(server.root, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// The HTTP API from Node, as any user

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}${code ? ` ${code}` : ''}: ${JSON.stringify(body)}`);
    this.name = 'ApiCallError';
  }
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client of the HTTP API with its own cookie jar and CSRF token, like one browser. */
export class ApiClient {
  private readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;
  user: { name: string; roles: Role[] } | null = null;

  constructor(readonly baseURL: string) {}

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.split('=').map((s) => s.trim());
        if (/^max-age$/i.test(k)) return Number(v) <= 0;
        if (/^expires$/i.test(k)) return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Any request; answers status and parsed body whatever the status. */
  async request<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && method !== 'HEAD' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(this.baseURL + urlPath, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.storeCookies(response.headers);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A request that must succeed (2xx); answers the body. */
  async call<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T> {
    const answer = await this.request<T>(method, urlPath, body);
    if (answer.status < 200 || answer.status > 299) {
      const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
      throw new ApiCallError(answer.status, code, answer.body, `${method} ${urlPath}`);
    }
    return answer.body;
  }

  get<T = unknown>(urlPath: string) {
    return this.call<T>('GET', urlPath);
  }
  post<T = unknown>(urlPath: string, body: unknown = {}) {
    return this.call<T>('POST', urlPath, body);
  }
  put<T = unknown>(urlPath: string, body: unknown = {}) {
    return this.call<T>('PUT', urlPath, body);
  }
  delete<T = unknown>(urlPath: string) {
    return this.call<T>('DELETE', urlPath);
  }

  async login(username: string, password: string): Promise<this> {
    const answer = await this.call<{ user: { name: string; roles: Role[] }; csrfToken: string }>(
      'POST',
      '/api/auth/login',
      { username, password },
    );
    this.user = answer.user;
    this.csrfToken = answer.csrfToken;
    return this;
  }

  async logout(): Promise<void> {
    await this.post('/api/auth/logout');
    this.user = null;
    this.csrfToken = null;
  }

  // Administration shortcuts (the client must be logged in as an administrator).
  createUser(name: string, password: string, roles: Role[]) {
    return this.post<UserDto>('/api/admin/users', { name, password, roles });
  }
  updateUser(name: string, changes: { roles?: Role[]; blocked?: boolean; password?: string }) {
    return this.put<UserDto>(`/api/admin/users/${encodeURIComponent(name)}`, changes);
  }
  async listUsers(): Promise<UserDto[]> {
    return (await this.get<{ users: UserDto[] }>('/api/admin/users')).users;
  }
  getParameters() {
    return this.get<ServerParameters>('/api/admin/parameters');
  }
  setParameters(changes: Partial<ServerParameters>) {
    return this.put<ServerParameters>('/api/admin/parameters', changes);
  }

  /** Opens a Studio session (as a browser tab would). */
  openSession() {
    return this.post<{ id: string; name: string }>('/api/sessions');
  }
}

export interface ApiHelper {
  /** A client that has not logged in. */
  anonymous(): ApiClient;
  /** A client logged in as the administrator `admin`. */
  admin(): Promise<ApiClient>;
  /** A client logged in as the given user. */
  as(username: string, password: string): Promise<ApiClient>;
  /** Creates a user (as admin) with a unique name starting with `prefix`; answers name and password. */
  createUser(prefix: string, roles: Role[]): Promise<{ name: string; password: string; user: UserDto }>;
}

let counter = 0;
/** A name unlikely to clash within one server: prefix, worker, counter. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${process.env.TEST_WORKER_INDEX ?? '0'}x${counter}`;
}

/** Logs in through the login page and waits until the app leaves it. */
export async function loginThroughPage(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

// ---------------------------------------------------------------------------------------------
// Fixtures

interface WorkerFixtures {
  /** Starts one server per test file (the previous file's server is stopped first). */
  serverPool: { forFile(file: string): Promise<FlowportServer> };
}

interface TestFixtures {
  server: FlowportServer;
  adminPassword: string;
  login: (page: Page, username: string, password: string) => Promise<void>;
  api: ApiHelper;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverPool: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      let current: { file: string; server: RunningServer } | null = null;
      await use({
        async forFile(file) {
          if (current?.file === file) {
            if (current.server.child.exitCode === null && current.server.child.signalCode === null) {
              return current.server;
            }
            console.warn(
              `[e2e] the server for ${file} had exited; starting another. Its output:\n${tail(current.server.log())}`,
            );
          }
          if (current) await stopServer(current.server);
          current = null;
          const built = path.join(REPO_ROOT, 'packages/web/dist/index.html');
          if (!existsSync(built)) throw new Error('The web pages are not built: run `npm run build -w @flowport/web`');
          current = { file, server: await startServer() };
          return current.server;
        },
      });
      if (current) await stopServer((current as { server: RunningServer }).server);
    },
    { scope: 'worker', timeout: START_TIMEOUT_MS + STOP_TIMEOUT_MS + 10_000 },
  ],

  server: async ({ serverPool }, use, testInfo) => {
    const server = await serverPool.forFile(testInfo.file);
    await use(server);
    if (testInfo.status !== testInfo.expectedStatus && existsSync(server.logFile)) {
      await testInfo.attach('server.log', {
        body: tail(readFileSync(server.logFile, 'utf8'), 200),
        contentType: 'text/plain',
      });
    }
  },

  baseURL: async ({ server }, use) => {
    await use(server.baseURL);
  },

  adminPassword: async ({ server }, use) => {
    await use(server.adminPassword);
  },

  // eslint-disable-next-line no-empty-pattern
  login: async ({}, use) => {
    await use(loginThroughPage);
  },

  api: async ({ server }, use) => {
    let adminClient: ApiClient | null = null;
    const helper: ApiHelper = {
      anonymous: () => new ApiClient(server.baseURL),
      admin: async () => (adminClient ??= await new ApiClient(server.baseURL).login(ADMIN_USER, server.adminPassword)),
      as: (username, password) => new ApiClient(server.baseURL).login(username, password),
      async createUser(prefix, roles) {
        const name = uniqueName(prefix);
        const password = `pw-${name}-Secret1`;
        const user = await (await helper.admin()).createUser(name, password, roles);
        return { name, password, user };
      },
    };
    await use(helper);
  },
});

export { expect };
