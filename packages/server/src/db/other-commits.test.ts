import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openDatabase, type Db } from './database';
import { OtherCommits } from './other-commits';

const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-commits-'));
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});
const open = () => {
  const db = openDatabase(path.join(dir, 'flowport.db'));
  dbs.push(db);
  return db;
};

it('notices a commit by another connection once, and not its own', () => {
  const server = open();
  const cli = open();
  const commits = new OtherCommits(server);
  expect(commits.changed()).toBe(false);
  server.prepare("INSERT INTO parameters(key, value, updated_at) VALUES ('logLevel', '\"debug\"', 'now')").run();
  expect(commits.changed()).toBe(false);
  cli.prepare("UPDATE parameters SET value = '\"warn\"' WHERE key = 'logLevel'").run();
  expect(commits.changed()).toBe(true);
  expect(commits.changed()).toBe(false);
});
