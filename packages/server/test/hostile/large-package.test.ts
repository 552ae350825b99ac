// Issue 15, hostile: a 60,000-node, 4.3 MB draft opened through the real API while /api/health is timed beside it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_PACKAGE_NODES } from '../../src/engine';
import { listen, setParameters, snapshot } from '../helpers/integration-helpers';
import { StudioClient } from '../helpers/studio-client';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from '../helpers/test-app';
import { generatedPackage as generated } from '../support/large-package';

const PASSWORD = 'user-password-1';
const NODES = 60_000;
/**
 * Before the parse moved to a worker, /api/health waited 13–15 s (4–5 s on a quiet machine) while
 * such a draft opened. The goal is 100 ms, measured by `npm run bench:large` (bench/large-package.ts);
 * this bound only catches the event loop being blocked again, with room for a loaded test machine.
 */
const HEALTH_BOUND_MS = 1000;

let t: TestApp;
let base: string;
let designer: LoggedIn;
let admin: LoggedIn;
let bystander: StudioClient;
let bystanderPid: string;

beforeAll(async () => {
  t = await makeTestApp();
  admin = await login(t.app);
  // The sessions here have no WebSocket; on a busy machine the large open outlasts the default
  // 60 s connection check, which would close the bystander for want of a live client.
  await setParameters(t.app, admin, { connectionCheckPeriodSeconds: 3600 });
  await createUser(t.app, admin, 'dana', ['design']);
  await createUser(t.app, admin, 'olga', ['design']);
  designer = await login(t.app, 'dana', PASSWORD);
  base = await listen(t.app);
  // Another user's work, open and computed before: it must come through untouched.
  bystander = await StudioClient.open(t.app, await login(t.app, 'olga', PASSWORD));
  const yaml = 'name: Report\nnodes:\n  - id: q\n    kind: sql\n    sql: SELECT 42 AS answer\n';
  bystanderPid = (await bystander.request('POST', '/packages', { draft: { yaml } })).json().id;
  expect((await bystander.runToEnd(bystanderPid)).nodes[0]).toMatchObject({ state: 'done', rows: 1 });
});
afterAll(async () => {
  await t?.close();
});

/** Polls /api/health over real HTTP until `work` settles; the worst and the number of answers. */
async function healthBeside<T>(work: Promise<T>): Promise<{ result: T; worstMs: number; answers: number }> {
  let settled = false;
  const done = work.finally(() => (settled = true));
  let worstMs = 0;
  let answers = 0;
  while (!settled) {
    const started = performance.now();
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    await res.json();
    worstMs = Math.max(worstMs, performance.now() - started);
    answers++;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { result: await done, worstMs, answers };
}

async function openDraft(sid: string, yaml: string) {
  const res = await fetch(`${base}/api/sessions/${sid}/packages`, {
    method: 'POST',
    headers: { ...designer.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ draft: { yaml } }),
  });
  return { status: res.status, body: await res.json() };
}

it(`opens a ${NODES.toLocaleString('en')}-node draft while /api/health keeps answering`, async () => {
  const yaml = generated(NODES);
  expect(yaml.length).toBeGreaterThan(4_000_000);
  const s = await StudioClient.open(t.app, designer);
  const started = performance.now();
  const { result, worstMs, answers } = await healthBeside(openDraft(s.sid, yaml));
  const openMs = performance.now() - started;
  console.log(
    `large draft: ${(yaml.length / 1e6).toFixed(2)} MB, ${NODES} nodes opened in ${Math.round(openMs)} ms; ` +
      `/api/health answered ${answers} times beside it, the slowest in ${Math.round(worstMs)} ms`,
  );
  expect(result.status).toBe(201);
  expect(result.body.issues).toEqual([]);
  expect(result.body.nodes).toHaveLength(NODES);
  expect(result.body.nodes[NODES - 1]).toMatchObject({ id: `n${NODES - 1}`, kind: 'sql', state: 'idle' });
  expect(answers).toBeGreaterThan(1);
  expect(worstMs).toBeLessThan(HEALTH_BOUND_MS);

  // It is a working package: its first nodes run.
  const done = await s.runToEnd(result.body.id, { node: 'n3' });
  expect(done.nodes.slice(0, 4).map((n) => n.state)).toEqual(['done', 'done', 'done', 'done']);
}, 180_000);

it('refuses a draft over the node limit with PACKAGE_TOO_LARGE naming the limit and the count', async () => {
  const yaml = `name: Too many\nnodes:\n${'  - {id: x, kind: input, columns: {}}\n'.repeat(MAX_PACKAGE_NODES + 1)}`;
  const s = await StudioClient.open(t.app, designer);
  const { result, worstMs } = await healthBeside(openDraft(s.sid, yaml));
  expect(result.status).toBe(413);
  expect(result.body.error.code).toBe('PACKAGE_TOO_LARGE');
  expect(result.body.error.message).toContain(
    `has ${MAX_PACKAGE_NODES + 1} nodes; the limit is ${MAX_PACKAGE_NODES} nodes`,
  );
  expect(worstMs).toBeLessThan(HEALTH_BOUND_MS);
}, 180_000);

it("leaves another user's session untouched", async () => {
  const snap = await snapshot(t.app, admin);
  expect(snap.sessions.find((x) => x.id === bystander.sid)?.packages.map((p) => p.id)).toEqual([bystanderPid]);
  expect((await bystander.get(bystanderPid)).nodes[0]).toMatchObject({ state: 'done', rows: 1 });
  const rows = await bystander.request('GET', `/packages/${bystanderPid}/nodes/q/rows`);
  expect(rows.json().rows).toEqual([{ answer: 42 }]);
});
