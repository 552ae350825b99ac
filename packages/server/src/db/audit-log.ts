// The stored audit log of administrator actions (the port and what its stores share); a change and its entry are written in one transaction.
import type { AuditEntry } from '@flowport/protocol';
import { isDomainError } from '../shared/domain-error';
import type { PreparedChange } from '../core/prepared-change';

export type AuditInput = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

/** An action attempted, before its outcome is known. */
export type AuditAttempt = Omit<AuditInput, 'outcome'>;

/**
 * Details longer than this (as JSON) are kept as a cut preview: a refused body may be megabytes of
 * junk, and the audit panel shows the latest hundred entries at once.
 */
export const MAX_DETAILS_CHARS = 4096;
/** The refusal reason kept in an entry, cut to this. */
const MAX_REASON_CHARS = 500;
/** A target taken from a refused body (a user name) may be anything: cut to this. */
const MAX_TARGET_CHARS = 200;

/** An entry's fields cut to what is kept (a target or details from a refused body may be anything). */
export function boundedEntry(input: AuditInput): Omit<AuditEntry, 'id'> {
  const target =
    input.target && input.target.length > MAX_TARGET_CHARS
      ? `${input.target.slice(0, MAX_TARGET_CHARS)}…`
      : input.target;
  return {
    at: input.at ?? new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    target,
    outcome: input.outcome,
    details: boundedDetails(input.details),
  };
}

/**
 * The audit log port with what both stores share (SQLite here, PostgreSQL in db/postgres/): entries
 * are appended in one order (their id) whichever node or process wrote them.
 */
export abstract class AuditLog {
  private listeners = new Set<(e: AuditEntry) => void>();

  /** Appends an entry on its own. */
  protected abstract append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** Writes `change` and the entry in one transaction; resolves once committed. */
  protected abstract appendWith(change: PreparedChange<unknown>, entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  abstract latest(limit?: number): Promise<AuditEntry[]>;

  async record(input: AuditInput): Promise<AuditEntry> {
    const entry = await this.append(boundedEntry(input));
    this.notify(entry);
    return entry;
  }

  /**
   * Writes `change` and its entry (outcome ok) in one transaction: both are stored or neither is,
   * even when the process is killed between. `committed` hears of it after the commit, before the
   * change's own `done`; `after` gets the result before the listeners hear of the entry (a user's
   * logins end before the live feed tells of the change, so a blocked administrator never sees it).
   */
  async commit<T>(
    attempt: AuditAttempt,
    change: PreparedChange<T>,
    committed?: () => void,
    after?: (result: T) => void,
  ): Promise<T> {
    const entry = await this.appendWith(change, boundedEntry({ ...attempt, outcome: 'ok' }));
    // Stored: whatever `done` does next (a listener that throws), the action was not refused.
    committed?.();
    try {
      const result = change.done();
      after?.(result);
      return result;
    } finally {
      this.notify(entry);
    }
  }

  /** Records an attempt that was refused or failed, with the error's code and why. */
  refused(attempt: AuditAttempt, code: string, reason: string): Promise<AuditEntry> {
    const cut = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
    return this.record({ ...attempt, outcome: 'error', details: { ...attempt.details, error: code, reason: cut } });
  }

  /**
   * Prepares and commits a change with its entry; a refusal (a DomainError) is recorded as such and
   * rethrown. For callers that see every error themselves (the flowport command); the HTTP API
   * records refusals in one hook (http/audited.ts), errors before the handler included.
   */
  async attempt<T>(attempt: AuditAttempt, prepare: () => PreparedChange<T> | Promise<PreparedChange<T>>): Promise<T> {
    try {
      return await this.commit(attempt, await prepare());
    } catch (err) {
      if (isDomainError(err)) await this.refused(attempt, err.code, err.message);
      throw err;
    }
  }

  onRecord(listener: (e: AuditEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners of an entry another node appended (the live feed shows the cluster's log). */
  protected notify(entry: AuditEntry): void {
    for (const l of this.listeners) l(entry);
  }
}

/** How many entries `latest` gives at most. */
export const clampLimit = (limit: number) => Math.max(1, Math.min(limit, 1000));

/** The details as given, or, when too long, the error code (the audit panel shows it) and a cut preview. */
function boundedDetails(details: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!details) return null;
  const json = JSON.stringify(details);
  if (json.length <= MAX_DETAILS_CHARS) return details;
  const { error, reason } = details;
  return {
    ...(error !== undefined ? { error, reason } : {}),
    truncated: true,
    chars: json.length,
    preview: json.slice(0, 1000),
  };
}
