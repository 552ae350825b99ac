// GET /metrics through the real app: who may read it, that it parses, and that each metric moves with what it counts.
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, type Exposition } from './support/exposition';
import { basicAuth, bearerToken, setParameters, waitFor } from './helpers/integration-helpers';
import { GREETING, TOTALS, USER_PASSWORD } from './helpers/integrator-app';
import { StudioClient } from './helpers/studio-client';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

const TOKEN = 'scrape-token-0123456789';
let t: TestApp;
let admin: LoggedIn;
let dana: LoggedIn;
let ian: string;

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true, metricsToken: TOKEN }, { exampleDataRows: 2000 });
  admin = await login(t.app);
  await createUser(t.app, admin, 'ian', ['batch']);
  await createUser(t.app, admin, 'dana', ['design']);
  dana = await login(t.app, 'dana', USER_PASSWORD);
  ian = await bearerToken(t.app, 'ian', USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

async function scrape(): Promise<Exposition> {
  const res = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return parseExposition(res.body);
}
const call = (url: string, payload: object = {}, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers: { authorization: ian, ...headers } });
const greet = (name: string) => call(GREETING, { inputs: { names: [{ name }] } });
/** Polls the scrape until `read` of it passes `ok`. */
const until = (what: string, read: (m: Exposition) => number | undefined, ok: (v: number) => boolean) =>
  waitFor(what, async () => {
    const v = read(await scrape());
    return v !== undefined && ok(v) ? v : undefined;
  });

describe('access', () => {
  it('answers 401 without a login or token, 403 to other roles, 200 to administrators and the token', async () => {
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('UNAUTHENTICATED');
    const designer = await t.app.inject({ url: '/metrics', headers: dana.headers });
    expect(designer.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: ian } })).statusCode).toBe(403);
    for (const headers of [
      admin.headers,
      { authorization: basicAuth('admin', 'admin-password-1') },
      { authorization: `Bearer ${TOKEN}` },
      { authorization: `bearer ${TOKEN}` },
    ]) {
      const res = await t.app.inject({ url: '/metrics', headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    }
  });

  it('takes no token when none is configured', async () => {
    const bare = await makeTestApp();
    try {
      const res = await bare.app.inject({ url: '/metrics', headers: { authorization: 'Bearer ' } });
      expect(res.statusCode).toBe(401);
      const adminOfBare = await login(bare.app);
      expect((await bare.app.inject({ url: '/metrics', headers: adminOfBare.headers })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

describe('the exposition', () => {
  it('parses, with the flowport_ metrics, the process metrics and this host as the node label', async () => {
    const m = await scrape();
    expect([...m.families.keys()]).toEqual(
      expect.arrayContaining([
        'flowport_sessions_open',
        'flowport_executions_running',
        'flowport_executions_finished_total',
        'flowport_execution_stop_seconds',
        'flowport_package_instances',
        'flowport_pool_capacity',
        'flowport_pool_hits_total',
        'flowport_pool_misses_total',
        'flowport_pool_evictions_total',
        'flowport_integrator_request_duration_seconds',
        'flowport_duckdb_memory_bytes',
        'flowport_memory_budget_bytes',
        'flowport_login_failures_total',
        'flowport_login_lockouts_total',
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
      ]),
    );
    expect(m.value('flowport_pool_capacity', { node: os.hostname() })).toBe(10);
  });
});

describe('the Grafana dashboard in docs/', () => {
  it('reads only metrics the server exposes, and every flowport_ metric is shown or named in the docs', async () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const dashboard = JSON.parse(readFileSync(path.join(root, 'docs/grafana-dashboard.json'), 'utf8')) as {
      panels: { targets?: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(20);
    const m = await scrape();
    const exposed = new Set(m.families.keys());
    const family = (name: string) => name.replace(/_(bucket|count|sum)$/, '');
    const used = new Set(exprs.flatMap((e) => e.match(/\b(flowport|process|nodejs)_\w+/g) ?? []));
    for (const name of used) expect(exposed.has(name) || exposed.has(family(name)), name).toBe(true);
    const docs = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
    for (const name of exposed) if (name.startsWith('flowport_')) expect(docs, name).toContain(name);
  });
});

describe('each metric moves with what it counts', () => {
  it('sessions open: a Studio session opens and closes', async () => {
    const before = (await scrape()).value('flowport_sessions_open', { kind: 'studio' })!;
    const s = await StudioClient.open(t.app, dana);
    expect((await scrape()).value('flowport_sessions_open', { kind: 'studio' })).toBe(before + 1);
    await s.request('DELETE', '');
    expect((await scrape()).value('flowport_sessions_open', { kind: 'studio' })).toBe(before);
  });

  it('running and finished executions, instances and stop latency: a Studio run stopped by an administrator', async () => {
    const finished = (m: Exposition) =>
      m.value('flowport_executions_finished_total', { kind: 'studio', outcome: 'stopped_by_administrator' })!;
    const before = await scrape();
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('demo/long-aggregation.pkg.yaml');
    await s.request('POST', `/packages/${pkg.id}/run`, { node: 'totals' });
    await s.waitRunning(pkg.id);
    const running = await scrape();
    expect(running.value('flowport_executions_running', { kind: 'studio' })).toBe(1);
    expect(running.value('flowport_package_instances', { place: 'session' })).toBe(
      before.value('flowport_package_instances', { place: 'session' })! + 1,
    );
    const stop = await t.app.inject({
      method: 'POST',
      url: `/api/manager/packages/${pkg.id}/stop`,
      headers: admin.headers,
    });
    expect(stop.statusCode).toBe(200);
    await s.waitIdle(pkg.id);
    const after = await until('the stop counted', finished, (v) => v === finished(before) + 1);
    expect(after).toBe(finished(before) + 1);
    const m = await scrape();
    expect(m.value('flowport_executions_running', { kind: 'studio' })).toBe(0);
    expect(m.value('flowport_execution_stop_seconds_count', { cause: 'administrator' })).toBe(
      before.value('flowport_execution_stop_seconds_count', { cause: 'administrator' })! + 1,
    );
    expect(m.value('flowport_execution_stop_seconds_sum', { cause: 'administrator' })).toBeGreaterThan(
      before.value('flowport_execution_stop_seconds_sum', { cause: 'administrator' })!,
    );
    await s.request('DELETE', '');
  });

  it('an Integrator call: its duration by package, node and status class, a done execution, the pool', async () => {
    const labels = { package: 'demo/hello.pkg.yaml', package_node: 'greeting', status_class: '2xx' };
    const before = await scrape();
    expect((await greet('Ann')).statusCode).toBe(200);
    expect((await greet('Bo')).statusCode).toBe(200);
    const unknown = await call('/integrator/v1/made/up.pkg.yaml/x');
    expect(unknown.statusCode).toBe(404);
    const m = await scrape();
    const count = (e: Exposition, l: Record<string, string>) =>
      e.value('flowport_integrator_request_duration_seconds_count', l) ?? 0;
    expect(count(m, labels)).toBe(count(before, labels) + 2);
    expect(m.value('flowport_integrator_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
    expect(m.value('flowport_integrator_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(
      count(m, labels),
    );
    const unknownLabels = { package: '(unknown)', package_node: '(unknown)', status_class: '4xx' };
    expect(count(m, unknownLabels)).toBe(count(before, unknownLabels) + 1);
    expect(m.sum('flowport_integrator_request_duration_seconds_count', { package: 'made/up.pkg.yaml' })).toBe(0);
    const done = (e: Exposition) =>
      e.value('flowport_executions_finished_total', { kind: 'integrator', outcome: 'done' })!;
    expect(done(m)).toBe(done(before) + 2);
    const checkouts = (e: Exposition) => e.value('flowport_pool_hits_total')! + e.value('flowport_pool_misses_total')!;
    expect(checkouts(m)).toBe(checkouts(before) + 2);
    expect(m.value('flowport_pool_hits_total')).toBeGreaterThan(before.value('flowport_pool_hits_total')!);
    expect(m.value('flowport_package_instances', { place: 'pool' })).toBeGreaterThanOrEqual(1);
  });

  it('an Integrator call over its timeout ends stopped by the server', async () => {
    const server = (e: Exposition) =>
      e.value('flowport_executions_finished_total', { kind: 'integrator', outcome: 'stopped_by_server' })!;
    const before = server(await scrape());
    const res = await call(TOTALS, {}, { 'x-flowport-timeout': '0.5' });
    expect(res.statusCode).toBe(504);
    await until('the timeout counted', server, (v) => v === before + 1);
    const m = await scrape();
    expect(m.value('flowport_execution_stop_seconds_count', { cause: 'server' })).toBeGreaterThanOrEqual(1);
    expect(
      m.value('flowport_integrator_request_duration_seconds_count', {
        package: 'demo/long-aggregation.pkg.yaml',
        package_node: 'totals',
        status_class: '5xx',
      }),
    ).toBe(1);
  });

  it('DuckDB memory of the loaded instances, and the budget', async () => {
    expect((await greet('Memory')).statusCode).toBe(200);
    const bytes = await until(
      'DuckDB memory',
      (m) => m.value('flowport_duckdb_memory_bytes'),
      (v) => v > 0,
    );
    expect(bytes).toBeGreaterThan(0);
    const m = await scrape();
    expect(m.value('flowport_memory_budget_bytes')).toBeGreaterThanOrEqual(bytes);
  });

  it('pool evictions: the pool made smaller, the pool cleared, a package file changed', async () => {
    const evictions = (e: Exposition, cause: string) => e.value('flowport_pool_evictions_total', { cause })!;
    await setParameters(t.app, admin, { packagePoolSize: 10 });
    expect((await greet('one')).statusCode).toBe(200);
    const scored = { inputs: { applicants: [{ id: 1, income: 52000, age: 34 }] } };
    expect((await call('/integrator/v1/credit/scoring.pkg.yaml/scored', scored)).statusCode).toBe(200);
    const before = await scrape();
    expect(before.value('flowport_package_instances', { place: 'pool' })).toBeGreaterThanOrEqual(2);
    await setParameters(t.app, admin, { packagePoolSize: 1 });
    let m = await scrape();
    expect(m.value('flowport_pool_capacity')).toBe(1);
    expect(evictions(m, 'capacity')).toBeGreaterThan(evictions(before, 'capacity'));
    expect(m.value('flowport_package_instances', { place: 'pool' })).toBe(1);
    await setParameters(t.app, admin, { packagePoolSize: 10 });
    const clear = await t.app.inject({ method: 'POST', url: '/api/manager/pool/clear', headers: admin.headers });
    expect(clear.statusCode).toBe(200);
    m = await scrape();
    expect(evictions(m, 'cleared')).toBe(evictions(before, 'cleared') + 1);
    expect(m.value('flowport_package_instances', { place: 'pool' })).toBe(0);
    // Another program saves the package: the storage watcher retires its pooled instance.
    expect((await greet('two')).statusCode).toBe(200);
    const file = path.join(t.dataDir, 'storage/demo/hello.pkg.yaml');
    appendFileSync(file, '# saved again\n');
    await until(
      'the eviction of the changed file',
      (e) => evictions(e, 'file_changed'),
      (v) => v > 0,
    );
    expect((await scrape()).value('flowport_package_instances', { place: 'pool' })).toBe(0);
  });

  it('login failures and the lockout they begin', async () => {
    await setParameters(t.app, admin, { loginAttemptLimit: 2 });
    const before = await scrape();
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'dana', password: 'wrong-password' },
        remoteAddress: '10.9.9.9',
      });
    expect((await attempt()).statusCode).toBe(401);
    let m = await scrape();
    expect(m.value('flowport_login_failures_total')).toBe(before.value('flowport_login_failures_total')! + 1);
    expect(m.value('flowport_login_lockouts_total')).toBe(before.value('flowport_login_lockouts_total'));
    expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(429);
    m = await scrape();
    expect(m.value('flowport_login_failures_total')).toBe(before.value('flowport_login_failures_total')! + 2);
    expect(m.value('flowport_login_lockouts_total')).toBe(before.value('flowport_login_lockouts_total')! + 1);
    await setParameters(t.app, admin, { loginAttemptLimit: 5 });
  });
});
