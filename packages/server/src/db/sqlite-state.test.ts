// The store contract on SQLite: each case on a new database file, every connection a SharedState of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { storeContract } from '../../test/support/store-contract';
import { openSqliteState } from './sqlite-state';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

storeContract('SQLite', () => {
  let file = '';
  return {
    async fresh() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-state-'));
      dirs.push(dir);
      file = path.join(dir, 'flowport.db');
    },
    async open() {
      return openSqliteState(file);
    },
  };
});
