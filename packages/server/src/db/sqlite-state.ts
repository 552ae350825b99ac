// The shared state in the data directory's SQLite file: one server, and the flowport command beside it.
import { databaseCheck } from '../health/database-check';
import { openDatabase, type Db } from './database';
import { SqliteExecutionHistory } from './execution-history';
import { SqliteLoginStore } from './login-store';
import { OtherCommits } from './other-commits';
import type { SharedState, StateChanges } from './shared-state';
import { SqliteAuditLog } from './sqlite-audit-log';
import { SqlitePackageFileStore } from './sqlite-package-file-store';
import { SqliteParameterStore } from './sqlite-parameter-store';
import { SqliteUserStore } from './sqlite-user-store';

/** How often the server looks for changes another process committed. */
const OTHER_COMMITS_CHECK_MS = 1000;

export function openSqliteState(file: string): SharedState & { db: Db } {
  const db = openDatabase(file);
  let timer: NodeJS.Timeout | undefined;
  const history = new SqliteExecutionHistory(db);
  const files = new SqlitePackageFileStore(db);
  return {
    kind: 'sqlite',
    db,
    users: new SqliteUserStore(db),
    logins: new SqliteLoginStore(db),
    params: new SqliteParameterStore(db),
    audit: new SqliteAuditLog(db),
    history,
    files,
    check: databaseCheck(db, file),
    watch(changes: StateChanges) {
      // data_version changes for this connection when another one (`flowport users`) commits; a
      // login ended elsewhere cannot happen here (logins are made and ended by this process only).
      const other = new OtherCommits(db);
      timer = setInterval(() => {
        try {
          if (!other.changed()) return;
          files.forget();
          changes.parameters();
          changes.users();
        } catch (err) {
          changes.error(err);
        }
      }, OTHER_COMMITS_CHECK_MS);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      history.flush();
      db.close();
    },
  };
}
