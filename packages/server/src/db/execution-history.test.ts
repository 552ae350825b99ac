// The SQLite execution history writes finished executions in batches: one commit for many, nothing lost by a read or a close.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import type { SettledExecution } from '../core/execution';
import { openSqliteState } from './sqlite-state';

const settled = (id: string): SettledExecution =>
  ({
    id,
    user: 'ann',
    sessionKind: 'integrator',
    packageName: 'scoring',
    path: 'out/scoring.pkg.yaml',
    node: 'score',
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_000_010,
    outcome: 'done',
    error: null,
    stopReason: null,
  }) as SettledExecution;

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fresh() {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-history-'));
  return path.join(dir, 'flowport.db');
}
/** The rows as another connection sees them: what has been committed. */
const committed = (file: string) => {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare('SELECT id FROM executions ORDER BY seq').all() as { id: string }[]).map((r) => r.id);
  } finally {
    other.close();
  }
};

it('commits the executions of one window together, and answers each add when its batch is written', async () => {
  const file = fresh();
  const state = openSqliteState(file);
  const adds = ['e1', 'e2', 'e3'].map((id) => state.history.add(settled(id)));
  expect(adds[0]).toBe(adds[2]); // one batch, one promise
  expect(committed(file)).toEqual([]);
  await Promise.all(adds);
  expect(committed(file)).toEqual(['e1', 'e2', 'e3']);
  await state.history.add(settled('e4'));
  expect(committed(file)).toEqual(['e1', 'e2', 'e3', 'e4']);
  await state.close();
});

it('shows rows still waiting to a read, and writes them before a trim or closing', async () => {
  const file = fresh();
  const state = openSqliteState(file);
  void state.history.add(settled('e1'));
  void state.history.add(settled('e2'));
  expect((await state.history.recent({ limit: 10 })).map((e) => e.id)).toEqual(['e2', 'e1']);
  void state.history.add(settled('e3'));
  await state.history.prune(1);
  expect(committed(file)).toEqual(['e3']);
  void state.history.add(settled('e4'));
  await state.close();
  expect(committed(file)).toEqual(['e3', 'e4']);
});
