// The flowport command: help, bad arguments, users and params against a data directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../src/db/sqlite-audit-log';
import { openDatabase } from '../src/db/database';
import { snapshot, waitFor } from './helpers/integration-helpers';
import { login, makeTestApp } from './helpers/test-app';

const BIN = path.resolve(__dirname, '../bin/flowport.mjs');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function flowport(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FLOWPORT_FROM_SOURCE: '1', FLOWPORT_DATA_DIR: dataDir, NEW_PW: 'cli-password-1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('flowport command', () => {
  it('prints help and exits 0 for --help on each command', () => {
    for (const cmd of [[], ['serve'], ['users'], ['params']]) {
      const r = flowport(...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: flowport/);
    }
    // Four commands started from source (tsx) one after another: slow on a loaded 2-core machine.
  }, 120_000);

  it('exits 2 with a clear message on an unknown command or flag', () => {
    const unknown = flowport('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "frobnicate"');
    const flag = flowport('users', 'list', '--colour');
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/Unknown option '--colour'/);
  });

  it('refuses a bad port with the source of the value', () => {
    const r = flowport('serve', '--port', 'eighty');
    expect(r.code).toBe(2);
    expect(r.err).toContain('flag --port: port must be a port number');
  });

  it('manages users and parameters in the data directory', { timeout: 120_000 }, async () => {
    const t = await makeTestApp({}, {}, dataDir);
    await t.app.close();
    expect(flowport('users', 'add', 'carol', '--roles', 'design,view', '--password-env', 'NEW_PW').code).toBe(0);
    expect(flowport('users', 'list').out).toMatch(/carol\s+design,view\s+active/);
    expect(flowport('users', 'set-roles', 'carol', 'batch').code).toBe(0);
    expect(flowport('users', 'block', 'carol').code).toBe(0);
    expect(flowport('users', 'list').out).toMatch(/carol\s+batch\s+blocked/);
    const badRole = flowport('users', 'set-roles', 'carol', 'wizard');
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain('unknown role(s) wizard');
    expect(flowport('users', 'remove', 'carol').code).toBe(0);
    expect(flowport('users', 'remove', 'carol').code).toBe(1);
    expect(flowport('params', 'set', 'packagePoolSize=3').code).toBe(0);
    expect(flowport('params', 'get', 'packagePoolSize').out.trim()).toBe('packagePoolSize=3');
    const bad = flowport('params', 'set', 'packagePoolSize=-1');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('packagePoolSize');
    // Every change with its audit entry, and the refused ones too (the unknown user, the bad value).
    const db = openDatabase(path.join(dataDir, 'flowport.db'));
    const entries = (await new SqliteAuditLog(db).latest()).filter((e) => e.actor === 'cli');
    db.close();
    expect(entries.map((e) => `${e.action} ${e.target ?? ''} ${e.outcome} ${String(e.details?.error ?? '')}`)).toEqual([
      'parameters.update  error VALIDATION_FAILED',
      'parameters.update  ok ',
      'user.remove carol error USER_NOT_FOUND',
      'user.remove carol ok ',
      'user.update carol ok ',
      'user.update carol ok ',
      'user.create carol ok ',
    ]);
  });

  it(
    'changes the parameters and users of a server running on the data directory, without a restart',
    { timeout: 60_000 },
    async () => {
      const t = await makeTestApp({}, {}, dataDir);
      try {
        const admin = await login(t.app);
        expect(flowport('params', 'set', 'packagePoolSize=2', 'integratorTimeoutSeconds=7').code).toBe(0);
        const pool = await waitFor('the running server to apply the new pool size', async () => {
          const snap = await snapshot(t.app, admin);
          return snap.pool.max === 2 && snap.pool;
        });
        expect(pool.max).toBe(2);
        const res = await t.app.inject({ url: '/api/admin/parameters', headers: admin.headers });
        expect(res.json()).toMatchObject({ packagePoolSize: 2, integratorTimeoutSeconds: 7 });

        // A user blocked with the command loses the logins it has on the running server.
        expect(flowport('users', 'add', 'dave', '--roles', 'view', '--password-env', 'NEW_PW').code).toBe(0);
        const dave = await login(t.app, 'dave', 'cli-password-1');
        const me = () => t.app.inject({ url: '/api/auth/me', headers: dave.headers });
        expect((await me()).statusCode).toBe(200);
        expect(flowport('users', 'block', 'dave').code).toBe(0);
        await waitFor('the running server to end the blocked login', async () => (await me()).statusCode === 401);
        expect((await me()).json().error.code).toBe('UNAUTHENTICATED');

        // So does a user whose password the command changes (the new hash differs even for the same text).
        expect(flowport('users', 'add', 'erin', '--roles', 'view', '--password-env', 'NEW_PW').code).toBe(0);
        const erin = await login(t.app, 'erin', 'cli-password-1');
        const erinMe = () => t.app.inject({ url: '/api/auth/me', headers: erin.headers });
        expect((await erinMe()).statusCode).toBe(200);
        expect(flowport('users', 'passwd', 'erin', '--password-env', 'NEW_PW').code).toBe(0);
        await waitFor(
          'the running server to end the login made with the old password',
          async () => (await erinMe()).statusCode === 401,
        );
      } finally {
        await t.app.close();
      }
    },
  );
});
