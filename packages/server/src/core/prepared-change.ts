// A stored change made ready (validated, passwords hashed) and written later, in one transaction with what goes with it.

/**
 * The transaction a change is written in, opaque here: each store implementation knows its own
 * (SQLite: none is passed, its one connection is in the transaction; PostgreSQL: the pool client).
 */
export type Tx = unknown;

export interface PreparedChange<T> {
  /**
   * The writes, run inside the transaction; throwing (or rejecting) refuses the change and rolls
   * back all written with it. SQLite's writes are synchronous: a promise there is a wiring bug.
   */
  write(tx: Tx): void | Promise<void>;
  /** Run once the transaction has committed: caches and listeners catch up, and the result is made. */
  done(): T;
}
