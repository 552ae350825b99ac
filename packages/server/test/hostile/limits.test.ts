// Hostile: one user opening sessions and packages without end, through the real server; the limits hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../helpers/integration-helpers';
import { StudioClient } from '../helpers/studio-client';
import { createUser, errorCode, login, makeTestApp, type LoggedIn, type TestApp } from '../helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
let viewer: LoggedIn;

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { exampleDataRows: 2000 });
  admin = await login(t.app);
  await createUser(t.app, admin, 'vic', ['view']);
  viewer = await login(t.app, 'vic', 'user-password-1');
});
afterAll(async () => {
  await t.close();
});

const newSession = (who: LoggedIn) => t.app.inject({ method: 'POST', url: '/api/sessions', headers: who.headers });

describe('sessions per user', () => {
  it('refuses a report viewer past 20 sessions with a clear error; the earlier sessions are untouched', async () => {
    const opened: StudioClient[] = [];
    const refused: { status: number; code?: string; message: string }[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await newSession(viewer);
      if (res.statusCode === 201) opened.push(new StudioClient(t.app, viewer, res.json().id));
      else refused.push({ status: res.statusCode, code: errorCode(res), message: res.json().error.message });
    }
    expect(opened).toHaveLength(20);
    expect(refused).toHaveLength(40);
    expect(refused.every((r) => r.status === 429 && r.code === 'LIMIT_REACHED')).toBe(true);
    expect(refused[0].message).toBe(
      'You have 20 open sessions (the limit is 20 for report viewers); close one in the Studio ' +
        'or ask an administrator to raise the server parameter userSessionLimit',
    );

    // Every admitted session is there and works: the scoring package opens and runs in the first and the last.
    const mine = (await snapshot(t.app, admin)).sessions.filter((s) => s.user === 'vic');
    expect(mine.map((s) => s.id).sort()).toEqual(opened.map((s) => s.sid).sort());
    for (const s of [opened[0], opened[19]]) {
      const pkg = await s.openPackage('credit/scoring.pkg.yaml');
      const done = await s.runToEnd(pkg.id, { node: 'scored' });
      expect(done.nodes.find((n) => n.id === 'scored')?.state).toBe('done');
    }

    // Closing one makes room for one.
    expect((await opened[5].request('DELETE', '')).statusCode).toBe(204);
    expect((await newSession(viewer)).statusCode).toBe(201);
    expect((await newSession(viewer)).statusCode).toBe(429);
  });

  it('applies a changed limit at once', async () => {
    const set = (v: number) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/admin/parameters',
        headers: admin.headers,
        payload: { userSessionLimit: v },
      });
    expect((await set(21)).statusCode).toBe(200);
    try {
      expect((await newSession(viewer)).statusCode).toBe(201);
      const refused = await newSession(viewer);
      expect(refused.json().error.message).toContain('You have 21 open sessions (the limit is 21 for report viewers)');
    } finally {
      await set(20);
    }
  });

  it('gives an administrator the higher limit of 100', async () => {
    for (let i = 0; i < 100; i++) expect((await newSession(admin)).statusCode).toBe(201);
    const res = await newSession(admin);
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toMatchObject({
      code: 'LIMIT_REACHED',
      message: expect.stringContaining('You have 100 open sessions (the limit is 100 for administrators)'),
      details: { limit: 'adminSessionLimit', open: 100, max: 100 },
    });
    // The administrator's sessions do not count against the viewer, nor the viewer's against them.
    expect((await snapshot(t.app, admin)).sessions.filter((s) => s.user === 'admin')).toHaveLength(100);
  });
});

describe('packages per session', () => {
  it('refuses a 21st package in a report viewer session, and a 101st in an administrator session', async () => {
    // A fresh user, so the sessions of the tests above do not count.
    await createUser(t.app, admin, 'rita', ['view']);
    const rita = await login(t.app, 'rita', 'user-password-1');
    const s = await StudioClient.open(t.app, rita);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await s.openPackage('demo/hello.pkg.yaml')).id);
    const refused = await s.request('POST', '/packages', { path: 'demo/hello.pkg.yaml' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({
      code: 'LIMIT_REACHED',
      message:
        'This session has 20 open packages (the limit is 20 per session for report viewers); close one before ' +
        'opening another, or ask an administrator to raise the server parameter sessionPackageLimit',
    });
    // The open ones are untouched and still run; closing one makes room.
    const hello = await s.get(ids[0]);
    expect(hello.name).toBe('Hello');
    expect((await s.request('DELETE', `/packages/${ids[3]}`)).statusCode).toBe(204);
    expect((await s.request('POST', '/packages', { path: 'demo/hello.pkg.yaml' })).statusCode).toBe(201);

    await createUser(t.app, admin, 'ada', ['admin']);
    const ada = await login(t.app, 'ada', 'user-password-1');
    const a = await StudioClient.open(t.app, ada);
    for (let i = 0; i < 100; i++) await a.openPackage('demo/hello.pkg.yaml');
    const draft = await a.request('POST', '/packages', { draft: {} });
    expect(draft.statusCode).toBe(429);
    expect(draft.json().error.message).toContain('the limit is 100 per session for administrators');
  });
});
