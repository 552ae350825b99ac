// Versioned SQLite schema migrations; each runs once, in order, inside a transaction.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, parameters and audit log',
    sql: `
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        roles TEXT NOT NULL,
        blocked INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT
      );
      CREATE TABLE parameters (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL,
        details TEXT
      );
      CREATE INDEX audit_log_at ON audit_log(at);
    `,
  },
  {
    version: 2,
    name: 'logins kept across restarts',
    // A login is found by the SHA-256 of its token: the table holds no token that would let anyone in.
    sql: `
      CREATE TABLE logins (
        token_hash TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        csrf_token TEXT NOT NULL,
        user TEXT NOT NULL,
        roles TEXT NOT NULL,
        credential TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'package files: creation time and last save through Flowport',
    // Keyed by storage path: an atomic save makes a new file (new inode and birth time) under the
    // same path, so the file system alone cannot tell when the package file was first created.
    sql: `
      CREATE TABLE package_files (
        path TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        saved_by TEXT,
        saved_at INTEGER,
        saved_version TEXT
      );
    `,
  },
  {
    version: 4,
    name: 'execution history',
    sql: `
      CREATE TABLE executions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        user TEXT,
        kind TEXT,
        package TEXT NOT NULL,
        path TEXT,
        node TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error TEXT,
        stop_reason TEXT
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
