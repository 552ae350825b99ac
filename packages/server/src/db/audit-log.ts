// The stored audit log of administrator actions.
import type { AuditEntry } from '@flowport/protocol';
import type { Db } from './database';

export type AuditInput = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

export class AuditLog {
  private listeners = new Set<(e: AuditEntry) => void>();

  constructor(private readonly db: Db) {}

  record(input: AuditInput): AuditEntry {
    const at = input.at ?? new Date().toISOString();
    const details = input.details ? JSON.stringify(input.details) : null;
    const info = this.db
      .prepare('INSERT INTO audit_log(at, actor, action, target, outcome, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(at, input.actor, input.action, input.target, input.outcome, details);
    const entry: AuditEntry = { ...input, at, id: Number(info.lastInsertRowid), details: input.details ?? null };
    for (const l of this.listeners) l(entry);
    return entry;
  }

  latest(limit = 100): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT id, at, actor, action, target, outcome, details FROM audit_log ORDER BY id DESC LIMIT ?')
      .all(Math.max(1, Math.min(limit, 1000))) as (Omit<AuditEntry, 'details'> & { details: string | null })[];
    return rows.map((r) => ({ ...r, details: r.details ? JSON.parse(r.details) : null }));
  }

  onRecord(listener: (e: AuditEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
