// A database change made ready (validated, passwords hashed) and written later, in one transaction with what goes with it.
import type { Db } from './database';

export interface PreparedChange<T> {
  /** The writes, run inside the transaction; throwing refuses the change and rolls back all written with it. */
  write(): void;
  /** Run once the transaction has committed: caches and listeners catch up, and the result is made. */
  done(): T;
}

/**
 * Writes a change on its own. IMMEDIATE takes the write lock before the change reads what it
 * checks (the last administrator), so another process (`flowport users`) cannot change it between.
 */
export function applyChange<T>(db: Db, change: PreparedChange<T>): T {
  db.transaction(() => change.write()).immediate();
  return change.done();
}
