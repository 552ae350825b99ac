// Helpers for Integrator and batch tests: credentials, manager snapshots, waiting, and a real listening port.
import type { ManagerSnapshot } from '@flowport/protocol';
import type { FastifyInstance } from 'fastify';
import type { LoggedIn } from './test-app';

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function bearerToken(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/token', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`token for ${username}: ${res.statusCode} ${res.body}`);
  return `Bearer ${res.json().token as string}`;
}

export async function snapshot(app: FastifyInstance, admin: LoggedIn): Promise<ManagerSnapshot> {
  const res = await app.inject({ url: '/api/manager/snapshot', headers: admin.headers });
  if (res.statusCode !== 200) throw new Error(`snapshot: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function setParameters(
  app: FastifyInstance,
  admin: LoggedIn,
  values: Record<string, unknown>,
): Promise<void> {
  const res = await app.inject({
    method: 'PUT',
    url: '/api/admin/parameters',
    headers: admin.headers,
    payload: values,
  });
  if (res.statusCode !== 200) throw new Error(`parameters: ${res.statusCode} ${res.body}`);
}

/** Polls until `check` returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the app on a free loopback port (once) and returns its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  const existing = app.server.address();
  if (existing && typeof existing === 'object') return `http://127.0.0.1:${existing.port}`;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  if (!a || typeof a !== 'object') throw new Error('no address');
  return `http://127.0.0.1:${a.port}`;
}

/** The pool holds no checked-out instance, at most its maximum, and no session of these kinds remains. */
export function poolIntact(snap: ManagerSnapshot, kinds: string[] = ['integrator', 'batch']): boolean {
  return (
    snap.pool.items.every((i) => !i.checkedOut && !i.running) &&
    snap.pool.items.length <= snap.pool.max &&
    !snap.sessions.some((s) => kinds.includes(s.kind))
  );
}
