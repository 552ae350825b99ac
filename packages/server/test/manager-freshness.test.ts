// Through the real HTTP API: the manager feed's heartbeat (the page's last contact) and a parameter change audited with old → new.
import type { AuditEntry } from '@flowport/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSocket } from './helpers/hostile-helpers';
import { listen } from './helpers/integration-helpers';
import { login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
let base: string;

beforeAll(async () => {
  t = await makeTestApp({}, { watchStorage: false });
  admin = await login(t.app);
  base = (await listen(t.app)).replace('http://', '');
});
afterAll(async () => {
  await t.close();
});

describe('manager feed freshness', () => {
  it('sends a heartbeat every few seconds when nothing changes', async () => {
    const live = liveSocket<{ type: string; serverTime?: string }>(base, '/api/manager/live', {
      cookie: admin.headers.cookie,
      origin: `http://${base}`,
    });
    await live.opened;
    await live.waitFor((f) => f.type === 'snapshot');
    const beat = await live.waitFor((f) => f.type === 'heartbeat', 8000);
    expect(Date.parse(beat.serverTime!)).toBeGreaterThan(Date.now() - 10_000);
    live.ws.close();
  });
});

describe('parameter change audit', () => {
  it('names the changed parameters as the target, with old → new values', async () => {
    const before = (await t.app.inject({ url: '/api/admin/parameters', headers: admin.headers })).json();
    const next = before.packagePoolSize + 3;
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: admin.headers,
      payload: { packagePoolSize: next, logLevel: before.logLevel },
    });
    expect(res.statusCode).toBe(200);
    const audit = await t.app.inject({ url: '/api/manager/audit?limit=10', headers: admin.headers });
    const entry = (audit.json().entries as AuditEntry[]).find((e) => e.action === 'parameters.update');
    // The unchanged logLevel is sent but not a change.
    expect(entry?.target).toBe('packagePoolSize');
    expect(entry?.details?.changes).toEqual({ packagePoolSize: { from: before.packagePoolSize, to: next } });
  });
});
