// First and second start on a data directory, and clear refusals of a bad database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseError, openDatabase } from '../src/db/database';
import { SCHEMA_VERSION } from '../src/db/migrations';
import { login, makeTestApp } from './helpers/test-app';

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
