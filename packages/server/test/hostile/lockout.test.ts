// 300 wrong guesses at once, through a real listening server: at most the limit of them is ever judged, by HTTP Basic, login and token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, listen } from '../helpers/integration-helpers';
import { createUser, login, makeTestApp, type TestApp } from '../helpers/test-app';

const LIMIT = 5; // the loginAttemptLimit default
const PASSWORD = 'user-password-1';
const GUESSES = 300;

let t: TestApp;
let base: string;

beforeAll(async () => {
  // Behind a (pretend) proxy, so that each guess can come from another client address.
  t = await makeTestApp({ trustProxy: true });
  base = await listen(t.app);
  const admin = await login(t.app);
  for (const name of ['ann', 'bob', 'cy', 'dee', 'mallory', 'bert', 'carol'])
    await createUser(t.app, admin, name, ['design'], PASSWORD);
});
afterAll(async () => {
  await t.close();
});

const from = (address: string) => ({ 'x-forwarded-for': address });
/** A distinct client address per guess. */
const address = (net: number, i: number) => `10.${net}.${i >> 8}.${i & 255}`;

/** The error code of an answer, or OK. */
async function codeOf(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code: string } };
  return res.ok ? 'OK' : (body.error?.code ?? `HTTP ${res.status}`);
}

const post = (path: string, payload: object, headers: Record<string, string>) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
const loginAs = (username: string, password: string, headers: Record<string, string>) =>
  post('/api/auth/login', { username, password }, headers);
const tokenFor = (username: string, password: string, headers: Record<string, string>) =>
  post('/api/auth/token', { username, password }, headers);
const basic = (username: string, password: string, headers: Record<string, string>) =>
  fetch(`${base}/api/auth/me`, { headers: { authorization: basicAuth(username, password), ...headers } });

/** Sends all the requests at once and counts the answers by code. */
async function burst(requests: (() => Promise<Response>)[]): Promise<Record<string, number>> {
  const codes = await Promise.all(requests.map((r) => r().then(codeOf)));
  const counts: Record<string, number> = {};
  for (const c of codes) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

/** At most the limit judged (wrong password), every other one refused unjudged. */
function expectAtMostLimitJudged(counts: Record<string, number>): void {
  expect(Object.keys(counts).sort()).toEqual(['INVALID_CREDENTIALS', 'LOGIN_LOCKED']);
  expect(counts.INVALID_CREDENTIALS).toBeGreaterThanOrEqual(1);
  expect(counts.INVALID_CREDENTIALS).toBeLessThanOrEqual(LIMIT);
  expect(counts.LOGIN_LOCKED).toBe(GUESSES - counts.INVALID_CREDENTIALS!);
}

describe('parallel wrong guesses at one account, each from another address', () => {
  it('by HTTP Basic: at most 5 are judged, and the right password is then refused', async () => {
    const counts = await burst(
      Array.from({ length: GUESSES }, (_, i) => () => basic('ann', `wrong-${i}`, from(address(1, i)))),
    );
    console.log('HTTP Basic, 300 guesses at once:', counts);
    expectAtMostLimitJudged(counts);
    expect(await codeOf(await basic('ann', PASSWORD, from('10.101.0.1')))).toBe('LOGIN_LOCKED');
  });

  it('by POST /api/auth/login: the same', async () => {
    const counts = await burst(
      Array.from({ length: GUESSES }, (_, i) => () => loginAs('bob', `wrong-${i}`, from(address(2, i)))),
    );
    console.log('login, 300 guesses at once:', counts);
    expectAtMostLimitJudged(counts);
    const right = await loginAs('bob', PASSWORD, from('10.102.0.1'));
    expect(right.status).toBe(429);
    expect(await codeOf(right)).toBe('LOGIN_LOCKED');
  });

  it('by POST /api/auth/token: the same, and no token is issued', async () => {
    const counts = await burst(
      Array.from({ length: GUESSES }, (_, i) => () => tokenFor('cy', `wrong-${i}`, from(address(3, i)))),
    );
    console.log('token, 300 guesses at once:', counts);
    expectAtMostLimitJudged(counts);
    const right = await tokenFor('cy', PASSWORD, from('10.103.0.1'));
    expect(await codeOf(right)).toBe('LOGIN_LOCKED');
  });

  it('for a user who does not exist: the same answers, so names cannot be told apart', async () => {
    const counts = await burst(
      Array.from({ length: GUESSES }, (_, i) => () => loginAs('nobody-here', `wrong-${i}`, from(address(4, i)))),
    );
    expectAtMostLimitJudged(counts);
  });
});

describe('guesses from one address', () => {
  it('at many accounts at once: at most 5 are judged, and the address is locked for every account', async () => {
    const counts = await burst(
      Array.from({ length: GUESSES }, (_, i) => () => loginAs(`user-${i}`, 'wrong', from('10.20.0.1'))),
    );
    console.log('one address, 300 accounts at once:', counts);
    expectAtMostLimitJudged(counts);
    expect(await codeOf(await loginAs('dee', PASSWORD, from('10.20.0.1')))).toBe('LOGIN_LOCKED');
    // The accounts themselves are not locked: dee logs in from elsewhere.
    expect(await codeOf(await loginAs('dee', PASSWORD, from('10.20.0.2')))).toBe('OK');
  });

  it('spraying accounts is not reset by logging into one’s own account between guesses', async () => {
    const attacker = from('10.21.0.1');
    for (let i = 0; i < LIMIT - 1; i++)
      expect(await codeOf(await loginAs(`victim-${i}`, 'guess', attacker))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(await loginAs('mallory', PASSWORD, attacker))).toBe('OK');
    expect(await codeOf(await loginAs('victim-9', 'guess', attacker))).toBe('INVALID_CREDENTIALS');
    // Five failures from this address: it is locked, mallory's own right password included.
    expect(await codeOf(await loginAs('victim-10', 'guess', attacker))).toBe('LOGIN_LOCKED');
    expect(await codeOf(await loginAs('mallory', PASSWORD, attacker))).toBe('LOGIN_LOCKED');
  });
});

describe('a success', () => {
  it('does not reset another account’s failures, nor the account’s failures from other addresses', async () => {
    // bert: four wrong guesses from one address.
    for (let i = 0; i < LIMIT - 1; i++)
      expect(await codeOf(await loginAs('bert', 'guess', from('10.30.0.1')))).toBe('INVALID_CREDENTIALS');
    // Others log in from that address, and bert himself from another one.
    expect(await codeOf(await loginAs('carol', PASSWORD, from('10.30.0.1')))).toBe('OK');
    expect(await codeOf(await loginAs('bert', PASSWORD, from('10.30.0.2')))).toBe('OK');
    // bert's four failures still stand: one more, from anywhere, locks the account.
    expect(await codeOf(await loginAs('bert', 'guess', from('10.30.0.3')))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(await loginAs('bert', PASSWORD, from('10.30.0.4')))).toBe('LOGIN_LOCKED');
  });
});

describe('the server', () => {
  it('still answers, and accounts nobody guessed at log in', async () => {
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    expect(await codeOf(await loginAs('admin', 'admin-password-1', from('10.40.0.1')))).toBe('OK');
  });
});
