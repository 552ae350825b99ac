// Login, lockout, blocking, roles and CSRF through the real HTTP API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createUser, errorCode, login, makeTestApp, type TestApp } from './helpers/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const loginAs = (username: string, password: string, ip = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });

describe('login', () => {
  it('logs in with the right password and sets an httpOnly SameSite=Strict cookie', async () => {
    const res = await loginAs('admin', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toEqual({ name: 'admin', roles: ['admin'] });
    const cookie = res.cookies.find((c) => c.name === 'flowport_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.value.length).toBeGreaterThanOrEqual(40);
  });

  it('answers a wrong password and an unknown user the same way', async () => {
    const wrong = await loginAs('admin', 'nope-nope');
    const unknown = await loginAs('ghost', 'nope-nope');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('locks an account after the failed-login limit, even with the right password', async () => {
    const admin = await login(t.app);
    await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: admin.headers,
      payload: { loginAttemptLimit: 3 },
    });
    for (let i = 0; i < 3; i++) expect((await loginAs('admin', 'bad-password', `10.0.0.${i}`)).statusCode).toBe(401);
    const locked = await loginAs('admin', ADMIN_PASSWORD, '10.0.0.9');
    expect(locked.statusCode).toBe(429);
    expect(errorCode(locked)).toBe('LOGIN_LOCKED');
  });

  it('locks a client that guesses many accounts', async () => {
    const admin = await login(t.app);
    await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: admin.headers,
      payload: { loginAttemptLimit: 3 },
    });
    for (const u of ['a1', 'a2', 'a3']) await loginAs(u, 'bad-password', '10.9.9.9');
    expect(errorCode(await loginAs('admin', ADMIN_PASSWORD, '10.9.9.9'))).toBe('LOGIN_LOCKED');
    expect((await loginAs('admin', ADMIN_PASSWORD, '10.9.9.8')).statusCode).toBe(200);
  });

  it('counts HTTP Basic failures against the same limit', async () => {
    const admin = await login(t.app);
    await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: admin.headers,
      payload: { loginAttemptLimit: 2 },
    });
    const basic = (p: string) => 'Basic ' + Buffer.from(`admin:${p}`).toString('base64');
    for (let i = 0; i < 2; i++) {
      const r = await t.app.inject({
        url: '/api/auth/me',
        headers: { authorization: basic('wrong-one') },
        remoteAddress: '10.1.1.1',
      });
      expect(r.statusCode).toBe(401);
    }
    const r = await t.app.inject({
      url: '/api/auth/me',
      headers: { authorization: basic(ADMIN_PASSWORD) },
      remoteAddress: '10.1.1.2',
    });
    expect(errorCode(r)).toBe('LOGIN_LOCKED');
  });

  it('refuses a blocked user and a user without a role', async () => {
    const admin = await login(t.app);
    await createUser(t.app, admin, 'blocky', ['design']);
    await createUser(t.app, admin, 'nobody', []);
    await t.app.inject({
      method: 'PUT',
      url: '/api/admin/users/blocky',
      headers: admin.headers,
      payload: { blocked: true },
    });
    const blocked = await loginAs('blocky', 'user-password-1');
    expect(blocked.statusCode).toBe(403);
    expect(errorCode(blocked)).toBe('ACCOUNT_BLOCKED');
    const noRole = await loginAs('nobody', 'user-password-1');
    expect(noRole.statusCode).toBe(403);
    expect(errorCode(noRole)).toBe('NO_ROLE');
  });

  it('ends the login of a user who gets blocked', async () => {
    const admin = await login(t.app);
    await createUser(t.app, admin, 'des', ['design']);
    const des = await login(t.app, 'des', 'user-password-1');
    expect((await t.app.inject({ url: '/api/auth/me', headers: des.headers })).statusCode).toBe(200);
    await t.app.inject({
      method: 'PUT',
      url: '/api/admin/users/des',
      headers: admin.headers,
      payload: { blocked: true },
    });
    expect((await t.app.inject({ url: '/api/auth/me', headers: des.headers })).statusCode).toBe(401);
  });

  it('logs out', async () => {
    const admin = await login(t.app);
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: admin.headers });
    expect(out.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: admin.headers })).statusCode).toBe(401);
  });
});

describe('route guard', () => {
  it('answers 401 to an anonymous call and 403 to a wrong role', async () => {
    expect((await t.app.inject({ url: '/api/admin/parameters' })).statusCode).toBe(401);
    const admin = await login(t.app);
    await createUser(t.app, admin, 'viewer', ['view']);
    const viewer = await login(t.app, 'viewer', 'user-password-1');
    const res = await t.app.inject({ url: '/api/admin/parameters', headers: viewer.headers });
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe('FORBIDDEN');
  });

  it('refuses a state-changing cookie request without the CSRF token', async () => {
    const admin = await login(t.app);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: { cookie: admin.headers.cookie },
      payload: { packagePoolSize: 3 },
    });
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe('CSRF_REJECTED');
    const wrong = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: { cookie: admin.headers.cookie, 'x-csrf-token': 'forged' },
      payload: { packagePoolSize: 3 },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/admin/parameters', headers: admin.headers })).json().packagePoolSize).toBe(
      10,
    );
  });

  it('accepts HTTP Basic without a CSRF token', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/parameters',
      headers: { authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64') },
      payload: { packagePoolSize: 4 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().packagePoolSize).toBe(4);
  });

  it('answers health without a login', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    expect(res.json()).toEqual({ status: 'ok', version: expect.any(String) });
  });

  it('answers an unknown API path with a JSON 404', async () => {
    const res = await t.app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('NOT_FOUND');
  });
});
