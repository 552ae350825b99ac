// Opens the SQLite database, checks it is ours and not newer than this build, and applies migrations.
import Database from 'better-sqlite3';
import type { PreparedChange } from '../core/prepared-change';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

export type Db = Database.Database;

export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

export function openDatabase(file: string): Db {
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check says: ${String(check)}`);
  } catch (err) {
    throw new DatabaseError(
      `The database ${file} cannot be opened: ${(err as Error).message}. ` +
        'It may be corrupt or not a Flowport database; restore it from a backup, or move it away to start afresh.',
    );
  }
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    db.close();
    throw new DatabaseError(
      `The database ${file} has schema version ${current}, newer than this Flowport build supports (${SCHEMA_VERSION}). ` +
        'Run a newer Flowport, or restore a database made by this version.',
    );
  }
  if (current === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='table'").get() as { n: number };
    if (tables.n > 0) {
      db.close();
      throw new DatabaseError(
        `The database ${file} has tables but no Flowport schema version: it is not a Flowport database.`,
      );
    }
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db;
}

/**
 * Writes a change on its own. IMMEDIATE takes the write lock before the change reads what it
 * checks (the last administrator), so another process (`flowport users`) cannot change it between.
 */
export function applySqliteChange<T>(db: Db, change: PreparedChange<T>): T {
  db.transaction(() => writeSqlite(change)).immediate();
  return change.done();
}

/** Runs a change's writes inside the SQLite transaction the caller opened; they must be synchronous. */
export function writeSqlite(change: PreparedChange<unknown>): void {
  const written = change.write(undefined);
  if (written instanceof Promise) throw new Error('an asynchronous change was written in a SQLite transaction');
}
