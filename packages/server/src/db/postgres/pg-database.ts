// Opens the PostgreSQL pool, migrates under an advisory lock (two nodes starting together migrate once), runs transactions and announces changes.
import pg from 'pg';
import type { Tx } from '../../core/prepared-change';
import { DatabaseError } from '../database';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './migrations';

/** Advisory lock keys, fixed so that every node and `flowport` command takes the same ones. */
const MIGRATION_LOCK = 0x466c_6f01;
/** Held by user changes inside their transaction: the last-administrator check reads the users alone. */
export const USERS_LOCK = 0x466c_6f02;
/** With a hash of the path as second key: held by a package file's save inside its transaction. */
export const FILE_SAVE_LOCK = 0x466c_6f03;

/** The channel every change is announced on; NOTIFY inside a transaction is sent on its commit. */
export const CHANNEL = 'flowport_state';

export type Notice =
  | { kind: 'users' }
  | { kind: 'parameters' }
  | { kind: 'login-ended'; tokenHash: string }
  | { kind: 'audit'; id: number; from: string }
  | { kind: 'package-file'; path: string; from: string };

export async function notify(c: pg.ClientBase, notice: Notice): Promise<void> {
  await c.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(notice)]);
}

/** The pool client of a change's transaction; anything else is a wiring bug (a SQLite change here). */
export function clientOf(tx: Tx): pg.ClientBase {
  if (!(tx instanceof pg.Client)) throw new Error('a change was written outside a PostgreSQL transaction');
  return tx;
}

/** Opens a pool on `url` and checks it answers; the password is never part of a message. */
export async function openPool(url: string, onError: (err: Error) => void): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'flowport' });
  // An idle client's error (the server restarted) is emitted here; unheard, it would end the process.
  pool.on('error', onError);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseError(`The PostgreSQL database at ${redact(url)} cannot be reached: ${(err as Error).message}`);
  }
  return pool;
}

/** The URL without its password, for messages and the log. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * Applies the migrations not applied yet. The advisory lock makes a second node starting at the
 * same moment wait, then find them applied; each migration's row says which process applied it.
 * Returns the versions applied here.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const c = await pool.connect();
  const applied: number[] = [];
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await c.query(`CREATE TABLE IF NOT EXISTS flowport_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_by TEXT NOT NULL)`);
    const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM flowport_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > PG_SCHEMA_VERSION)
      throw new DatabaseError(
        `The PostgreSQL database has schema version ${current}, newer than this Flowport build supports (${PG_SCHEMA_VERSION}). Run a newer Flowport.`,
      );
    for (const m of PG_MIGRATIONS) {
      if (m.version <= current) continue;
      await c.query('BEGIN');
      try {
        await c.query(m.sql);
        await c.query('INSERT INTO flowport_migrations(version, name, applied_by) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          `pid ${process.pid}`,
        ]);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      }
      applied.push(m.version);
    }
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    c.release();
  }
  return applied;
}

/** Runs `fn` in a transaction on one pool client: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('BEGIN');
    const result = await fn(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    c.release(broken);
  }
}
