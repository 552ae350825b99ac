// Interrupting DuckDB so that it holds: repeated until the statement has returned.

/** What can be interrupted: a DuckDB connection. */
export interface Interruptible {
  interrupt(): void;
}

const REINTERRUPT_MS = 10;

/**
 * Interrupts `conn` now and every 10 ms until `done` is called. DuckDB clears a connection's interrupt
 * when a statement begins, so one that lands just before is lost and the statement runs to its end;
 * repeating it until the caller's statement returns is the only way a stop always takes.
 */
export function interruptUntilDone(conn: Interruptible): () => void {
  const hit = () => {
    try {
      conn.interrupt();
    } catch {
      // closed under us: nothing left to interrupt
    }
  };
  hit();
  const again = setInterval(hit, REINTERRUPT_MS);
  again.unref();
  return () => clearInterval(again);
}

/**
 * Interrupts `conn` when `signal` aborts, until the returned function is called (when the work on
 * `conn` has returned, however it ended).
 */
export function interruptOnAbort(conn: Interruptible, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => undefined;
  let stop: (() => void) | undefined;
  let over = false;
  const onAbort = () => {
    if (!over) stop = interruptUntilDone(conn);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    over = true;
    signal.removeEventListener('abort', onAbort);
    stop?.();
  };
}
