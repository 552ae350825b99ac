// Behind a TLS proxy: the session cookie is Secure and the client address is the forwarded one, only with trustProxy.
import { afterEach, describe, expect, it } from 'vitest';
import { snapshot } from './helpers/integration-helpers';
import { ADMIN_PASSWORD, login, makeTestApp, type TestApp } from './helpers/test-app';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };

async function loginThroughProxy(app: TestApp['app']) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: FORWARDED,
    remoteAddress: '127.0.0.1',
    payload: { username: 'admin', password: ADMIN_PASSWORD },
  });
}

/** The host the manager shows for a Studio session opened through the proxy. */
async function sessionHost(app: TestApp['app']): Promise<string | undefined> {
  const admin = await login(app);
  const res = await app.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: { ...admin.headers, ...FORWARDED },
    remoteAddress: '127.0.0.1',
  });
  const sid = res.json().id as string;
  return (await snapshot(app, admin)).sessions.find((s) => s.id === sid)?.host;
}

describe('trustProxy', () => {
  it('off (the default): forwarded headers are ignored, the cookie is not Secure over plain HTTP', async () => {
    t = await makeTestApp();
    const res = await loginThroughProxy(t.app);
    expect(res.statusCode).toBe(200);
    expect(res.cookies.find((c) => c.name === 'flowport_session')!.secure).toBeUndefined();
    expect(await sessionHost(t.app)).toBe('127.0.0.1');
  });

  it('on: X-Forwarded-Proto https makes the cookie Secure, and X-Forwarded-For is the client address', async () => {
    t = await makeTestApp({ trustProxy: true });
    const res = await loginThroughProxy(t.app);
    expect(res.cookies.find((c) => c.name === 'flowport_session')!.secure).toBe(true);
    expect(await sessionHost(t.app)).toBe('203.0.113.7');
    // Logging out clears the cookie with the same attributes.
    const cookie = res.cookies.find((c) => c.name === 'flowport_session')!.value;
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...FORWARDED, cookie: `flowport_session=${cookie}`, 'x-csrf-token': res.json().csrfToken },
    });
    expect(out.cookies.find((c) => c.name === 'flowport_session')).toMatchObject({ secure: true, value: '' });
  });

  it('with proxy addresses: only a request from one of them is believed', async () => {
    t = await makeTestApp({ trustProxy: ['10.0.0.0/8'] });
    const direct = await loginThroughProxy(t.app); // from 127.0.0.1, not a listed proxy
    expect(direct.cookies.find((c) => c.name === 'flowport_session')!.secure).toBeUndefined();
    const viaProxy = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: FORWARDED,
      remoteAddress: '10.1.2.3',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(viaProxy.cookies.find((c) => c.name === 'flowport_session')!.secure).toBe(true);
  });
});
