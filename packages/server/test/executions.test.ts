// The execution history through the real HTTP API: done, failed with its error, stopped by whom; search; retention; admins only.
import type { ExecutionHistoryEntry } from '@flowport/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlPackage, writePackage } from './helpers/hostile-helpers';
import { setParameters, waitFor } from './helpers/integration-helpers';
import { StudioClient } from './helpers/studio-client';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
let dana: LoggedIn;

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { watchStorage: false, exampleDataRows: 200 });
  admin = await login(t.app);
  await createUser(t.app, admin, 'dana', ['design']);
  dana = await login(t.app, 'dana', 'user-password-1');
  writePackage(t.dataDir, 'h/ok.pkg.yaml', sqlPackage('History ok', 'a', 'select 1 as x'));
  writePackage(t.dataDir, 'h/bad.pkg.yaml', sqlPackage('History bad', 'a', 'select * from no_such_table'));
});
afterAll(async () => {
  await t.close();
});

const history = async (query = ''): Promise<ExecutionHistoryEntry[]> => {
  const res = await t.app.inject({ url: `/api/manager/executions${query}`, headers: admin.headers });
  expect(res.statusCode).toBe(200);
  return res.json().executions;
};

describe('execution history', () => {
  it('keeps done, failed (with the error) and stopped (by whom) executions, searchable, for administrators only', async () => {
    const s = await StudioClient.open(t.app, dana);
    const ok = await s.openPackage('h/ok.pkg.yaml');
    await s.runToEnd(ok.id, { node: 'a' });
    const bad = await s.openPackage('h/bad.pkg.yaml');
    await s.runToEnd(bad.id);
    const long = await s.openPackage('demo/long-aggregation.pkg.yaml');
    await s.request('POST', `/packages/${long.id}/run`, {});
    await s.waitRunning(long.id);
    await t.app.inject({ method: 'POST', url: `/api/manager/packages/${long.id}/stop`, headers: admin.headers });
    await s.waitIdle(long.id);

    const all = await waitFor('three executions', async () => {
      const h = await history();
      return h.length >= 3 ? h : undefined;
    });
    expect(all[0]).toMatchObject({ package: 'Long aggregation', user: 'dana', kind: 'studio', outcome: 'stopped' });
    expect(all[0]!.stoppedBy).toMatch(/^stopped by administrator admin:/);
    expect(all[1]).toMatchObject({ package: 'History bad', outcome: 'failed', node: null });
    expect(all[1]!.error).toContain('no_such_table');
    expect(all[2]).toMatchObject({ package: 'History ok', outcome: 'done', node: 'a', path: 'h/ok.pkg.yaml' });
    expect(all[2]!.durationMs).toBeGreaterThanOrEqual(0);

    expect((await history('?search=no_such')).map((e) => e.package)).toEqual(['History bad']);
    expect((await history('?search=administrator')).map((e) => e.package)).toEqual(['Long aggregation']);
    expect((await history('?limit=1')).length).toBe(1);
    const refused = await t.app.inject({ url: '/api/manager/executions', headers: dana.headers });
    expect(refused.statusCode).toBe(403);

    // Retention: with a limit of 0 nothing more is kept.
    await setParameters(t.app, admin, { executionHistoryLimit: 0 });
    await s.runToEnd(ok.id);
    expect((await history()).length).toBe(all.length);
  });
});
