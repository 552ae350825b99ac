// One computation of one node for one fingerprint, shared by every caller that needs that same result.
import { cancelledError } from './duckdb-runtime';
import type { ColumnInfo } from './json-values';
import type { RowsRelation } from './sql-literals';

/** How long a cancelling caller waits for DuckDB to acknowledge the interrupt. */
const STOP_WAIT_MS = 2000;

export interface NodeResult {
  /** The DuckDB table holding the rows (for an export: the exported input's table); absent if `literal` is set. */
  table: string;
  rows: number;
  columns: ColumnInfo[];
  /** Every row as JSON, kept for a small result so reading it needs no round trip to DuckDB. */
  head?: Record<string, unknown>[];
  /**
   * For a small result: its rows kept as literal rows (or a request's rows as their JSON text), and
   * no table. Creating a table costs DuckDB more than the whole query that reads it.
   */
  literal?: RowsRelation;
  /**
   * Every row as the JSON of the Integrator's `rows`, in UTF-8 (a run's answered target; at most its
   * row limit): the bytes DuckDB wrote go to the socket as they are, never decoded.
   */
  answer?: Uint8Array;
  /**
   * No table and no literal rows: only `answer` (and `head`) hold the rows. Such a result answers
   * again as the same run's target, but a node reading it makes it again as a table.
   */
  noRelation?: boolean;
  durationMs: number;
}

export interface JobListener {
  progress?(fraction: number): void;
}

/**
 * The job runs under its own AbortController, so one caller giving up does not cancel it for
 * the others: it is cancelled only when every caller waiting for it has gone.
 */
export class NodeJob {
  readonly controller = new AbortController();
  readonly startedAt = Date.now();
  status: 'running' | 'done' | 'failed' | 'cancelled' = 'running';
  result?: NodeResult;
  error?: unknown;
  lastUsed = Date.now();
  private waiters = 0;
  private readonly listeners = new Set<JobListener>();
  readonly promise: Promise<NodeResult>;

  /** A job whose result was there at once (an input kept as its text): done from the start, nothing to await. */
  static done(node: string, fingerprint: string, result: NodeResult): NodeJob {
    return new NodeJob(node, fingerprint, result);
  }

  constructor(
    readonly node: string,
    readonly fingerprint: string,
    work: ((job: NodeJob) => Promise<NodeResult>) | NodeResult,
  ) {
    if (typeof work !== 'function') {
      this.status = 'done';
      this.result = work;
      this.promise = Promise.resolve(work);
      return;
    }
    this.promise = work(this).then(
      (r) => {
        this.status = 'done';
        this.result = r;
        return r;
      },
      (err) => {
        this.status = this.controller.signal.aborted ? 'cancelled' : 'failed';
        this.error = err;
        throw err;
      },
    );
    this.promise.catch(() => undefined); // awaited by callers; never an unhandled rejection
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  progress(fraction: number): void {
    for (const l of this.listeners) l.progress?.(fraction);
  }

  /** Waits for the result; the caller's signal releases only this caller. */
  async await(signal: AbortSignal, listener: JobListener = {}): Promise<NodeResult> {
    this.lastUsed = Date.now();
    if (this.status === 'done') return this.result!;
    if (signal.aborted) throw cancelledError();
    this.waiters++;
    this.listeners.add(listener);
    let onAbort: (() => void) | undefined;
    try {
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => {
          if (this.waiters > 1 || this.status !== 'running') return reject(cancelledError());
          // The last caller stops the computation and reports only once DuckDB has stopped (bounded wait).
          this.controller.abort();
          const stopped = this.promise.then(
            () => undefined,
            () => undefined,
          );
          void Promise.race([stopped, new Promise((r) => setTimeout(r, STOP_WAIT_MS))]).then(() =>
            reject(cancelledError()),
          );
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
      return await Promise.race([this.promise, aborted]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      this.listeners.delete(listener);
      this.waiters--;
      if (this.waiters === 0 && this.status === 'running') this.controller.abort();
    }
  }
}
