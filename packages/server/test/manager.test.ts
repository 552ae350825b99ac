// The Session Manager API through the real HTTP and WebSocket servers, with real Studio sessions.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ManagerLiveFrame, ManagerSnapshot, SessionEvent } from '@flowport/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StudioClient } from './helpers/studio-client';
import { createUser, errorCode, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
let dana: LoggedIn;
let base: string;

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { exampleDataRows: 2000 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address() as { port: number };
  base = `127.0.0.1:${addr.port}`;
  admin = await login(t.app);
  await createUser(t.app, admin, 'dana', ['design']);
  dana = await login(t.app, 'dana', 'user-password-1');
});
afterAll(async () => {
  await t.close();
});

const snapshot = async (): Promise<ManagerSnapshot> =>
  (await t.app.inject({ url: '/api/manager/snapshot', headers: admin.headers })).json();
const post = (url: string) => t.app.inject({ method: 'POST', url, headers: admin.headers });

/** Opens a WebSocket and collects its JSON frames. */
function socket<T>(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(`ws://${base}${url}`, { headers });
  const frames: T[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d))));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const waitFor = async (pred: (f: T) => boolean, ms = 5000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const f = frames.find(pred);
      if (f) return f;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching frame in ${ms} ms; got ${JSON.stringify(frames.slice(-5))}`);
  };
  return { ws, frames, opened, waitFor };
}

describe('access', () => {
  it('answers 401 anonymous and 403 to other roles, on REST and on the WebSocket', async () => {
    expect((await t.app.inject({ url: '/api/manager/snapshot' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/manager/snapshot', headers: dana.headers })).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/manager/pool/clear', headers: dana.headers })).statusCode,
    ).toBe(403);
    await expect(socket('/api/manager/live', {}).opened).rejects.toThrow('HTTP 401');
    await expect(socket('/api/manager/live', { cookie: dana.headers.cookie }).opened).rejects.toThrow('HTTP 403');
  });
});

describe('snapshot', () => {
  it('shows sessions with their packages, shared packages with reference counts, and the pool', async () => {
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('credit/scoring.pkg.yaml');
    const snap = await snapshot();
    const row = snap.sessions.find((x) => x.id === s.sid)!;
    expect(row).toMatchObject({
      name: `dana:${s.sid}`,
      user: 'dana',
      kind: 'studio',
      role: 'design',
      roles: ['design'],
      running: false,
      host: '127.0.0.1',
    });
    expect(row.packages[0]).toMatchObject({
      id: pkg.id,
      name: 'Credit scoring',
      version: '1.2.0',
      path: 'credit/scoring.pkg.yaml',
      running: false,
    });
    const common = snap.shared.find(
      (x) => x.path === 'lib/common.pkg.yaml' && x.referencedBy.some((h) => h.sessionId === s.sid),
    )!;
    expect(common.refCount).toBeGreaterThanOrEqual(1);
    expect(snap.pool).toMatchObject({ max: 10, items: [], hits: 0, misses: 0 });
    expect(typeof snap.version).toBe('number');
  });

  it('resolves host names on request, showing localhost for 127.0.0.1', async () => {
    await StudioClient.open(t.app, dana);
    // The first snapshot asks for the name; the lookup answers in the background.
    const named = async () =>
      (
        (
          await t.app.inject({ url: '/api/manager/snapshot?resolveNames=true', headers: admin.headers })
        ).json() as ManagerSnapshot
      ).sessions.some((x) => x.hostName === 'localhost');
    const until = Date.now() + 5000;
    while (!(await named()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await named()).toBe(true);
  });
});

describe('actions', () => {
  it('stops a running session, leaving it idle, and tells its tab', async () => {
    const s = await StudioClient.open(t.app, dana);
    const tab = socket<SessionEvent>(`/api/sessions/${s.sid}/events`, { cookie: dana.headers.cookie });
    await tab.opened;
    const pkg = await s.openPackage('demo/long-aggregation.pkg.yaml');
    await s.request('POST', `/packages/${pkg.id}/run`, {});
    await s.waitRunning(pkg.id);
    expect((await snapshot()).sessions.find((x) => x.id === s.sid)!.running).toBe(true);
    const res = await post(`/api/manager/sessions/${s.sid}/stop`);
    expect(res.statusCode).toBe(200);
    await s.waitIdle(pkg.id, 5000);
    expect((await snapshot()).sessions.find((x) => x.id === s.sid)!.running).toBe(false);
    await tab.waitFor((f) => f.type === 'stopped-by-administrator');
    expect(errorCode(await post(`/api/manager/sessions/${s.sid}/stop`))).toBe('NOT_RUNNING');
    tab.ws.close();
  });

  it('stops one package', async () => {
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('demo/long-aggregation.pkg.yaml');
    await s.request('POST', `/packages/${pkg.id}/run`, {});
    await s.waitRunning(pkg.id);
    expect((await post(`/api/manager/packages/${pkg.id}/stop`)).json()).toEqual({ stopped: true });
    const after = await s.waitIdle(pkg.id, 5000);
    expect(after.nodes.some((n) => n.state === 'cancelled')).toBe(true);
  });

  it('closes a session: its tab hears it was the administrator, unsaved work is backed up', async () => {
    const s = await StudioClient.open(t.app, dana);
    const tab = socket<SessionEvent>(`/api/sessions/${s.sid}/events`, { cookie: dana.headers.cookie });
    await tab.opened;
    const pkg = await s.openPackage('demo/hello.pkg.yaml');
    const src = (await s.request('GET', `/packages/${pkg.id}/source`)).json().yaml as string;
    await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: src.replace('name: Hello', 'name: Hello edited') });
    const res = await post(`/api/manager/sessions/${s.sid}/close`);
    expect(res.statusCode).toBe(200);
    const closed = (await tab.waitFor((f) => f.type === 'session-closed')) as Extract<
      SessionEvent,
      { type: 'session-closed' }
    >;
    expect(closed.reason).toBe('administrator');
    expect(closed.by).toMatch(/^admin:/);
    expect((await snapshot()).sessions.some((x) => x.id === s.sid)).toBe(false);
    const folder = path.join(t.dataDir, 'backups', `dana_${s.sid}`);
    const files = readdirSync(folder);
    expect(files.some((f) => f.endsWith('.pkg.yaml'))).toBe(true);
  });

  it('refuses to close a referenced shared package, naming its holders', async () => {
    const s = await StudioClient.open(t.app, dana);
    await s.openPackage('credit/scoring.pkg.yaml');
    const common = (await snapshot()).shared.find((x) => x.referencedBy.some((h) => h.sessionId === s.sid))!;
    const res = await post(`/api/manager/packages/${common.id}/close`);
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('PACKAGE_REFERENCED');
    expect(res.json().error.message).toContain(`dana:${s.sid}`);
    expect(res.json().error.details.holders.map((h: { name: string }) => h.name)).toEqual(
      expect.arrayContaining([`dana:${s.sid}`]),
    );
  });

  it('closes a package of a session and records every action in the audit log', async () => {
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('demo/hello.pkg.yaml');
    expect((await post(`/api/manager/packages/${pkg.id}/close`)).statusCode).toBe(200);
    expect(errorCode(await s.request('GET', `/packages/${pkg.id}`))).toBe('PACKAGE_NOT_FOUND');
    const entries = (await t.app.inject({ url: '/api/manager/audit', headers: admin.headers })).json().entries;
    expect(entries[0]).toMatchObject({ actor: 'admin', action: 'package.close', outcome: 'ok' });
    expect(
      entries.some((e: { action: string; outcome: string }) => e.action === 'package.close' && e.outcome === 'error'),
    ).toBe(true);
  });

  it('clears the pool', async () => {
    const res = await post('/api/manager/pool/clear');
    expect(res.json()).toEqual({ removed: 0 });
  });
});

describe('live feed', () => {
  it('sends a snapshot, then deltas as sessions open, run and close', async () => {
    const live = socket<ManagerLiveFrame>('/api/manager/live', { cookie: admin.headers.cookie });
    await live.opened;
    const first = await live.waitFor((f) => f.type === 'snapshot');
    expect(first.type).toBe('snapshot');
    const s = await StudioClient.open(t.app, dana);
    await live.waitFor((f) => f.type === 'delta' && f.upsertSessions.some((x) => x.id === s.sid));
    const pkg = await s.openPackage('demo/long-aggregation.pkg.yaml');
    await s.request('POST', `/packages/${pkg.id}/run`, {});
    const running = await live.waitFor(
      (f) =>
        f.type === 'delta' &&
        f.upsertSessions.some((x) => x.id === s.sid && x.packages.some((p) => p.progress !== undefined)),
    );
    expect(running.type).toBe('delta');
    await s.request('POST', `/packages/${pkg.id}/stop`);
    await s.request('DELETE', '');
    await live.waitFor((f) => f.type === 'delta' && f.removeSessions.includes(s.sid));
    await post('/api/manager/pool/clear');
    await live.waitFor((f) => f.type === 'audit' && f.entry.action === 'pool.clear');
    live.ws.close();
  });
});

describe('cross-site WebSocket', () => {
  it('refuses an upgrade from a foreign origin even with the cookie', async () => {
    const foreign = socket('/api/manager/live', { cookie: admin.headers.cookie, origin: 'http://evil.example' });
    await expect(foreign.opened).rejects.toThrow('HTTP 403');
    const own = socket('/api/manager/live', { cookie: admin.headers.cookie, origin: `http://${base}` });
    await own.opened;
    own.ws.close();
  });
});

describe('connection check', () => {
  it('closes the session of a client that went away, backing up its unsaved work', async () => {
    await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: admin.headers,
      payload: { connectionCheckPeriodSeconds: 1 },
    });
    try {
      const s = await StudioClient.open(t.app, dana);
      const tab = socket<SessionEvent>(`/api/sessions/${s.sid}/events`, { cookie: dana.headers.cookie });
      await tab.opened;
      const pkg = await s.openPackage('demo/hello.pkg.yaml');
      const src = (await s.request('GET', `/packages/${pkg.id}/source`)).json().yaml as string;
      await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: src + '\n# unsaved\n' });
      // Still alive after more than a period while connected.
      await new Promise((r) => setTimeout(r, 2500));
      expect((await snapshot()).sessions.some((x) => x.id === s.sid)).toBe(true);
      tab.ws.terminate();
      const until = Date.now() + 10_000;
      while ((await snapshot()).sessions.some((x) => x.id === s.sid)) {
        if (Date.now() > until) throw new Error('session of a gone client still open');
        await new Promise((r) => setTimeout(r, 100));
      }
      // The backup is written as the session closes; give the file system a moment.
      const folder = path.join(t.dataDir, 'backups', `dana_${s.sid}`);
      const backupUntil = Date.now() + 5000;
      // Each backup has its catalog sidecar (.pkg.yaml.json) beside it.
      const backups = () => readdirSync(folder).filter((f) => f.endsWith('.pkg.yaml'));
      while (!existsSync(folder) || backups().length === 0) {
        if (Date.now() > backupUntil) throw new Error('no backup of the unsaved work');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(backups()).toHaveLength(1);
    } finally {
      await t.app.inject({
        method: 'PUT',
        url: '/api/admin/parameters',
        headers: admin.headers,
        payload: { connectionCheckPeriodSeconds: 60 },
      });
    }
  });
});
