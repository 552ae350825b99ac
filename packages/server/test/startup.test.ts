// First and second start on a data directory, and clear refusals of a bad database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseError, openDatabase } from '../src/db/database';
import { SCHEMA_VERSION } from '../src/db/migrations';
import { SqliteUserStore } from '../src/db/sqlite-user-store';
import { createUser, login, makeTestApp } from './helpers/test-app';

const dirs: string[] = [];
function tempDir() {
  const d = mkdtempSync(path.join(os.tmpdir(), 'flowport-start-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('start-up', () => {
  it('creates the first administrator once and keeps users on a second start', async () => {
    const dir = tempDir();
    const shown: string[] = [];
    const first = await makeTestApp({ adminPassword: null }, { onFirstAdmin: (_n, pw) => shown.push(pw) }, dir);
    expect(shown).toHaveLength(1);
    const password = shown[0]!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    await first.app.close();
    const second = await makeTestApp({ adminPassword: null }, { onFirstAdmin: (_n, pw) => shown.push(pw) }, dir);
    expect(shown).toHaveLength(1);
    await expect(login(second.app, 'admin', password)).resolves.toBeTruthy();
    await second.app.close();
  });

  it('keeps logins across a restart: cookie and bearer token go on working, until logout or a change of the user', async () => {
    const dir = tempDir();
    const first = await makeTestApp({}, {}, dir);
    const admin = await login(first.app);
    await createUser(first.app, admin, 'ivy', ['batch']);
    const token = async (username: string, password: string) =>
      (await first.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username, password } })).json()
        .token as string;
    const ivy = await token('ivy', 'user-password-1');
    const leaving = await login(first.app);
    await first.app.close();

    // While the server is down, `flowport users` blocks ivy (the same store the CLI uses).
    const db = openDatabase(path.join(dir, 'flowport.db'));
    await new SqliteUserStore(db).update('ivy', { blocked: true });
    db.close();

    const second = await makeTestApp({}, {}, dir);
    const me = (headers: Record<string, string>) => second.app.inject({ url: '/api/auth/me', headers });
    expect((await me(admin.headers)).json().user).toMatchObject({ name: 'admin' });
    // The kept CSRF token still guards state-changing requests of the kept cookie.
    const logout = await second.app.inject({ method: 'POST', url: '/api/auth/logout', headers: leaving.headers });
    expect(logout.statusCode).toBeLessThan(300);
    expect((await me(leaving.headers)).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${ivy}` })).statusCode).toBe(401);
    await second.app.close();

    const third = await makeTestApp({}, {}, dir);
    expect((await third.app.inject({ url: '/api/auth/me', headers: admin.headers })).statusCode).toBe(200);
    expect((await third.app.inject({ url: '/api/auth/me', headers: leaving.headers })).statusCode).toBe(401);
    await third.app.close();
  });

  it('seeds an empty storage from the examples folder', async () => {
    const dir = tempDir();
    const examples = tempDir();
    writeFileSync(path.join(examples, 'hello.pkg.yaml'), 'name: x\nnodes: []\n');
    const t = await makeTestApp({ seedExamples: true, examplesDir: examples }, {}, dir);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(dir, 'storage', 'hello.pkg.yaml'))).toBe(true);
    await t.app.close();
  });

  it('refuses a corrupt database with a message that says what to do', () => {
    const file = path.join(tempDir(), 'flowport.db');
    writeFileSync(file, 'this is not a database at all, just some text'.repeat(100));
    expect(() => openDatabase(file)).toThrow(DatabaseError);
    expect(() => openDatabase(file)).toThrow(/cannot be opened.*restore it from a backup/);
  });

  it('refuses a database with a newer schema than this build', () => {
    const file = path.join(tempDir(), 'flowport.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this Flowport build supports/);
  });

  it("refuses a database that is not Flowport's", () => {
    const file = path.join(tempDir(), 'flowport.db');
    const db = new Database(file);
    db.exec('CREATE TABLE other(x)');
    db.close();
    expect(() => openDatabase(file)).toThrow(/not a Flowport database/);
  });
});
