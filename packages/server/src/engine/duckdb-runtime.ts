// One locked-down in-memory DuckDB database: confined to allowed folders, no extensions, no settings.
import {
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import path from 'node:path';
import { DomainError } from '../shared/domain-error';
import { interruptOnAbort, interruptUntilDone } from './duckdb-interrupt';
import { bindParameters, type BoundValue } from './sql-parameters';

export interface DuckDbOptions {
  /** Absolute folders package SQL may read and write (the storage root, the engine scratch folder). */
  allowedDirectories: string[];
  /** DuckDB memory limit, e.g. '1GB'. */
  memoryLimit?: string;
  threads?: number;
  /** Connections made before the lock (progress must be enabled on each; none can be added later). */
  connections?: number;
  /** Spill folder; must be inside an allowed directory. */
  tempDirectory?: string;
  /** Most DuckDB may spill to the temporary folder, e.g. '4GB' (its default: 90 % of the free disk). */
  maxTempDirectorySize?: string;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /**
   * Called about every 100 ms while the query runs, with DuckDB's progress 0..1 (table scans only), or
   * with −1 while DuckDB has no figure for the statement (so the page shows "working", not a frozen number).
   * A 0 before DuckDB's first figure counts as none: it says 0 until it has weighed the statement.
   */
  onProgress?(fraction: number): void;
}

const POLL_MS = 100;
/** Statements a connection keeps prepared (the least recently run go first). */
const PREPARED_PER_CONNECTION = 64;
/** What DuckDB's buffer manager holds, all tags together (what its memory_limit governs). */
const MEMORY_SQL = 'SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory()';

/** A SQL string literal; used only for file paths already confined by FileStorage (COPY cannot take parameters). */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function isInterrupt(err: unknown): boolean {
  return err instanceof Error && /INTERRUPT|Interrupted/i.test(err.message);
}

export function cancelledError(what = 'The execution'): DomainError {
  return new DomainError('EXECUTION_CANCELLED', `${what} was cancelled.`);
}

/** A connection lent by the pool; DuckDB work of one node runs on one. */
export class LockedConnection {
  /** Engine SQL to run before anything else on this connection (the views a SQL node left behind). */
  private cleanup = '';
  /** Prepared statements by their text, the most recently run last. */
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();
  /** The kept statement running now, if any (the connection runs one thing at a time). */
  private running: DuckDBPreparedStatement | undefined;

  constructor(readonly raw: DuckDBConnection) {}

  /**
   * Runs `sql` (engine SQL) before the next statement on this connection, in the same round trip
   * when that is a script. Nothing but this connection can see what it cleans up.
   */
  later(sql: string): void {
    this.cleanup += sql;
  }

  private takeCleanup(): string {
    const sql = this.cleanup;
    this.cleanup = '';
    return sql;
  }

  /**
   * Runs one statement with named parameters bound (only those the statement uses). The signal
   * interrupts DuckDB at once; progress is polled while it runs.
   */
  async run(
    sql: string,
    params: Record<string, BoundValue> = {},
    opts: QueryOptions = {},
  ): Promise<DuckDBMaterializedResult> {
    return this.runBound(sql, (stmt) => bindParameters(stmt, params), opts);
  }

  /**
   * Runs SQL the engine writes itself (never package SQL): one round trip to DuckDB however many
   * statements it holds, no parameters; answers the last statement's result, fully materialized.
   */
  async script(sql: string, opts: QueryOptions = {}): Promise<DuckDBMaterializedResult> {
    const cleanup = this.takeCleanup();
    try {
      return await this.guard(opts, () => this.raw.run(cleanup + sql));
    } catch (err) {
      this.cleanup = cleanup + this.cleanup; // idempotent: it may not have run before the failure
      throw err;
    }
  }

  /** Prepares one statement, lets `bind` set its parameters, runs it. */
  async runBound(
    sql: string,
    bind: (stmt: DuckDBPreparedStatement) => void,
    opts: QueryOptions = {},
  ): Promise<DuckDBMaterializedResult> {
    if (this.cleanup) await this.script('');
    return this.guard(opts, async () => {
      const stmt = await this.raw.prepare(sql);
      try {
        bind(stmt);
        return await stmt.run();
      } finally {
        stmt.destroySync();
      }
    });
  }

  /**
   * Runs one statement, prepared the first time this connection sees its text and kept prepared:
   * planning a small query costs DuckDB more than running it. `bind` sets the parameters each run.
   * A kept statement that no longer binds (a table it read went away) is prepared afresh, once.
   */
  async runPrepared(
    sql: string,
    bind: (stmt: DuckDBPreparedStatement) => void,
    opts: QueryOptions = {},
  ): Promise<DuckDBMaterializedResult> {
    if (this.cleanup) await this.script('');
    return this.guard(opts, async () => {
      const kept = this.prepared.get(sql);
      if (kept) {
        this.prepared.delete(sql);
        this.prepared.set(sql, kept);
        try {
          return await this.runKept(kept, bind);
        } catch (err) {
          if (opts.signal?.aborted || !(err instanceof Error) || !/^(Catalog|Binder) Error/.test(err.message))
            throw err;
          this.forget(sql);
        }
      }
      const stmt = await this.raw.prepare(sql);
      this.prepared.set(sql, stmt);
      for (const old of this.prepared.keys()) {
        if (this.prepared.size <= PREPARED_PER_CONNECTION) break;
        this.forget(old);
      }
      return this.runKept(stmt, bind);
    });
  }

  private async runKept(
    stmt: DuckDBPreparedStatement,
    bind: (stmt: DuckDBPreparedStatement) => void,
  ): Promise<DuckDBMaterializedResult> {
    bind(stmt);
    this.running = stmt;
    try {
      return await stmt.run();
    } finally {
      this.running = undefined;
    }
  }

  private forget(sql: string): void {
    this.prepared.get(sql)?.destroySync();
    this.prepared.delete(sql);
  }

  /**
   * Frees the kept statements before the connection closes: each holds the database's memory until
   * it is freed. One still running (the database closes under it) is left to the garbage collector.
   */
  dispose(): void {
    for (const [sql, stmt] of [...this.prepared]) if (stmt !== this.running) this.forget(sql);
  }

  private async guard<T>(opts: QueryOptions, work: () => Promise<T>): Promise<T> {
    const { signal, onProgress } = opts;
    if (signal?.aborted) throw cancelledError();
    const interrupted = interruptOnAbort(this.raw, signal);
    // DuckDB says 0 until it has weighed the statement (about two seconds), then −1 when it cannot
    // tell (range(), a function's output) or its figure: a 0 before any figure is no figure either.
    let known = false;
    const poll = onProgress
      ? setInterval(() => {
          const pct = this.raw.progress.percentage;
          known ||= pct > 0;
          onProgress(pct > 0 || (known && pct === 0) ? Math.min(1, pct / 100) : -1);
        }, POLL_MS)
      : undefined;
    try {
      const out = await work();
      if (signal?.aborted) throw cancelledError();
      return out;
    } catch (err) {
      if (signal?.aborted || isInterrupt(err)) throw cancelledError();
      throw err;
    } finally {
      interrupted();
      if (poll) clearInterval(poll);
    }
  }
}

export class DuckDbDatabase {
  private readonly idle: LockedConnection[];
  private readonly waiters: { give: (c: LockedConnection) => void; fail: (err: Error) => void }[] = [];
  private closed = false;
  private measuring: Promise<number> | undefined;
  /** After close: connections still lent out, and the measurement in flight; the instance is freed when none is left. */
  private inFlight = 0;
  /** After close: the lent connections being interrupted, each until it comes back. */
  private readonly interrupting = new Map<LockedConnection, () => void>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly all: LockedConnection[],
    /** Kept for memory measurements, so that one never waits for a busy connection of the package. */
    private readonly monitor: { conn: DuckDBConnection; memory: DuckDBPreparedStatement },
  ) {
    this.idle = [...all];
  }

  /** Creates the database, prepares its connections, then confines and locks it. */
  static async create(opts: DuckDbOptions): Promise<DuckDbDatabase> {
    for (const dir of opts.allowedDirectories) {
      if (!path.isAbsolute(dir)) throw new DomainError('INTERNAL', `DuckDB allowed directory must be absolute: ${dir}`);
    }
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      threads: String(opts.threads ?? 2),
      memory_limit: opts.memoryLimit ?? '1GB',
    };
    if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
    if (opts.maxTempDirectorySize) config.max_temp_directory_size = opts.maxTempDirectorySize;
    const instance = await DuckDBInstance.create(':memory:', config);
    const conns: LockedConnection[] = [];
    let monitor: DuckDBConnection | undefined;
    let memory: DuckDBPreparedStatement;
    try {
      monitor = await instance.connect();
      memory = await monitor.prepare(MEMORY_SQL);
      for (let i = 0; i < Math.max(1, opts.connections ?? 4); i++) {
        const c = await instance.connect();
        await c.run('SET enable_progress_bar = true');
        await c.run('SET enable_progress_bar_print = false');
        conns.push(new LockedConnection(c));
      }
      const first = conns[0].raw;
      const dirs = opts.allowedDirectories.map((d) => sqlString(d.endsWith('/') ? d : `${d}/`)).join(', ');
      await first.run(`SET allowed_directories = [${dirs}]`);
      await first.run('SET enable_external_access = false');
      await first.run('SET lock_configuration = true');
    } catch (err) {
      for (const c of conns) c.raw.closeSync();
      monitor?.closeSync();
      instance.closeSync();
      throw err;
    }
    return new DuckDbDatabase(instance, conns, { conn: monitor, memory });
  }

  /**
   * The bytes DuckDB's own accounting says this database holds (`duckdb_memory()`): tables, hash
   * tables, sorts, spilled blocks' buffers. Values a function builds in one call (a `repeat()`
   * result) are not in it. One measurement at a time; 0 once closed.
   */
  memoryBytes(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    this.measuring ??= this.monitor.memory
      .runAndReadAll()
      .then((r) => Number(r.getRows()[0]?.[0] ?? 0))
      .finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  /** Lends a connection for the duration of `fn`; waits (abortably) when all are busy. */
  async withConnection<T>(fn: (c: LockedConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const conn = await this.acquire(signal);
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  private acquire(signal?: AbortSignal): Promise<LockedConnection> {
    if (this.closed) return Promise.reject(new DomainError('EXECUTION_CANCELLED', 'The package instance was closed.'));
    if (signal?.aborted) return Promise.reject(cancelledError());
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const waiter = {
        give: (c: LockedConnection) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(c);
        },
        fail: (err: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(cancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(conn: LockedConnection): void {
    if (this.closed) {
      // Its statement has returned: only now may the connection be freed.
      this.interrupting.get(conn)?.();
      closeConnection(conn);
      this.settled();
      return;
    }
    const next = this.waiters.shift();
    if (next) next.give(conn);
    else this.idle.push(conn);
  }

  /** Interrupts whatever runs and frees the database: idle connections now, the rest once their statements return (freed under one, SIGSEGV). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const idle = new Set(this.idle.splice(0));
    for (const c of idle) closeConnection(c);
    // Each lent connection is interrupted until its statement returns (release() frees it then).
    for (const c of this.all) if (!idle.has(c)) this.interrupting.set(c, interruptUntilDone(c.raw));
    this.inFlight = this.all.length - idle.size;
    // Waiting callers get no connection: cancelled, as an acquire after the close is.
    for (const w of this.waiters.splice(0))
      w.fail(new DomainError('EXECUTION_CANCELLED', 'The package instance was closed.'));
    const closeMonitor = () => {
      try {
        this.monitor.memory.destroySync();
        this.monitor.conn.closeSync();
      } catch {}
    };
    if (this.measuring) {
      this.inFlight++;
      void this.measuring
        .then(undefined, () => 0)
        .then(() => {
          closeMonitor();
          this.settled();
        });
    } else closeMonitor();
    this.freeIfSettled();
  }

  /** One of the things in flight at the close has ended. */
  private settled(): void {
    this.inFlight--;
    this.freeIfSettled();
  }

  private freeIfSettled(): void {
    if (this.inFlight > 0) return;
    try {
      this.instance.closeSync();
    } catch {}
  }
}

function closeConnection(c: LockedConnection): void {
  try {
    c.dispose();
    c.raw.closeSync();
  } catch {}
}
