// The audit log in PostgreSQL: one log for every node, in the order of its ids; a change and its entry in one transaction; each entry announced.
import type { AuditEntry } from '@flowport/protocol';
import type pg from 'pg';
import type { PreparedChange } from '../../core/prepared-change';
import { AuditLog, clampLimit } from '../audit-log';
import { CHANNEL, inTransaction } from './pg-database';

interface Row extends Omit<AuditEntry, 'id'> {
  id: string;
}

export class PostgresAuditLog extends AuditLog {
  /** `node` names this process in the announcements, so it does not hear of its own entries twice. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly node: string,
  ) {
    super();
  }

  protected append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return insert(this.pool, entry, this.node);
  }

  /** An entry another node appended: the listeners (the live feed) hear of it as of one appended here. */
  async heard(id: number, from: string): Promise<void> {
    if (from === this.node) return;
    const { rows } = await this.pool.query<Row>(
      'SELECT id, at, actor, action, target, outcome, details FROM audit_log WHERE id = $1',
      [id],
    );
    if (rows[0]) this.notify({ ...rows[0], id: Number(rows[0].id) });
  }

  protected appendWith(change: PreparedChange<unknown>, entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return inTransaction(this.pool, async (c) => {
      await change.write(c);
      return insert(c, entry, this.node);
    });
  }

  async latest(limit = 100): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<Row>(
      'SELECT id, at, actor, action, target, outcome, details FROM audit_log ORDER BY id DESC LIMIT $1',
      [clampLimit(limit)],
    );
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }
}

/** Appends and announces in one statement (in a transaction, the announcement goes out on its commit). */
async function insert(db: pg.Pool | pg.ClientBase, e: Omit<AuditEntry, 'id'>, node: string): Promise<AuditEntry> {
  const { rows } = await db.query<{ id: string }>(
    `WITH e AS (
       INSERT INTO audit_log(at, actor, action, target, outcome, details) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
     SELECT e.id, pg_notify($7, json_build_object('kind', 'audit', 'id', e.id, 'from', $8::text)::text) FROM e`,
    [e.at, e.actor, e.action, e.target, e.outcome, e.details && JSON.stringify(e.details), CHANNEL, node],
  );
  return { id: Number(rows[0]!.id), ...e };
}
