// The shared state of a cluster in PostgreSQL (package files' records too): migrated at open (once, under a lock), changes heard through LISTEN/NOTIFY.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { CheckError } from '../../health/readiness';
import type { SharedState, StateChanges } from '../shared-state';
import { PostgresAuditLog } from './audit-log';
import { ChangeListener, type HeardChanges } from './change-listener';
import { PostgresExecutionHistory } from './execution-history';
import { PostgresLoginStore } from './login-store';
import { PostgresPackageFileStore } from './package-file-store';
import { PostgresParameterStore } from './parameter-store';
import { migrate, openPool } from './pg-database';
import { PostgresUserStore } from './user-store';

/** How long the readiness check waits for an answer. */
const CHECK_TIMEOUT_MS = 2000;

export interface PostgresStateOptions {
  /** Hears of background failures: a lost pool client, a login write, the listener. */
  onError?: (err: unknown) => void;
  /** Told which migrations this process applied (none when another node did). */
  onMigrated?: (versions: number[]) => void;
}

export async function openPostgresState(
  url: string,
  options: PostgresStateOptions = {},
): Promise<SharedState & { pool: pg.Pool }> {
  const onError = options.onError ?? (() => {});
  const pool = await openPool(url, onError);
  try {
    const applied = await migrate(pool); // not inside `onMigrated?.(…)`: absent, it would skip the call
    options.onMigrated?.(applied);
    const users = await PostgresUserStore.open(pool, onError);
    const params = await PostgresParameterStore.open(pool);
    let listener: ChangeListener | undefined;
    const node = randomUUID();
    const audit = new PostgresAuditLog(pool, node);
    const files = await PostgresPackageFileStore.open(pool, node, onError);
    return {
      kind: 'postgres',
      pool,
      users,
      params,
      logins: new PostgresLoginStore(pool),
      audit,
      history: new PostgresExecutionHistory(pool),
      files,
      check: {
        name: 'database',
        async check() {
          const timeout = new Promise<never>((_, reject) => {
            setTimeout(() => reject(new CheckError('PostgreSQL did not answer in 2 s')), CHECK_TIMEOUT_MS).unref();
          });
          await Promise.race([
            pool.query('SELECT 1').catch((err: { code?: string }) => {
              throw new CheckError(`PostgreSQL does not answer (${err.code ?? 'error'})`);
            }),
            timeout,
          ]);
          if (listener && !listener.connected)
            throw new CheckError('the PostgreSQL connection that hears of other nodes’ changes is down');
        },
      },
      watch(changes: StateChanges) {
        // The caches are read again before the callers hear of a change: they read them at once.
        const fresh: HeardChanges = {
          users: () => users.refresh().then(changes.users, changes.error),
          parameters: changes.parameters,
          loginEnded: changes.loginEnded,
          error: changes.error,
          // Another node's entries reach this node's live feed (the Session Manager's audit panel).
          audit: (id, from) => void audit.heard(id, from).catch(changes.error),
          packageFile: (path, from) => void files.heard(path, from).catch(changes.error),
          packageFilesMissed: () => void files.reload().catch(changes.error),
        };
        listener = new ChangeListener(url, fresh);
        listener.start().catch((err: unknown) => changes.error(err));
      },
      async close() {
        await listener?.stop();
        await files.settled();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
}
