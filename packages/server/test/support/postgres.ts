// A real PostgreSQL server for the tests: Debian's postgresql (15), initdb into a temporary directory as the postgres user, trust auth, 127.0.0.1 on a free port.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port';

/** Where Debian's package puts the server; FLOWPORT_PG_BIN names another folder (a developer's machine). */
const BIN = process.env.FLOWPORT_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** The maintenance database's URL (postgres://flowport@127.0.0.1:PORT/postgres). */
  url: string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Runs a PostgreSQL binary; as the postgres user when this is root (the server refuses to run as root). */
function run(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args]]
    : [path.join(BIN, bin), args];
  execFileSync(cmd, argv, { stdio: 'pipe' });
}

/**
 * Starts a server of its own (about 2 s); the test file creates a database per suite on it. Throws,
 * failing the tests, when the binaries are missing: these tests are never skipped.
 */
export async function startPostgres(): Promise<TestPostgres> {
  if (!existsSync(path.join(BIN, 'initdb')))
    throw new Error(
      `PostgreSQL is not installed: ${BIN}/initdb is missing. Install it (apt-get install -y postgresql) ` +
        'or set FLOWPORT_PG_BIN to the folder of initdb and pg_ctl; the PostgreSQL tests need a real server.',
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-pg-'));
  chmodSync(dir, 0o755);
  const socketDir = path.join(dir, 'sock');
  mkdirSync(socketDir);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  const data = path.join(dir, 'db');
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'flowport', '--no-sync']);
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      '-l',
      path.join(dir, 'log'),
      '-w',
      'start',
    ]);
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`starting the test PostgreSQL failed: ${e.stderr?.toString() ?? e.message}`);
  }
  const url = `postgres://flowport@127.0.0.1:${port}/postgres`;
  let n = 0;
  let stopped = false;
  return {
    url,
    async createDatabase(prefix = 'test') {
      const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${++n}`;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return `postgres://flowport@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
