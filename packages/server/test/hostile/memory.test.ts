// Hostile: queries that build more than the memory budget, through the real server; only they are stopped.
import os from 'node:os';
import type { SessionEvent } from '@flowport/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, poolIntact, setParameters, snapshot, waitFor } from '../helpers/integration-helpers';
import { auditEntries, healthProbe, liveSocket, sqlPackage, writePackage } from '../helpers/hostile-helpers';
import { StudioClient } from '../helpers/studio-client';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from '../helpers/test-app';

const MiB = 1024 * 1024;
const BUDGET_MB = 256;

let t: TestApp;
let base: string;
let admin: LoggedIn;
let dana: LoggedIn;
let vic: LoggedIn;
const bart = basicAuth('bart', 'user-password-1');

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { exampleDataRows: 2000 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  admin = await login(t.app);
  await createUser(t.app, admin, 'bart', ['batch']);
  await createUser(t.app, admin, 'dana', ['design']);
  await createUser(t.app, admin, 'vic', ['view']);
  dana = await login(t.app, 'dana', 'user-password-1');
  vic = await login(t.app, 'vic', 'user-password-1');
  // The issue's query: DuckDB builds the 2 GB string in one call, outside its own accounting.
  writePackage(
    t.dataDir,
    'hostile/repeat.pkg.yaml',
    sqlPackage('Repeat', 'big', "SELECT repeat('x', 2000000000) AS s"),
  );
  // The same list aggregated row by row, which DuckDB's accounting sees; the one-call form
  // list(range(500000000)) is bounded by the process's ceiling (memory-ceiling.test.ts).
  writePackage(
    t.dataDir,
    'hostile/list.pkg.yaml',
    sqlPackage('List', 'big', 'SELECT list(range) AS l FROM range(500000000)'),
  );
  writePackage(
    t.dataDir,
    'hostile/settings.pkg.yaml',
    sqlPackage(
      'Settings',
      'settings',
      "SELECT current_setting('memory_limit') AS memory_limit, current_setting('max_temp_directory_size') AS spill",
    ),
  );
});
afterAll(async () => {
  await t.close();
});

const memory = () => t.app.services.workspace.memory;
const call = (pkg: string, node: string) =>
  t.app.inject({
    method: 'POST',
    url: `/integrator/v1/${pkg}/${node}`,
    headers: { authorization: bart },
    payload: {},
  });

/** Runs a node in a Studio session, waiting out the server's short refusal while it recovers memory. */
async function runWhenAdmitted(s: StudioClient, pid: string, node: string) {
  return waitFor('the run to be admitted', async () => {
    const res = await s.request('POST', `/packages/${pid}/run`, { node });
    if (res.statusCode === 202) return s.waitIdle(pid);
    expect(res.json().error).toMatchObject({ code: 'MEMORY_LIMIT', message: expect.stringContaining('try again') });
    return undefined;
  });
}

describe('the memory budget', () => {
  it('defaults to half of the machine, and gives each DuckDB a quarter of the budget', async () => {
    const machine = Math.min(os.totalmem(), process.constrainedMemory?.() || Infinity);
    expect(memory().usage().budgetBytes).toBe(Math.floor(machine / 2));

    await setParameters(t.app, admin, { memoryBudgetMB: BUDGET_MB });
    const res = await call('hostile/settings.pkg.yaml', 'settings');
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([{ memory_limit: '64.0 MiB', spill: '256.0 MiB' }]);

    const usage = await memory().sample();
    expect(usage.budgetBytes).toBe(BUDGET_MB * MiB);
    expect(usage.instanceLimitBytes).toBe(64 * MiB);
    const pooled = (await snapshot(t.app, admin)).pool.items.find((i) => i.path === 'hostile/settings.pkg.yaml')!;
    expect(usage.perInstance.has(pooled.id)).toBe(true);
    expect(usage.rssBytes).toBeGreaterThan(usage.nodeBytes);
    expect(usage.usedBytes).toBeLessThan(usage.budgetBytes);
  });

  it("stops SELECT repeat('x', 2000000000) with a clear error and an audit row; the server and other sessions stay up", async () => {
    await setParameters(t.app, admin, { memoryBudgetMB: BUDGET_MB });
    // A report viewer's session that ran the scoring package before, and keeps it open throughout.
    const bystander = await StudioClient.open(t.app, vic);
    const scoring = await bystander.openPackage('credit/scoring.pkg.yaml');
    await bystander.runToEnd(scoring.id, { node: 'customers' });
    const before = (await bystander.request('GET', `/packages/${scoring.id}/nodes/customers/rows`)).json();
    expect(before.total).toBeGreaterThan(0);

    const health = healthProbe(base);
    const started = Date.now();
    const res = await call('hostile/repeat.pkg.yaml', 'big');
    const answeredMs = Date.now() - started;
    expect(res.statusCode).toBe(507);
    expect(res.json().error.code).toBe('MEMORY_LIMIT');
    expect(res.json().error.message).toMatch(
      /^The execution was stopped by the server: memory budget of 256 MB exceeded \(package instances used \d+ MB, \d+ MB of it in DuckDB's own accounting; this execution grew it by \d+ MB\)\. Make the query hold less at once/,
    );
    // DuckDB cannot be interrupted inside the one call that builds the string: the caller is answered
    // when the stop is seen (the engine waits 2 s for DuckDB to acknowledge it), not when it is done.
    expect(answeredMs).toBeLessThan(20_000);

    const entry = (await auditEntries(t.app, admin)).find(
      (e) => e.actor === 'server' && e.target?.includes('hostile/repeat.pkg.yaml'),
    );
    expect(entry).toMatchObject({
      action: 'package.stop',
      outcome: 'ok',
      details: { reason: 'stopped by the server: memory', limit: 'budget', budgetBytes: BUDGET_MB * MiB },
    });

    // The memory comes back once DuckDB returns from the call.
    await waitFor('the memory to come back', async () => (await memory().sample()).usedBytes < BUDGET_MB * MiB, 60_000);
    const probes = await health.stop();
    expect(probes.length).toBeGreaterThan(5);
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(2000);

    // The other session is untouched: its result is still there, and it runs again.
    expect((await bystander.request('GET', `/packages/${scoring.id}/nodes/customers/rows`)).json()).toEqual(before);
    const again = await runWhenAdmitted(bystander, scoring.id, 'scored');
    expect(again.nodes.find((n) => n.id === 'scored')?.state).toBe('done');
    const snap = await snapshot(t.app, admin);
    expect(snap.sessions.some((s) => s.id === bystander.sid)).toBe(true);
    expect(poolIntact(snap)).toBe(true);
  }, 120_000);

  it('stops a runaway list aggregate in the Studio at its instance share, with the error on the socket and an audit row', async () => {
    await setParameters(t.app, admin, { memoryBudgetMB: BUDGET_MB });
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('hostile/list.pkg.yaml');
    const events = liveSocket<SessionEvent>(base, `/api/sessions/${s.sid}/events`, dana.headers);
    await events.opened;
    const health = healthProbe(base);
    expect((await s.request('POST', `/packages/${pkg.id}/run`, { node: 'big' })).statusCode).toBe(202);
    const finished = await events.waitFor((f) => f.type === 'run-finished');
    expect(finished).toMatchObject({
      type: 'run-finished',
      packageId: pkg.id,
      outcome: 'failed',
      code: 'MEMORY_LIMIT',
    });
    expect((finished as { error: string }).error).toMatch(
      /^Node "big" needs more memory than one package instance may use \(its DuckDB memory limit is 64MiB\): Out of Memory Error: .*One instance may use a quarter of the memory budget\. Make the query hold less at once/,
    );
    events.ws.close();
    const probes = await health.stop();
    expect(probes.every((p) => p.status === 200)).toBe(true);

    const entry = (await auditEntries(t.app, admin)).find(
      (e) => e.actor === 'server' && e.target?.includes('hostile/list.pkg.yaml'),
    );
    expect(entry).toMatchObject({
      action: 'package.stop',
      details: { reason: 'stopped by the server: memory', limit: 'instance', session: `dana:${s.sid}` },
    });
    // The session and its package stay; a small query in it runs.
    const dto = await s.get(pkg.id);
    expect(dto.nodes.find((n) => n.id === 'big')?.state).toBe('failed');
    const hello = await s.openPackage('demo/hello.pkg.yaml');
    const done = await runWhenAdmitted(s, hello.id, 'greeting');
    expect(done.nodes.find((n) => n.id === 'greeting')?.state).toBe('done');
  });
});
