// Issue 15, hostile: packages that reference themselves (or A ↔ B, or longer) are refused everywhere, fast, server intact.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, listen, poolIntact, snapshot } from '../helpers/integration-helpers';
import { StudioClient } from '../helpers/studio-client';
import { createUser, errorCode, login, makeTestApp, type LoggedIn, type TestApp } from '../helpers/test-app';

const PASSWORD = 'user-password-1';
/** A refusal must come at once; the runaway it replaces never answered at all. */
const QUICK_MS = 2000;

/** The package of the issue, word for word: it calls its own node through a reference to its own file. */
const SELF = `name: self
references: [{alias: other, path: out/self.pkg.yaml}]
nodes: [{id: b, kind: call, package: other, node: b, access: published}]
`;

/** A package whose node b calls node b of `next`; the reference's path is on line 2. */
const calling = (name: string, next: string) => `name: ${name}
references: [{alias: next, path: ${next}}]
nodes: [{id: b, kind: call, package: next, node: b, access: published}]
`;
const HARMLESS = `name: harmless
nodes: [{id: b, kind: sql, sql: "SELECT 1 AS v", access: published}]
`;

/** Paths p0 … p(k-1) of a family; p(i) references p(i+1), the last one p0 again. */
const family = (prefix: string, k: number) => Array.from({ length: k }, (_, i) => `${prefix}-${i}.pkg.yaml`);
const chainOf = (paths: string[]) => [...paths, paths[0]].join(' → ');

let t: TestApp;
let base: string;
let admin: LoggedIn;
let designer: LoggedIn;
let bystander: StudioClient;
let bystanderPid: string;

function write(rel: string, text: string): void {
  const abs = path.join(t.dataDir, 'storage', rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}
const read = (rel: string) => readFileSync(path.join(t.dataDir, 'storage', rel), 'utf8');

async function post(url: string, body: object, user = 'ian') {
  const started = Date.now();
  const res = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { authorization: basicAuth(user, PASSWORD), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { error: { code: string; message: string } },
    ms: Date.now() - started,
  };
}

beforeAll(async () => {
  t = await makeTestApp();
  admin = await login(t.app);
  await createUser(t.app, admin, 'ian', ['batch']);
  await createUser(t.app, admin, 'dana', ['design']);
  await createUser(t.app, admin, 'olga', ['design']);
  designer = await login(t.app, 'dana', PASSWORD);
  base = await listen(t.app);
  write('out/self.pkg.yaml', SELF);
  for (const k of [2, 3]) {
    const ring = family(`cycles/ring${k}`, k);
    ring.forEach((p, i) => write(p, calling(`ring${k}-${i}`, ring[(i + 1) % k])));
  }
  // Another user's work, open and computed before the attacks: it must come through untouched.
  write('olga/report.pkg.yaml', HARMLESS);
  bystander = await StudioClient.open(t.app, await login(t.app, 'olga', PASSWORD));
  bystanderPid = (await bystander.openPackage('olga/report.pkg.yaml')).id;
  expect((await bystander.runToEnd(bystanderPid)).nodes[0]).toMatchObject({ id: 'b', state: 'done', rows: 1 });
});
afterAll(async () => {
  await t?.close();
});

/** The self-cycle of the issue, A ↔ B and a 3-cycle, each with the paths of its cycle. */
const CASES = [
  { name: 'a package that references itself', cycle: ['out/self.pkg.yaml'] },
  { name: 'A ↔ B', cycle: family('cycles/ring2', 2) },
  { name: 'a 3-cycle', cycle: family('cycles/ring3', 3) },
];

describe.each(CASES)('$name', ({ cycle }) => {
  const root = cycle[0];
  const chain = chainOf(cycle);

  it('is refused at open in the Studio, naming the cycle and the line of each reference', async () => {
    const s = await StudioClient.open(t.app, designer);
    const started = Date.now();
    const res = await s.request('POST', '/packages', { path: root });
    expect(Date.now() - started).toBeLessThan(QUICK_MS);
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('REFERENCE_CYCLE');
    const { message, details } = res.json().error;
    expect(message).toContain(chain);
    for (const [i, p] of cycle.entries())
      expect(message).toContain(`${p} line 2 references ${cycle[(i + 1) % cycle.length]}`);
    expect(details.cycle).toEqual([...cycle, root]);
    expect(details.issues).toEqual(
      cycle.map((p) => expect.objectContaining({ file: p, line: 2, field: 'references[0].path' })),
    );
    // Nothing of it stays loaded: not in the session, not as a shared package.
    const snap = await snapshot(t.app, admin);
    expect(snap.shared.filter((x) => cycle.includes(x.path!))).toEqual([]);
    expect(snap.sessions.find((x) => x.id === s.sid)?.packages).toEqual([]);
    expect((await s.request('DELETE', '')).statusCode).toBe(204);
  });

  it('is refused when an edit (validation of the source) would close it, keeping the package as it was', async () => {
    // e-0 … e-(k-1): e-0 is harmless for now and the others lead back to it.
    const edit = family(`edit/k${cycle.length}`, cycle.length);
    write(edit[0], HARMLESS);
    edit.slice(1).forEach((p, i) => write(p, calling(`e${i + 1}`, edit[(i + 2) % edit.length])));
    const s = await StudioClient.open(t.app, designer);
    const pkg = await s.openPackage(edit[0]);
    const res = await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: calling('e0', edit[1 % edit.length]) });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toContain(chainOf(edit));
    expect(res.json().error.details.issues[0]).toMatchObject({ file: edit[0], line: 2 });
    expect((await s.request('GET', `/packages/${pkg.id}/source`)).json().yaml).toBe(HARMLESS);
    expect(await s.get(pkg.id)).toMatchObject({ dirty: false, issues: [] });
    expect((await s.request('DELETE', '')).statusCode).toBe(204);
  });

  it('is refused at save, before the file is written', async () => {
    // The draft references s-1 (s-0 itself for a self-cycle), which leads to s-0: saving it as s-0 closes the cycle.
    const save = family(`save/k${cycle.length}`, cycle.length);
    write(save[0], HARMLESS);
    save.slice(1).forEach((p, i) => write(p, calling(`s${i + 1}`, save[(i + 2) % save.length])));
    const s = await StudioClient.open(t.app, designer);
    const draft = (
      await s.request('POST', '/packages', { draft: { yaml: calling('s0', save[1 % save.length]) } })
    ).json();
    expect(draft.issues).toEqual([]);
    const res = await s.request('POST', `/packages/${draft.id}/save`, { path: save[0] });
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('REFERENCE_CYCLE');
    expect(res.json().error.message).toContain(chainOf(save));
    expect(read(save[0])).toBe(HARMLESS);
    // Saved elsewhere it closes nothing.
    const elsewhere = await s.request('POST', `/packages/${draft.id}/save`, {
      path: `save/ok-${cycle.length}.pkg.yaml`,
    });
    expect(elsewhere.statusCode).toBe(200);
    expect((await s.request('DELETE', '')).statusCode).toBe(204);
  });

  it('answers an Integrator call with a quick 422 naming the cycle', async () => {
    const res = await post(`/integrator/v1/${root}/b`, {});
    expect(res.ms).toBeLessThan(QUICK_MS);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('REFERENCE_CYCLE');
    expect(res.body.error.message).toContain(chain);
  });

  it('answers a batch run with a quick 422 naming the cycle', async () => {
    const res = await post('/api/batch/runs', { package: root, node: 'b' });
    expect(res.ms).toBeLessThan(QUICK_MS);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('REFERENCE_CYCLE');
    expect(res.body.error.message).toContain(chain);
  });
});

describe('after every attack', () => {
  it('still answers /api/health at once', async () => {
    const started = Date.now();
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('still describes the published nodes: the OpenAPI document lists the cyclic packages without calling them', async () => {
    const res = await fetch(`${base}/integrator/v1/openapi.json`, {
      headers: { authorization: basicAuth('ian', PASSWORD) },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(((await res.json()) as { paths: object }).paths)).toContain(
      '/integrator/v1/out/self.pkg.yaml/b',
    );
  });

  it("leaves another user's open session untouched, and the pool intact", async () => {
    const snap = await snapshot(t.app, admin);
    expect(snap.sessions.find((s) => s.id === bystander.sid)?.packages.map((p) => p.id)).toEqual([bystanderPid]);
    expect((await bystander.get(bystanderPid)).nodes[0]).toMatchObject({ id: 'b', state: 'done', rows: 1 });
    const rows = await bystander.request('GET', `/packages/${bystanderPid}/nodes/b/rows`);
    expect(rows.json().rows).toEqual([{ v: 1 }]);
    expect(poolIntact(snap)).toBe(true);
    expect(snap.shared).toEqual([]);
  });
});
