// Shared-state stores side by side: login checks, parameter reads and audit appends per second on SQLite and on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthService } from '../packages/server/src/auth/auth-service';
import { LoginLimiter } from '../packages/server/src/auth/login-limiter';
import { LoginSessions } from '../packages/server/src/auth/login-sessions';
import { systemClock } from '../packages/server/src/shared/clock';
import { openPostgresState } from '../packages/server/src/db/postgres/postgres-state';
import type { SharedState } from '../packages/server/src/db/shared-state';
import { openSqliteState } from '../packages/server/src/db/sqlite-state';
import { startPostgres } from '../packages/server/test/support/postgres';
import { printTable } from './integrator-harness';

/** How long each measurement runs. */
const SECONDS = Number(process.env.STORES_BENCH_SECONDS ?? 2);

/** Calls `op` back to back for SECONDS; returns calls per second. */
async function perSecond(op: () => unknown): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      const r = op();
      if (r instanceof Promise) await r;
      n++;
    }
  }
  return n / ((performance.now() - start) / 1000);
}

async function measure(state: SharedState): Promise<Record<string, number>> {
  await state.users.createFirst('admin', 'bench-password-1', ['admin']);
  const limiter = new LoginLimiter(systemClock, () => ({ attempts: 1000, lockoutSeconds: 1 }));
  const sessions = new LoginSessions(systemClock, state.logins);
  const auth = new AuthService(state.users, limiter, sessions);
  const login = await auth.login('admin', 'bench-password-1', '127.0.0.1');
  const bearer = `Bearer ${login.token}`;
  // The Integrator's hot path: a bearer token known to this node (memory only, no round trip).
  const check = await perSecond(() => auth.resolve(bearer, undefined, '127.0.0.1'));
  // A token's first use on a node that did not make it: one read of the store, and of its user.
  const tokens = await Promise.all(
    Array.from({ length: 2000 }, () => sessions.open('admin', ['admin'], login.credential)),
  );
  let k = 0;
  const foreign = await perSecond(() => {
    const other = new AuthService(state.users, limiter, new LoginSessions(systemClock, state.logins));
    return other.resolve(`Bearer ${tokens[k++ % tokens.length]!.token}`, undefined, '127.0.0.1');
  });
  const read = await perSecond(() => state.params.get().packagePoolSize);
  let i = 0;
  const append = await perSecond(() =>
    state.audit.record({ actor: 'bench', action: 'bench.append', target: String(i++), outcome: 'ok', details: { i } }),
  );
  return { check, foreign, read, append };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-bench-stores-'));
const given = process.env.BENCH_DATABASE_URL;
const postgres = given ? undefined : await startPostgres();
try {
  const sqlite = openSqliteState(path.join(dir, 'flowport.db'));
  const onSqlite = await measure(sqlite);
  await sqlite.close();
  const pg = await openPostgresState(given ?? (await postgres!.createDatabase('bench')));
  const onPg = await measure(pg);
  await pg.close();
  const row = (what: string, key: string) => ({
    'per second': what,
    SQLite: Math.round(onSqlite[key]!),
    PostgreSQL: Math.round(onPg[key]!),
    'PostgreSQL / SQLite': `${(onPg[key]! / onSqlite[key]!).toFixed(2)}x`,
  });
  printTable(`Shared-state stores, ${SECONDS} s each, one connection's caller at a time (${os.cpus().length} cores)`, [
    row('login check (bearer token known to the node)', 'check'),
    row("login check (token's first use on another node)", 'foreign'),
    row('parameter read', 'read'),
    row('audit append (one entry, committed, announced)', 'append'),
  ]);
} finally {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}
