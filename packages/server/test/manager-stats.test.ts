// The server panel's samples and the administrator's own Session Manager connection, through the real HTTP and WebSocket servers.
import {
  decodeLiveFrame,
  MANAGER_SESSION_CLOSED,
  type ManagerSnapshot,
  type ServerStats,
  type WireLiveFrame,
} from '@flowport/protocol';
import { StudioClient } from './helpers/studio-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedWithin, liveSocket } from './helpers/live-socket';
import { basicAuth, listen, setParameters, snapshot, waitFor } from './helpers/integration-helpers';
import { auditEntries } from './helpers/hostile-helpers';
import { ADMIN_PASSWORD, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
let ws: string;

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { watchStorage: false, exampleDataRows: 200, statsIntervalMs: 300 });
  ws = (await listen(t.app)).replace('http://', 'ws://');
  admin = await login(t.app);
});
afterAll(async () => {
  await t.close();
});

const stats = async (): Promise<ServerStats> => {
  const res = await t.app.inject({ url: '/api/manager/stats', headers: admin.headers });
  expect(res.statusCode).toBe(200);
  return res.json();
};

const live = () =>
  liveSocket(`${ws}/api/manager/live`, { cookie: admin.headers.cookie, origin: ws.replace('ws', 'http') });

describe('GET /api/manager/stats', () => {
  it('answers samples of the interval, moving, and the live feed sends each one', async () => {
    const first = await waitFor('two samples', async () => {
      const s = await stats();
      return s.samples.length >= 2 ? s : undefined;
    });
    expect(first.intervalMs).toBe(300);
    expect(first.node).toBeUndefined();
    const last = first.samples.at(-1)!;
    expect(last.t).toBeGreaterThan(first.samples.at(-2)!.t);
    expect(last.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(last.heapBytes).toBeGreaterThan(0);
    expect(last.heapBytes).toBeLessThan(last.rssBytes);
    expect(last.budgetBytes).toBeGreaterThan(0);
    expect(last.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(last.loopDelayMs).toBeGreaterThanOrEqual(0);
    expect(last.running).toBe(0);

    // Integrator calls in one interval show in the next sample as calls per second.
    const user = await t.app.inject({
      method: 'POST',
      url: '/integrator/v1/demo/hello.pkg.yaml/greeting',
      headers: { authorization: basicAuth('admin', ADMIN_PASSWORD) },
      payload: {},
    });
    expect(user.statusCode).toBe(200);
    const moved = await waitFor('a sample with the call', async () =>
      (await stats()).samples.find((s) => s.t > last.t && s.integratorPerSecond > 0),
    );
    expect(moved.integratorP95Ms).toBeGreaterThan(0);

    const feed = live();
    await feed.opened;
    const frame = await feed.waitFor((f) => f.type === 'stats');
    expect((frame.data as { sample: { t: number } }).sample.t).toBeGreaterThan(moved.t);
    feed.ws.close();
    await closedWithin(feed, 2000);
  });

  it('is for administrators only', async () => {
    expect((await t.app.inject({ url: '/api/manager/stats' })).statusCode).toBe(401);
  });
});

describe("the administrator's own session", () => {
  it('is a manager row while the socket is open, and Close on it closes the socket with the reason', async () => {
    const feed = live();
    await feed.opened;
    const first = (await feed.waitFor((f) => f.type === 'snapshot')).data as { snapshot: ManagerSnapshot };
    const own = first.snapshot.sessions.filter((s) => s.kind === 'manager');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ user: 'admin', host: '127.0.0.1', packages: [], running: false, role: 'admin' });
    const id = own[0]!.id;
    await new Promise((r) => setTimeout(r, 5));

    const stop = await t.app.inject({
      method: 'POST',
      url: `/api/manager/sessions/${id}/stop`,
      headers: admin.headers,
    });
    expect(stop.statusCode).toBe(409);
    expect(stop.json().error.message).toContain('Session Manager connection');
    // The administrator's action is that connection's activity.
    const touched = await waitFor('its activity', async () =>
      (await snapshot(t.app, admin)).sessions.find((x) => x.id === id && x.lastActivityAt > own[0]!.lastActivityAt),
    );
    expect(Date.parse(touched.lastActivityAt)).toBeGreaterThan(Date.parse(own[0]!.createdAt));

    const close = await t.app.inject({
      method: 'POST',
      url: `/api/manager/sessions/${id}/close`,
      headers: admin.headers,
    });
    expect(close.statusCode).toBe(200);
    const closed = await closedWithin(feed, 2000);
    expect(closed.code).toBe(MANAGER_SESSION_CLOSED);
    expect(closed.reason).toMatch(/^Session Manager connection closed by admin:.+ \(administrator\)$/);
    expect((await snapshot(t.app, admin)).sessions.some((s) => s.id === id)).toBe(false);
    const entry = (await auditEntries(t.app, admin)).find((e) => e.action === 'session.close');
    expect(entry?.target).toBe(own[0]!.name);
  });

  it('leaves the list when its socket closes', async () => {
    const feed = live();
    await feed.opened;
    await waitFor('the row', async () => (await snapshot(t.app, admin)).sessions.some((s) => s.kind === 'manager'));
    feed.ws.close();
    await closedWithin(feed, 2000);
    await waitFor('no row', async () => !(await snapshot(t.app, admin)).sessions.some((s) => s.kind === 'manager'));
  });
});

describe('compact live frames (?wire=compact)', () => {
  it('carry the same rows as the full snapshot, in less than half the bytes', async () => {
    const s = await StudioClient.open(t.app, admin);
    for (const p of ['demo/hello.pkg.yaml', 'lib/common.pkg.yaml', 'demo/long-aggregation.pkg.yaml'])
      await s.openPackage(p);
    const headers = { cookie: admin.headers.cookie, origin: ws.replace('ws', 'http') };
    const compact = liveSocket(`${ws}/api/manager/live?wire=compact`, headers);
    await compact.opened;
    const frame = (await compact.waitFor((f) => f.type === 'snapshot')).data as unknown as WireLiveFrame;
    const decoded = decodeLiveFrame(frame) as { type: 'snapshot'; snapshot: ManagerSnapshot };
    const full = await snapshot(t.app, admin);
    expect(decoded.snapshot.sessions).toEqual(full.sessions);
    expect(decoded.snapshot.pool).toEqual(full.pool);
    const wire = (frame as Extract<WireLiveFrame, { type: 'snapshot' }>).snapshot.sessions;
    const compactBytes = JSON.stringify(wire.filter((r) => r.kind === undefined)).length;
    expect(compactBytes).toBeLessThan(JSON.stringify(full.sessions.filter((r) => r.kind === 'studio')).length / 2);
    // A delta in the compact form too: the session's close.
    await s.request('DELETE', '');
    const delta = await compact.waitFor((f) => f.type === 'delta' && (f.removeSessions as string[]).includes(s.sid));
    expect(typeof (delta.data as { serverTime: unknown }).serverTime).toBe('number');
    compact.ws.close();
    await closedWithin(compact, 2000);
  });
});

describe('the watchdog parameters on the live feed', () => {
  it('come with the snapshot, and a delta carries them when they change', async () => {
    const feed = live();
    await feed.opened;
    const first = (await feed.waitFor((f) => f.type === 'snapshot')).data as { snapshot: ManagerSnapshot };
    expect(first.snapshot.watch).toEqual({ warnSeconds: 60, alertSeconds: 300, limitSeconds: 0, idleSeconds: 0 });
    await setParameters(t.app, admin, { runningAlertSeconds: 120 });
    const delta = await feed.waitFor((f) => f.type === 'delta' && f.watch !== undefined);
    expect(delta.data.watch).toEqual({ warnSeconds: 60, alertSeconds: 120, limitSeconds: 0, idleSeconds: 0 });
    await setParameters(t.app, admin, { runningAlertSeconds: 300 });
    feed.ws.close();
    await closedWithin(feed, 2000);
  });
});
