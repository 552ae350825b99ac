// Versioned PostgreSQL schema migrations; each runs once, in order, in a transaction, by one node at a time (pg-database.ts).
import type { Migration } from '../migrations';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, parameters, audit log and logins',
    // Times are ISO-8601 text as in SQLite, so both stores give the same answers; a login is found
    // by the SHA-256 of its token: the table holds no token that would let anyone in.
    sql: `
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        roles JSONB NOT NULL,
        blocked BOOLEAN NOT NULL DEFAULT false,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT
      );
      CREATE TABLE parameters (
        key TEXT PRIMARY KEY,
        value JSONB NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE audit_log (
        id BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL,
        details JSONB
      );
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE TABLE logins (
        token_hash TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        csrf_token TEXT NOT NULL,
        user_name TEXT NOT NULL,
        roles JSONB NOT NULL,
        credential TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'execution history',
    // As SQLite's migration 4: times in epoch milliseconds, the newest found by the sequence.
    sql: `
      CREATE TABLE executions (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL,
        "user" TEXT,
        kind TEXT,
        package TEXT NOT NULL,
        path TEXT,
        node TEXT,
        started_at BIGINT NOT NULL,
        ended_at BIGINT NOT NULL,
        outcome TEXT NOT NULL,
        error TEXT,
        stop_reason TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'package files: creation time and last save through Flowport',
    // As SQLite's migration 3, times in epoch milliseconds: the nodes share one storage, so one record per path.
    sql: `
      CREATE TABLE package_files (
        path TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        saved_by TEXT,
        saved_at BIGINT,
        saved_version TEXT
      );
    `,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
