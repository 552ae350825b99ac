// The execution history in SQLite: the last finished executions of every kind, kept up to a number of rows.
import type { ExecutionHistoryEntry } from '@flowport/protocol';
import type { SettledExecution } from '../core/execution';
import type { Db } from './database';

/** The port the server uses, with a SQLite (here) and a PostgreSQL (db/postgres/execution-history.ts) store. */
export interface ExecutionHistoryStore {
  add(e: SettledExecution): Promise<void>;
  /** Newest first; `search` matches user, package, path, node, outcome, error or who stopped it. */
  recent(o: { search?: string; limit: number }): Promise<ExecutionHistoryEntry[]>;
  /** Keeps the newest `keep` rows. */
  prune(keep: number): Promise<void>;
}

/** The row both stores keep: times in epoch milliseconds, a cancelled execution as `stopped`. */
export function historyRow(e: SettledExecution) {
  return {
    id: e.id,
    user: e.user,
    kind: e.sessionKind,
    package: e.packageName,
    path: e.path,
    node: e.node,
    startedAt: Math.round(e.startedAt),
    endedAt: Math.round(e.endedAt),
    // A cancelled execution was stopped by someone (its reason says whom) or by its caller going away.
    outcome: e.outcome === 'cancelled' ? 'stopped' : e.outcome,
    error: e.error,
    stopReason: e.stopReason,
  };
}

/** What the stores keep, as the API answers it. */
export interface HistoryRow {
  id: string;
  user: string | null;
  kind: string | null;
  package: string;
  path: string | null;
  node: string | null;
  started_at: number;
  ended_at: number;
  outcome: string;
  error: string | null;
  stop_reason: string | null;
}

export function historyEntry(r: HistoryRow): ExecutionHistoryEntry {
  const startedAt = Number(r.started_at);
  return {
    id: r.id,
    user: r.user,
    kind: r.kind,
    package: r.package,
    path: r.path,
    node: r.node,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.max(0, Number(r.ended_at) - startedAt),
    outcome: r.outcome as ExecutionHistoryEntry['outcome'],
    error: r.error,
    stoppedBy: r.stop_reason,
  };
}

/** `search` as a LIKE pattern with its wildcards escaped by a backslash. */
export const likePattern = (search: string | undefined) => `%${(search ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * How long finished executions wait to be written together. Each SQLite commit syncs the write-ahead log
 * (synchronous = FULL, kept for users and audit rows); one commit per Integrator call cost the call ~60 µs
 * of its ~250 µs of server CPU (profiled), one commit per batch costs it a few. A crash loses at most the
 * rows of this window: the history is a record of what happened, not a part of it.
 */
const WRITE_AFTER_MS = 50;

export class SqliteExecutionHistory implements ExecutionHistoryStore {
  private readonly insertAll;
  private readonly trim;
  private pending: ReturnType<typeof historyRow>[] = [];
  private batch: { written: Promise<void>; settle: (err?: unknown) => void } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {
    const insert = db.prepare(
      `INSERT INTO executions (id, user, kind, package, path, node, started_at, ended_at, outcome, error, stop_reason)
       VALUES (@id, @user, @kind, @package, @path, @node, @startedAt, @endedAt, @outcome, @error, @stopReason)`,
    );
    this.insertAll = db.transaction((rows: ReturnType<typeof historyRow>[]) => {
      for (const row of rows) insert.run(row);
    });
    this.trim = db.prepare('DELETE FROM executions WHERE seq <= (SELECT MAX(seq) FROM executions) - ?');
  }

  /** Answers when the batch holding this row is written. */
  add(e: SettledExecution): Promise<void> {
    this.pending.push(historyRow(e));
    if (!this.batch) {
      let settle!: (err?: unknown) => void;
      const written = new Promise<void>((resolve, reject) => {
        settle = (err) => (err === undefined ? resolve() : reject(err));
      });
      this.batch = { written, settle };
      this.timer = setTimeout(() => this.flush(), WRITE_AFTER_MS);
      this.timer.unref();
    }
    return this.batch.written;
  }

  /** Writes what waits, in one transaction (before a read, a trim and closing). */
  flush(): void {
    const { batch, pending } = this;
    if (!batch) return;
    clearTimeout(this.timer);
    this.batch = undefined;
    this.pending = [];
    try {
      this.insertAll(pending);
      batch.settle();
    } catch (err) {
      batch.settle(err);
    }
  }

  async recent({ search, limit }: { search?: string; limit: number }): Promise<ExecutionHistoryEntry[]> {
    this.flush();
    const where = search
      ? `WHERE (coalesce(user,'') || ' ' || package || ' ' || coalesce(path,'') || ' ' || coalesce(node,'') || ' ' ||
           outcome || ' ' || coalesce(kind,'') || ' ' || coalesce(error,'') || ' ' || coalesce(stop_reason,'')) LIKE @like ESCAPE '\\'`
      : '';
    const rows = this.db
      .prepare(`SELECT * FROM executions ${where} ORDER BY seq DESC LIMIT @limit`)
      .all({ like: likePattern(search), limit }) as HistoryRow[];
    return rows.map(historyEntry);
  }

  async prune(keep: number): Promise<void> {
    this.flush();
    this.trim.run(keep);
  }
}

/** How many additions pass between trims to the limit (trimming per call would cost an Integrator call a query). */
const PRUNE_EVERY = 100;

/** Records every settled execution while the limit is above 0, keeping at most `limit()` rows. */
export function recordExecutionHistory(
  onSettled: (listener: (e: SettledExecution) => void) => () => void,
  store: ExecutionHistoryStore,
  limit: () => number,
  onError: (err: unknown) => void,
): () => void {
  let added = 0;
  store.prune(limit()).catch(onError);
  return onSettled((e) => {
    const keep = limit();
    if (keep <= 0) return;
    // Not awaited: the call's answer does not wait for its history row.
    store.add(e).catch(onError);
    if (++added % PRUNE_EVERY === 0) store.prune(keep).catch(onError);
  });
}
