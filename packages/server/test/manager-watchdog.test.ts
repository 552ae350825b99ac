// Issue 16's watchdog through the real HTTP API and real DuckDB: meaningful progress, running time and memory in the rows, the running limit and the Studio idle timeout.
import type { ManagerPackage, ManagerSnapshot, SessionEvent } from '@flowport/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, liveSocket, sqlPackage, writePackage } from './helpers/hostile-helpers';
import { listen, setParameters, snapshot, waitFor } from './helpers/integration-helpers';
import { StudioClient } from './helpers/studio-client';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';
import { phasesPackage } from './support/phases-package';

let t: TestApp;
let admin: LoggedIn;
let dana: LoggedIn;
let base: string;

const PHASES = phasesPackage();

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { watchStorage: false, exampleDataRows: 200 });
  base = (await listen(t.app)).replace('http://', '');
  admin = await login(t.app);
  await createUser(t.app, admin, 'dana', ['design']);
  dana = await login(t.app, 'dana', 'user-password-1');
  writePackage(t.dataDir, 'w/phases.pkg.yaml', PHASES);
  writePackage(t.dataDir, 'w/idle.pkg.yaml', sqlPackage('Idle work', 'a', 'select 1 as x'));
});
afterAll(async () => {
  await t.close();
});

const packageRow = (snap: ManagerSnapshot, id: string): ManagerPackage | undefined =>
  snap.sessions.flatMap((s) => s.packages).find((p) => p.id === id);

describe('progress, running time and memory', () => {
  it('is indeterminate while DuckDB has no figure, then numeric, with runningSince and memoryBytes', async () => {
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('w/phases.pkg.yaml');
    const started = Date.now();
    expect((await s.request('POST', `/packages/${pkg.id}/run`, { node: 'totals' })).statusCode).toBe(202);
    const seen: { node: string; indeterminate: boolean; percent: number; nodesDone: number; nodesTotal: number }[] = [];
    let runningRow: ManagerPackage | undefined;
    let sessionRow: ManagerSnapshot['sessions'][number] | undefined;
    for (;;) {
      const snap = await snapshot(t.app, admin);
      const row = packageRow(snap, pkg.id);
      if (!row?.running) break;
      if (row.progress) {
        const p = row.progress;
        seen.push({ ...p, indeterminate: p.indeterminate === true });
        if (row.memoryBytes !== undefined) {
          runningRow = row;
          sessionRow = snap.sessions.find((x) => x.id === s.sid);
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const spin = seen.filter((x) => x.node === 'spin');
    const totals = seen.filter((x) => x.node === 'totals');
    expect(spin.length).toBeGreaterThan(0);
    // Over range() DuckDB reports −1: the row says "indeterminate", never a frozen figure of its own.
    expect(spin.some((x) => x.indeterminate)).toBe(true);
    // Over a table it reports a figure: numeric, combined with the nodes done (2 of 3 before totals).
    const numeric = totals.filter((x) => !x.indeterminate);
    expect(numeric.length).toBeGreaterThan(0);
    expect(numeric.every((x) => x.nodesTotal === 3 && x.nodesDone === 2)).toBe(true);
    expect(Math.max(...numeric.map((x) => x.percent))).toBeGreaterThan(66.6);
    expect(runningRow?.runningSince).toBeDefined();
    const since = Date.parse(runningRow!.runningSince!);
    expect(since).toBeGreaterThanOrEqual(started - 1000);
    expect(since).toBeLessThanOrEqual(Date.now());
    expect(runningRow!.memoryBytes).toBeGreaterThan(0);
    expect(sessionRow?.runningSince).toBe(runningRow!.runningSince);
    expect(sessionRow?.memoryBytes).toBe(runningRow!.memoryBytes);
    // Done: no running time any more.
    const after = packageRow(await snapshot(t.app, admin), pkg.id);
    expect(after?.runningSince).toBeUndefined();
    expect(after?.running).toBe(false);
    await s.request('DELETE', '');
  }, 60_000);

  it('tells the page the watchdog parameters in the snapshot', async () => {
    await setParameters(t.app, admin, { runningWarnSeconds: 30, runningAlertSeconds: 90 });
    expect((await snapshot(t.app, admin)).watch).toEqual({
      warnSeconds: 30,
      alertSeconds: 90,
      limitSeconds: 0,
      idleSeconds: 0,
    });
  });
});

describe('the running limit', () => {
  it('stops an execution running longer, audited as by the server, and the history says so', async () => {
    const s = await StudioClient.open(t.app, dana);
    const long = await s.openPackage('demo/long-aggregation.pkg.yaml');
    await setParameters(t.app, admin, { runningLimitSeconds: 2 });
    try {
      const started = Date.now();
      expect((await s.request('POST', `/packages/${long.id}/run`, {})).statusCode).toBe(202);
      await s.waitRunning(long.id);
      const done = await s.waitIdle(long.id, 20_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(done.nodes.some((n) => n.state === 'cancelled')).toBe(true);
    } finally {
      await setParameters(t.app, admin, { runningLimitSeconds: 0 });
    }
    const entry = await waitFor('the audit row', async () =>
      (await auditEntries(t.app, admin)).find((e) => e.actor === 'server' && e.action === 'package.stop'),
    );
    expect(entry.target).toContain('Long aggregation');
    expect(entry.details).toMatchObject({ reason: 'running limit 2 s', by: 'server' });
    const history = await waitFor('the history row', async () => {
      const res = await t.app.inject({ url: '/api/manager/executions?search=running%20limit', headers: admin.headers });
      return res.json().executions[0];
    });
    expect(history).toMatchObject({
      package: 'Long aggregation',
      outcome: 'stopped',
      stoppedBy: 'stopped by the server: running limit 2 s',
    });
    await s.request('DELETE', '');
  }, 60_000);
});

describe('the Studio idle timeout', () => {
  it('closes an idle Studio session with its unsaved work backed up, audited as by the server', async () => {
    const s = await StudioClient.open(t.app, dana);
    const tab = liveSocket<SessionEvent>(base, `/api/sessions/${s.sid}/events`, {
      cookie: dana.headers.cookie,
      origin: `http://${base}`,
    });
    await tab.opened;
    const pkg = await s.openPackage('w/idle.pkg.yaml');
    await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: sqlPackage('Idle work', 'a', 'select 2 as x') });
    await setParameters(t.app, admin, { studioIdleTimeoutSeconds: 2 });
    try {
      const closed = (await tab.waitFor((f) => f.type === 'session-closed', 10_000)) as Extract<
        SessionEvent,
        { type: 'session-closed' }
      >;
      expect(closed).toMatchObject({ reason: 'timeout', by: 'the server (idle 2 s)' });
      expect(closed.backups).toHaveLength(1);
      expect((await snapshot(t.app, admin)).sessions.some((x) => x.id === s.sid)).toBe(false);
      const listed = (await t.app.inject({ url: '/api/backups', headers: dana.headers })).json().backups;
      expect(listed).toContainEqual(
        expect.objectContaining({ file: closed.backups![0], name: 'Idle work', reason: 'timeout' }),
      );
      const entry = await waitFor('the audit row', async () =>
        (await auditEntries(t.app, admin)).find((e) => e.actor === 'server' && e.action === 'session.close'),
      );
      expect(entry.target).toBe(`dana:${s.sid}`);
      expect(entry.details).toMatchObject({ reason: 'idle 2 s', by: 'server', backups: closed.backups });
    } finally {
      await setParameters(t.app, admin, { studioIdleTimeoutSeconds: 0 });
    }
  }, 30_000);
});
