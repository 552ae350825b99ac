// The execution history in PostgreSQL: one history for every node of a cluster, newest first by its sequence.
import type { ExecutionHistoryEntry } from '@flowport/protocol';
import type pg from 'pg';
import type { SettledExecution } from '../../core/execution';
import {
  historyEntry,
  historyRow,
  likePattern,
  type ExecutionHistoryStore,
  type HistoryRow,
} from '../execution-history';

export class PostgresExecutionHistory implements ExecutionHistoryStore {
  constructor(private readonly pool: pg.Pool) {}

  async add(e: SettledExecution): Promise<void> {
    const r = historyRow(e);
    await this.pool.query(
      `INSERT INTO executions (id, "user", kind, package, path, node, started_at, ended_at, outcome, error, stop_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [r.id, r.user, r.kind, r.package, r.path, r.node, r.startedAt, r.endedAt, r.outcome, r.error, r.stopReason],
    );
  }

  async recent({ search, limit }: { search?: string; limit: number }): Promise<ExecutionHistoryEntry[]> {
    // The same fields as SQLite's search, matched the same way (LIKE is case-sensitive in both).
    const where = search
      ? `WHERE (coalesce("user",'') || ' ' || package || ' ' || coalesce(path,'') || ' ' || coalesce(node,'') || ' ' ||
           outcome || ' ' || coalesce(kind,'') || ' ' || coalesce(error,'') || ' ' || coalesce(stop_reason,'')) LIKE $2 ESCAPE '\\'`
      : '';
    const { rows } = await this.pool.query<HistoryRow>(
      `SELECT * FROM executions ${where} ORDER BY seq DESC LIMIT $1`,
      search ? [limit, likePattern(search)] : [limit],
    );
    return rows.map(historyEntry);
  }

  async prune(keep: number): Promise<void> {
    await this.pool.query('DELETE FROM executions WHERE seq <= (SELECT MAX(seq) FROM executions) - $1', [keep]);
  }
}
