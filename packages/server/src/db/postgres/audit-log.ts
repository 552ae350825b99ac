// The audit log in PostgreSQL: one log for every node, in the order of its ids; a change and its entry in one transaction.
import type { AuditEntry } from '@flowport/protocol';
import type pg from 'pg';
import type { PreparedChange } from '../../core/prepared-change';
import { AuditLog, clampLimit } from '../audit-log';
import { inTransaction } from './pg-database';

interface Row extends Omit<AuditEntry, 'id'> {
  id: string;
}

export class PostgresAuditLog extends AuditLog {
  constructor(private readonly pool: pg.Pool) {
    super();
  }

  protected append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return insert(this.pool, entry);
  }

  protected appendWith(change: PreparedChange<unknown>, entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return inTransaction(this.pool, async (c) => {
      await change.write(c);
      return insert(c, entry);
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

async function insert(db: pg.Pool | pg.ClientBase, e: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO audit_log(at, actor, action, target, outcome, details) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [e.at, e.actor, e.action, e.target, e.outcome, e.details && JSON.stringify(e.details)],
  );
  return { id: Number(rows[0]!.id), ...e };
}
