// The audit log in SQLite (the embedded default): a change and its entry in one IMMEDIATE transaction.
import type { AuditEntry } from '@flowport/protocol';
import type { PreparedChange } from '../core/prepared-change';
import { AuditLog, clampLimit } from './audit-log';
import { writeSqlite, type Db } from './database';

export class SqliteAuditLog extends AuditLog {
  constructor(private readonly db: Db) {
    super();
  }

  protected async append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return this.insert(entry);
  }

  protected async appendWith(change: PreparedChange<unknown>, entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return this.db
      .transaction(() => {
        writeSqlite(change);
        return this.insert(entry);
      })
      .immediate();
  }

  async latest(limit = 100): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare('SELECT id, at, actor, action, target, outcome, details FROM audit_log ORDER BY id DESC LIMIT ?')
      .all(clampLimit(limit)) as (Omit<AuditEntry, 'details'> & { details: string | null })[];
    return rows.map((r) => ({ ...r, details: r.details ? JSON.parse(r.details) : null }));
  }

  private insert(e: Omit<AuditEntry, 'id'>): AuditEntry {
    const info = this.db
      .prepare('INSERT INTO audit_log(at, actor, action, target, outcome, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.at, e.actor, e.action, e.target, e.outcome, e.details && JSON.stringify(e.details));
    return { id: Number(info.lastInsertRowid), ...e };
  }
}
