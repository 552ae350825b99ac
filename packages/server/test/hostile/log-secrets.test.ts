// Passwords typed anywhere (the name field, the password field, HTTP Basic, a broken body) never reach the log file, at any log level.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, listen } from '../helpers/integration-helpers';
import { rawRequest } from '../helpers/raw-http';
import { createUser, login, makeTestApp, type TestApp } from '../helpers/test-app';

/** Each a password someone typed; none may be in the log. */
const SECRETS = Array.from({ length: 10 }, (_, i) => `Pw${i}-correct-horse-battery`);

let t: TestApp;
let base: string;
let log: string;

beforeAll(async () => {
  t = await makeTestApp({ logLevel: 'trace' });
  base = await listen(t.app);
  const admin = await login(t.app);
  const json = { 'content-type': 'application/json' };
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    rawRequest(`${base}${url}`, { method: 'POST', headers: { ...json, ...headers }, body });

  // A password typed into the name field, by form login and by token.
  await post('/api/auth/login', JSON.stringify({ username: SECRETS[0], password: 'whatever-1' }));
  await post('/api/auth/token', JSON.stringify({ username: SECRETS[1], password: 'whatever-2' }));
  // A wrong password for a user who exists.
  await post('/api/auth/login', JSON.stringify({ username: 'admin', password: SECRETS[2] }));
  // HTTP Basic with a password as the name, and a wrong password, on the API and the Integrator.
  await rawRequest(`${base}/api/auth/me`, { headers: { authorization: basicAuth(SECRETS[3]!, SECRETS[4]!) } });
  await post('/integrator/v1/demo/hello.pkg.yaml/greeting', '{}', { authorization: basicAuth('admin', SECRETS[5]!) });
  // A body cut short and a body with a forbidden key, both carrying a password.
  await post('/api/auth/login', `{"username": "admin", "password": "${SECRETS[6]}"`);
  await post('/api/auth/login', `{"password": "${SECRETS[7]}", "__proto__": {"x": 1}}`);
  // Passwords an administrator sets.
  await createUser(t.app, admin, 'ann', ['design'], SECRETS[8]);
  await t.app.inject({
    method: 'PUT',
    url: '/api/admin/users/ann',
    headers: admin.headers,
    payload: { password: SECRETS[9] },
  });
  await t.app.close(); // writes the log out
  log = readFileSync(path.join(t.dataDir, 'logs', 'flowport.log'), 'utf8');
});
afterAll(() => {
  rmSync(t.dataDir, { recursive: true, force: true }); // the app is closed already
});

describe('the log file', () => {
  it('has none of the submitted passwords in any field of any line', () => {
    expect(log.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(log).not.toContain(secret);
    // Nor a part of one: the distinctive middle of every secret.
    expect(log).not.toContain('correct-horse');
  });

  it('names the user of a refused login only when such a user exists, and marks the others', () => {
    const refused = log
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'login refused');
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: '(unknown user)', nameDigest: expect.any(String), via: 'cookie' }),
        expect.objectContaining({ user: '(unknown user)', nameDigest: expect.any(String), via: 'token' }),
        expect.objectContaining({ user: 'admin', code: 'INVALID_CREDENTIALS' }),
      ]),
    );
    // Different names typed get different digests, so repeated attempts can be told apart.
    const digests = refused.filter((l) => l.nameDigest).map((l) => l.nameDigest);
    expect(new Set(digests).size).toBe(digests.length);
  });
});
