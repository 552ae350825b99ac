// The real flowport server as a child process (from the sources, through tsx) on a data directory, driven over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(__dirname, '../../bin/flowport.mjs');
export const PROCESS_ADMIN_PASSWORD = 'admin-password-1';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited, however. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stdout and stderr so far (the JSON log goes to the data directory's logs). */
  output(): string;
}

/** Starts `flowport serve` on a free loopback port; resolves once it listens. */
export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--seed-examples', 'false'],
    {
      env: { ...process.env, FLOWPORT_FROM_SOURCE: '1', FLOWPORT_ADMIN_PASSWORD: PROCESS_ADMIN_PASSWORD, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 90 s:\n${out}`)), 90_000);
    const onData = () => {
      const m = /Flowport listening at (http:\/\/[^\s]+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  return { url, child, exited, output: () => out };
}

/** Kills the process (SIGKILL unless told) and waits until it is gone. */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  await server.exited;
}

export interface HttpLogin {
  headers: Record<string, string>;
}

/** Logs in with the password form's API and returns the cookie and CSRF headers of the login. */
export async function loginOver(
  url: string,
  username = 'admin',
  password = PROCESS_ADMIN_PASSWORD,
): Promise<HttpLogin> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = /flowport_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { headers: { cookie, 'x-csrf-token': csrfToken } };
}

/** An answer's JSON body as tests read it: an error, or the fields of the route's answer. */
export type AnswerBody = { error?: { code: string; message: string; details?: Record<string, unknown> } } & Record<
  string,
  unknown
>;

/** A JSON call with a login's headers; the answer's status and parsed body ({} when not JSON, with the text). */
export async function call(
  url: string,
  login: HttpLogin | { headers: Record<string, string> },
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: AnswerBody; text: string }> {
  const res = await fetch(url + route, {
    method,
    headers: { ...login.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: AnswerBody = {};
  try {
    parsed = JSON.parse(text) as AnswerBody;
  } catch {
    // not JSON: the text tells
  }
  return { status: res.status, body: parsed, text };
}
