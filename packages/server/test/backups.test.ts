// Backups of unsaved work through the real HTTP API: named in the closed-session event, listed per user, opened, discarded.
import type { BackupDto, SessionEvent } from '@flowport/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSocket, sqlPackage, writePackage } from './helpers/hostile-helpers';
import { listen } from './helpers/integration-helpers';
import { StudioClient } from './helpers/studio-client';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
let dana: LoggedIn;
let erin: LoggedIn;
let base: string;

beforeAll(async () => {
  t = await makeTestApp({}, { watchStorage: false });
  admin = await login(t.app);
  await createUser(t.app, admin, 'dana', ['design']);
  await createUser(t.app, admin, 'erin', ['design']);
  dana = await login(t.app, 'dana', 'user-password-1');
  erin = await login(t.app, 'erin', 'user-password-1');
  base = (await listen(t.app)).replace('http://', '');
  writePackage(t.dataDir, 'b/work.pkg.yaml', sqlPackage('Work', 'a', 'select 1 as x'));
});
afterAll(async () => {
  await t.close();
});

const list = async (who: LoggedIn, url = '/api/backups'): Promise<BackupDto[]> => {
  const res = await t.app.inject({ url, headers: who.headers });
  expect(res.statusCode).toBe(200);
  return res.json().backups;
};

describe('backups', () => {
  it("an administrator's close names the backup; its user lists, opens and discards it, nobody else sees it", async () => {
    const s = await StudioClient.open(t.app, dana);
    const tab = liveSocket<SessionEvent>(base, `/api/sessions/${s.sid}/events`, {
      cookie: dana.headers.cookie,
      origin: `http://${base}`,
    });
    await tab.opened;
    const pkg = await s.openPackage('b/work.pkg.yaml');
    const edited = sqlPackage('Work', 'a', 'select 42 as x');
    await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: edited });
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/manager/sessions/${s.sid}/close`, headers: admin.headers }))
        .statusCode,
    ).toBe(200);

    const closed = (await tab.waitFor((f) => f.type === 'session-closed')) as Extract<
      SessionEvent,
      { type: 'session-closed' }
    >;
    expect(closed.backups).toHaveLength(1);
    const [listed] = await list(dana);
    expect(listed).toMatchObject({
      file: closed.backups![0],
      user: 'dana',
      name: 'Work',
      path: 'b/work.pkg.yaml',
      reason: 'administrator',
      by: expect.stringMatching(/^admin:/),
    });
    expect(await list(erin)).toEqual([]);
    expect((await list(admin, '/api/admin/backups')).map((b) => b.id)).toContain(listed!.id);
    const id = encodeURIComponent(listed!.id);
    expect((await t.app.inject({ url: `/api/backups/source?id=${id}`, headers: erin.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/admin/backups`, headers: dana.headers })).statusCode).toBe(403);

    // Open as a draft: the backup's text in a new session.
    const source = await t.app.inject({ url: `/api/backups/source?id=${id}`, headers: dana.headers });
    expect(source.json().yaml).toBe(edited);
    const again = await StudioClient.open(t.app, dana);
    const draft = await again.request('POST', '/packages', { draft: { yaml: source.json().yaml } });
    expect(draft.json()).toMatchObject({ name: 'Work', path: null });

    const bad = await t.app.inject({
      url: `/api/backups/source?id=${encodeURIComponent('../x.pkg.yaml')}`,
      headers: dana.headers,
    });
    expect(bad.statusCode).toBe(400);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/backups?id=${id}`, headers: dana.headers });
    expect(del.statusCode).toBe(204);
    expect(await list(dana)).toEqual([]);
  });
});
