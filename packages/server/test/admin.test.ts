// Server parameters, users and the audit log through the real HTTP API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, errorCode, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
beforeEach(async () => {
  t = await makeTestApp();
  admin = await login(t.app);
});
afterEach(async () => {
  await t.close();
});

const put = (url: string, payload: unknown) =>
  t.app.inject({ method: 'PUT', url, headers: admin.headers, payload: payload as object });

describe('server parameters', () => {
  it('reads the defaults the README lists, the engine threads, the memory budget (0: automatic) and the per-user limits', async () => {
    const res = await t.app.inject({ url: '/api/admin/parameters', headers: admin.headers });
    expect(res.json()).toEqual({
      packagePoolSize: 10,
      connectionCheckPeriodSeconds: 60,
      serverStopTimeoutSeconds: 10,
      loginAttemptLimit: 5,
      loginLockoutSeconds: 300,
      logLevel: 'info',
      integratorBodyLimitBytes: 10 * 1024 * 1024,
      integratorTimeoutSeconds: 60,
      engineThreads: 2,
      poolEngineThreads: 1,
      memoryBudgetMB: 0,
      userSessionLimit: 20,
      adminSessionLimit: 100,
      sessionPackageLimit: 20,
      adminSessionPackageLimit: 100,
      executionHistoryLimit: 10000,
      runningWarnSeconds: 60,
      runningAlertSeconds: 300,
      runningLimitSeconds: 0,
      studioIdleTimeoutSeconds: 0,
    });
  });

  it.each([
    [{ packagePoolSize: -1 }, 'packagePoolSize'],
    [{ packagePoolSize: 'abc' }, 'packagePoolSize'],
    [{ logLevel: 'loud' }, 'logLevel'],
    [{ noSuchKey: 1 }, 'noSuchKey'],
  ])('refuses %j with a 400 naming the field', async (payload, field) => {
    const res = await put('/api/admin/parameters', payload);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(res.json().error.message).toContain(field);
    expect(res.json().error.details.issues[0].field).toBe(field);
  });

  it('stores nothing when one value of an update is bad', async () => {
    await put('/api/admin/parameters', { packagePoolSize: 3, loginLockoutSeconds: -5 });
    const res = await t.app.inject({ url: '/api/admin/parameters', headers: admin.headers });
    expect(res.json().packagePoolSize).toBe(10);
  });

  it('keeps a change across a restart on the same data directory', async () => {
    expect((await put('/api/admin/parameters', { packagePoolSize: 7 })).json().packagePoolSize).toBe(7);
    await t.app.close();
    const { makeTestApp: again } = await import('./helpers/test-app');
    const second = await again({}, {}, t.dataDir);
    const a2 = await login(second.app);
    expect(
      (await second.app.inject({ url: '/api/admin/parameters', headers: a2.headers })).json().packagePoolSize,
    ).toBe(7);
    await second.app.close();
  });
});

describe('users', () => {
  it('adds a user, changes roles, blocks and removes, each audited', async () => {
    await createUser(t.app, admin, 'anna', ['design', 'view']);
    let res = await put('/api/admin/users/anna', { roles: ['view', 'admin'] });
    expect(res.json().roles).toEqual(['admin', 'view']);
    res = await put('/api/admin/users/anna', { blocked: true });
    expect(res.json().blocked).toBe(true);
    res = await t.app.inject({ method: 'DELETE', url: '/api/admin/users/anna', headers: admin.headers });
    expect(res.statusCode).toBe(204);
    const list = (await t.app.inject({ url: '/api/admin/users', headers: admin.headers })).json().users;
    expect(list.map((u: { name: string }) => u.name)).toEqual(['admin']);
    const audit = (await t.app.inject({ url: '/api/manager/audit', headers: admin.headers })).json().entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'user.remove',
      'user.update',
      'user.update',
      'user.create',
    ]);
    expect(audit[0]).toMatchObject({ actor: 'admin', target: 'anna', outcome: 'ok' });
  });

  it('refuses a duplicate name, a short password and an unknown role', async () => {
    await createUser(t.app, admin, 'bob', ['view']);
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin.headers, payload });
    expect(errorCode(await post({ name: 'bob', password: 'long-enough-1', roles: ['view'] }))).toBe('USER_EXISTS');
    expect(errorCode(await post({ name: 'carl', password: 'short', roles: ['view'] }))).toBe('VALIDATION_FAILED');
    expect(errorCode(await post({ name: 'carl', password: 'long-enough-1', roles: ['wizard'] }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(errorCode(await post({ name: '../x', password: 'long-enough-1', roles: ['view'] }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('never removes the last administrator', async () => {
    const res = await put('/api/admin/users/admin', { roles: ['view'] });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('LAST_ADMIN');
    const del = await t.app.inject({ method: 'DELETE', url: '/api/admin/users/admin', headers: admin.headers });
    expect(errorCode(del)).toBe('LAST_ADMIN');
  });

  it('lets a user log in with a password reset by an administrator, ending the logins made before', async () => {
    await createUser(t.app, admin, 'dora', ['view']);
    const before = await login(t.app, 'dora', 'user-password-1');
    const me = (who: LoggedIn) => t.app.inject({ url: '/api/auth/me', headers: who.headers });
    expect((await me(before)).statusCode).toBe(200);
    await put('/api/admin/users/dora', { roles: ['view', 'design'] });
    expect((await me(before)).json().user.roles).toEqual(expect.arrayContaining(['view', 'design']));
    await put('/api/admin/users/dora', { password: 'brand-new-pass' });
    expect((await me(before)).statusCode).toBe(401);
    const after = await login(t.app, 'dora', 'brand-new-pass');
    expect((await me(after)).statusCode).toBe(200);
  });

  it("keeps the administrator's own login when they change their own password, and ends their others", async () => {
    const other = await login(t.app);
    const res = await put('/api/admin/users/admin', { password: 'admin-password-2' });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: admin.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: other.headers })).statusCode).toBe(401);
  });

  it('never lists password hashes', async () => {
    const body = (await t.app.inject({ url: '/api/admin/users', headers: admin.headers })).body;
    expect(body).not.toContain('scrypt');
  });
});

describe('refused administrator actions in the audit log', () => {
  const entries = async () =>
    (await t.app.inject({ url: '/api/manager/audit', headers: admin.headers })).json().entries as {
      actor: string;
      action: string;
      target: string | null;
      outcome: string;
      details: Record<string, unknown> | null;
    }[];

  it('records a non-administrator calling an admin action as refused FORBIDDEN, and nothing for anonymous calls', async () => {
    await createUser(t.app, admin, 'dana', ['design']);
    const dana = await login(t.app, 'dana', 'user-password-1');
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/api/admin/users/admin',
      headers: dana.headers,
    });
    expect(res.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      payload: { logLevel: 'debug' },
    });
    expect(anonymous.statusCode).toBe(401);
    // Reading is no action: a refused GET is not recorded.
    expect((await t.app.inject({ url: '/api/admin/users', headers: dana.headers })).statusCode).toBe(403);
    const [latest, ...rest] = await entries();
    expect(latest).toMatchObject({
      actor: 'dana',
      action: 'user.remove',
      target: 'admin',
      outcome: 'error',
      details: { error: 'FORBIDDEN' },
    });
    expect(rest.map((e) => e.action)).toEqual(['user.create']);
  });

  it('records the last administrator refused, with the reason, and a missing CSRF token', async () => {
    expect(errorCode(await put('/api/admin/users/admin', { roles: ['view'] }))).toBe('LAST_ADMIN');
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/manager/pool/clear',
      headers: { cookie: admin.headers.cookie! },
    });
    expect(errorCode(noCsrf)).toBe('CSRF_REJECTED');
    const [csrf, lastAdmin] = await entries();
    expect(lastAdmin).toMatchObject({
      actor: 'admin',
      action: 'user.update',
      target: 'admin',
      outcome: 'error',
      details: { roles: ['view'], passwordReset: false, error: 'LAST_ADMIN' },
    });
    expect(String(lastAdmin!.details!.reason)).toContain('last active administrator');
    expect(csrf).toMatchObject({ action: 'pool.clear', outcome: 'error', details: { error: 'CSRF_REJECTED' } });
  });

  it('records a body refused by the parser, before any handler, against the caller of the cookie', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: '{"logLevel": "debug",',
    });
    expect(res.statusCode).toBe(400);
    expect((await entries())[0]).toMatchObject({
      actor: 'admin',
      action: 'parameters.update',
      outcome: 'error',
      details: { values: null, error: 'BAD_REQUEST' },
    });
  });

  it('stores at most REFUSALS_PER_MINUTE refusals of one actor a minute', async () => {
    const { REFUSALS_PER_MINUTE } = await import('../src/http/audited');
    for (let i = 0; i < REFUSALS_PER_MINUTE + 5; i++) {
      expect(errorCode(await put('/api/admin/parameters', { packagePoolSize: -1 - i }))).toBe('VALIDATION_FAILED');
    }
    const stored = (await entries()).filter((e) => e.action === 'parameters.update');
    expect(stored).toHaveLength(REFUSALS_PER_MINUTE);
    // An action that is done is always recorded.
    expect((await put('/api/admin/parameters', { packagePoolSize: 4 })).statusCode).toBe(200);
    expect((await entries())[0]).toMatchObject({ action: 'parameters.update', outcome: 'ok' });
  });
});
