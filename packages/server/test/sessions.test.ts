// The Studio session API through the real HTTP API, on the example storage with the real DuckDB engine.
import { existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setParameters } from './helpers/integration-helpers';
import { StudioClient } from './helpers/studio-client';
import { createUser, errorCode, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let designer: LoggedIn;
let admin: LoggedIn;

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { exampleDataRows: 2000 });
  admin = await login(t.app);
  await createUser(t.app, admin, 'dana', ['design']);
  await createUser(t.app, admin, 'vic', ['view']);
  await createUser(t.app, admin, 'bart', ['batch']);
  designer = await login(t.app, 'dana', 'user-password-1');
  // Most tests here open a session of dana's and leave it open: more than the 20 a user may have.
  await setParameters(t.app, admin, { userSessionLimit: 1000 });
});
afterAll(async () => {
  await t.close();
});

describe('sessions', () => {
  it('creates a session named <user>:<id> and ends it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: designer.headers });
    expect(res.statusCode).toBe(201);
    const { id, name } = res.json();
    expect(name).toBe(`dana:${id}`);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/sessions/${id}`, headers: designer.headers });
    expect(del.statusCode).toBe(204);
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/sessions/${id}/packages/x`,
      headers: designer.headers,
    });
    expect(errorCode(again)).toBe('SESSION_NOT_FOUND');
  });

  it('refuses the Batch execution role', async () => {
    const bart = await login(t.app, 'bart', 'user-password-1');
    const res = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: bart.headers });
    expect(res.statusCode).toBe(403);
  });

  it("hides another user's session", async () => {
    const s = await StudioClient.open(t.app, designer);
    const vic = await login(t.app, 'vic', 'user-password-1');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/sessions/${s.sid}/packages`,
      headers: vic.headers,
      payload: { path: 'demo/hello.pkg.yaml' },
    });
    expect(errorCode(res)).toBe('SESSION_NOT_FOUND');
  });
});

describe('packages in a session', () => {
  it('lists the storage', async () => {
    const res = await t.app.inject({ url: '/api/storage?path=demo', headers: designer.headers });
    const names = res.json().entries.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['hello.pkg.yaml', 'long-aggregation.pkg.yaml']));
  });

  it('opens, runs, reads rows, edits, saves, saves as and closes', async () => {
    const s = await StudioClient.open(t.app, designer);
    const pkg = await s.openPackage('credit/scoring.pkg.yaml');
    expect(pkg).toMatchObject({
      name: 'Credit scoring',
      version: '1.2.0',
      path: 'credit/scoring.pkg.yaml',
      dirty: false,
      running: false,
      readOnly: false,
    });
    expect(pkg.createdAt).toEqual(expect.any(String));
    expect(pkg.nodes.map((n) => n.id)).toEqual(['customers', 'applicants', 'joined', 'normalized', 'scored', 'save']);

    const done = await s.runToEnd(pkg.id, { node: 'customers' });
    expect(done.nodes.find((n) => n.id === 'customers')).toMatchObject({ state: 'done', rows: 2000 });
    const rows = await s.request('GET', `/packages/${pkg.id}/nodes/customers/rows?offset=10&limit=5`);
    expect(rows.json()).toMatchObject({ node: 'customers', offset: 10, limit: 5, total: 2000 });
    expect(rows.json().rows).toHaveLength(5);

    const src = (await s.request('GET', `/packages/${pkg.id}/source`)).json().yaml as string;
    const edited = src.replace('version: 1.2.0', 'version: 1.3.0');
    const put = await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: edited });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ version: '1.3.0', dirty: true });

    const saved = await s.request('POST', `/packages/${pkg.id}/save`, {});
    expect(saved.json()).toMatchObject({ dirty: false, version: '1.3.0' });
    expect(readFileSync(path.join(t.dataDir, 'storage/credit/scoring.pkg.yaml'), 'utf8')).toContain('version: 1.3.0');

    const savedAs = await s.request('POST', `/packages/${pkg.id}/save`, { path: 'credit/scoring-copy.pkg.yaml' });
    expect(savedAs.json()).toMatchObject({ path: 'credit/scoring-copy.pkg.yaml', dirty: false });
    expect(existsSync(path.join(t.dataDir, 'storage/credit/scoring-copy.pkg.yaml'))).toBe(true);

    const del = await s.request('DELETE', `/packages/${pkg.id}`);
    expect(del.statusCode).toBe(204);
    expect(errorCode(await s.request('GET', `/packages/${pkg.id}`))).toBe('PACKAGE_NOT_FOUND');
  });

  it('gives a draft its path and times when first saved', async () => {
    const s = await StudioClient.open(t.app, designer);
    const res = await s.request('POST', '/packages', {
      draft: { yaml: 'name: Draft one\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 42 AS answer\n' },
    });
    expect(res.statusCode).toBe(201);
    const draft = res.json();
    expect(draft).toMatchObject({ name: 'Draft one', path: null, createdAt: null, savedAt: null });
    const ran = await s.runToEnd(draft.id, { node: 'a' });
    expect(ran.nodes[0]).toMatchObject({ state: 'done', rows: 1 });
    const saved = (await s.request('POST', `/packages/${draft.id}/save`, { path: 'drafts/one.pkg.yaml' })).json();
    expect(saved.path).toBe('drafts/one.pkg.yaml');
    expect(saved.createdAt).toEqual(expect.any(String));
    expect(saved.savedAt).toEqual(expect.any(String));
    // Saving keeps what was computed: the text did not change.
    expect(saved.nodes[0]).toMatchObject({ state: 'done', rows: 1 });
  });

  it('reports the errors of a broken package with line numbers', async () => {
    const s = await StudioClient.open(t.app, designer);
    const pkg = await s.openPackage('demo/broken.pkg.yaml');
    expect(pkg.issues.length).toBeGreaterThan(0);
    const typo = pkg.issues.find((i) => i.message.includes('numbrs'));
    expect(pkg.issues.filter((i) => i.message === typo?.message && i.line === typo?.line)).toHaveLength(1);
    expect(typo?.line).toBe(11);
    const run = await s.request('POST', `/packages/${pkg.id}/run`, {});
    expect(run.statusCode).toBe(422);
    expect(errorCode(run)).toBe('PACKAGE_INVALID');
  });

  it('lets a report viewer open and run but not edit or save', async () => {
    const vic = await login(t.app, 'vic', 'user-password-1');
    const s = await StudioClient.open(t.app, vic);
    const pkg = await s.openPackage('demo/broken.pkg.yaml');
    expect(pkg.readOnly).toBe(true);
    expect(errorCode(await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: 'name: x' }))).toBe(
      'PACKAGE_READ_ONLY',
    );
    expect(errorCode(await s.request('POST', `/packages/${pkg.id}/save`, { path: 'x.pkg.yaml' }))).toBe(
      'PACKAGE_READ_ONLY',
    );
  });

  it('stops a long run at once and stays usable', async () => {
    const s = await StudioClient.open(t.app, designer);
    const pkg = await s.openPackage('demo/long-aggregation.pkg.yaml');
    await s.request('POST', `/packages/${pkg.id}/run`, {});
    const running = await s.waitRunning(pkg.id);
    expect(running.progress).toMatchObject({ node: expect.any(String), nodeStartedAt: expect.any(String) });
    const stop = await s.request('POST', `/packages/${pkg.id}/stop`);
    expect(stop.json()).toEqual({ stopped: true });
    const after = await s.waitIdle(pkg.id, 5000);
    expect(after.nodes.some((n) => n.state === 'cancelled')).toBe(true);
    const small = await s.runToEnd(pkg.id, { node: 'events', variables: { rows: 10 } });
    expect(small.nodes.find((n) => n.id === 'events')).toMatchObject({ state: 'done', rows: 10 });
  });
});

describe('shared packages', () => {
  it('serves two sessions with one shared instance of common and computes its result once', async () => {
    const a = await StudioClient.open(t.app, designer);
    const b = await StudioClient.open(t.app, await login(t.app, 'dana', 'user-password-1'));
    const pa = await a.openPackage('credit/scoring.pkg.yaml');
    const pb = await b.openPackage('credit/scoring.pkg.yaml');
    const snap = (await t.app.inject({ url: '/api/manager/snapshot', headers: admin.headers })).json();
    const commons = snap.shared.filter((x: { path: string }) => x.path === 'lib/common.pkg.yaml');
    expect(commons).toHaveLength(1);
    expect(commons[0].refCount).toBeGreaterThanOrEqual(2);
    await a.runToEnd(pa.id, { node: 'normalized', variables: {} });
    await b.runToEnd(pb.id, { node: 'normalized' });
    const na = (await a.get(pa.id)).nodes.find((n) => n.id === 'normalized');
    expect(na?.state).toBe('done');
    const core = t.app.services.workspace.core;
    const shared = core.getInstance(commons[0].id)!;
    expect(shared.handle.runtime!.computationCounts()).toMatchObject({ normalize: 1 });
  });

  it('opens a second instance of common for new opens after common is saved', async () => {
    const a = await StudioClient.open(t.app, designer);
    await a.openPackage('credit/scoring.pkg.yaml');
    const editor = await StudioClient.open(t.app, designer);
    const common = await editor.openPackage('lib/common.pkg.yaml');
    const src = (await editor.request('GET', `/packages/${common.id}/source`)).json().yaml as string;
    await editor.request('PUT', `/packages/${common.id}/source`, {
      yaml: src.replace('version: 1.0.0', 'version: 1.0.1'),
    });
    expect((await editor.request('POST', `/packages/${common.id}/save`, {})).statusCode).toBe(200);
    const b = await StudioClient.open(t.app, designer);
    await b.openPackage('credit/scoring.pkg.yaml');
    const snap = (await t.app.inject({ url: '/api/manager/snapshot', headers: admin.headers })).json();
    const versions = snap.shared
      .filter((x: { path: string }) => x.path === 'lib/common.pkg.yaml')
      .map((x: { version: string }) => x.version);
    expect(versions).toEqual(expect.arrayContaining(['1.0.0', '1.0.1']));
  });
});

describe('hostile input', () => {
  async function sqlDraft(sql: string) {
    const s = await StudioClient.open(t.app, designer);
    const yaml = `name: Hostile\nnodes:\n  - id: q\n    kind: sql\n    sql: ${JSON.stringify(sql)}\n`;
    const draft = (await s.request('POST', '/packages', { draft: { yaml } })).json();
    const done = await s.runToEnd(draft.id, { node: 'q' });
    return done.nodes[0]!;
  }

  it.each([
    ["SELECT * FROM read_csv('/etc/passwd')", 'reads /etc/passwd'],
    ["COPY (SELECT 1) TO '/tmp/flowport-escape.csv'", 'writes outside the storage'],
    ['INSTALL httpfs', 'installs an extension'],
    ['LOAD httpfs', 'loads an extension'],
    ["SET memory_limit = '100GB'", 'changes a setting'],
    ["ATTACH '/tmp/x.db' AS x", 'attaches a database'],
  ])('refuses SQL that %s', async (sql) => {
    const node = await sqlDraft(sql);
    expect(node.state).toBe('failed');
    expect(node.error).toBeTruthy();
  });

  it.each(['../outside.pkg.yaml', '/etc/passwd.pkg.yaml', 'demo/../../x.pkg.yaml'])(
    'refuses the path %s',
    async (p) => {
      const s = await StudioClient.open(t.app, designer);
      const res = await s.request('POST', '/packages', { path: p });
      expect(res.statusCode).toBe(400);
      expect(['PATH_OUTSIDE_STORAGE', 'PATH_INVALID']).toContain(errorCode(res));
    },
  );

  it('refuses a symbolic link that leaves the storage', async () => {
    symlinkSync('/etc', path.join(t.dataDir, 'storage/escape'));
    const s = await StudioClient.open(t.app, designer);
    const res = await s.request('POST', '/packages', { path: 'escape/passwd.pkg.yaml' });
    expect(errorCode(res)).toBe('PATH_OUTSIDE_STORAGE');
    const list = await t.app.inject({ url: '/api/storage?path=escape', headers: designer.headers });
    expect(list.statusCode).toBe(400);
  });

  it('refuses a cyclic graph with the cycle named', async () => {
    const s = await StudioClient.open(t.app, designer);
    const yaml =
      'name: Cycle\nnodes:\n  - id: a\n    kind: sql\n    inputs: [b]\n    sql: SELECT 1\n  - id: b\n    kind: sql\n    inputs: [a]\n    sql: SELECT 1\n';
    const draft = (await s.request('POST', '/packages', { draft: { yaml } })).json();
    expect(draft.issues.some((i: { message: string }) => /cycle/i.test(i.message))).toBe(true);
  });

  it('treats a variable that tries SQL injection as data', async () => {
    const s = await StudioClient.open(t.app, designer);
    const yaml =
      'name: Inject\nvariables:\n  who: { type: string, default: x }\nnodes:\n  - id: q\n    kind: sql\n    sql: SELECT $who AS who\n';
    const draft = (await s.request('POST', '/packages', { draft: { yaml } })).json();
    const evil = "x'; DROP TABLE q; SELECT '1";
    const done = await s.runToEnd(draft.id, { node: 'q', variables: { who: evil } });
    expect(done.nodes[0]).toMatchObject({ state: 'done', rows: 1 });
    const rows = (await s.request('GET', `/packages/${draft.id}/nodes/q/rows`)).json();
    expect(rows.rows[0].who).toBe(evil);
  });

  it('refuses a 50 MB YAML source', async () => {
    const s = await StudioClient.open(t.app, designer);
    const big = 'name: Big\n# ' + 'x'.repeat(50 * 1024 * 1024) + '\n';
    const res = await s.request('POST', '/packages', { draft: { yaml: big } });
    expect(res.statusCode).toBe(413);
    expect(readdirSync(path.join(t.dataDir, 'storage')).includes('Big.pkg.yaml')).toBe(false);
  });
});
