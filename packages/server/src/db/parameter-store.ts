// Server parameters stored in SQLite over their declared defaults.
import { DEFAULT_PARAMETERS, validateParameters, type ServerParameters } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import type { Db } from './database';
import { applyChange, type PreparedChange } from './prepared-change';

export class ParameterStore {
  private cache: ServerParameters;
  private listeners = new Set<(next: ServerParameters, prev: ServerParameters) => void>();

  constructor(private readonly db: Db) {
    this.cache = this.read();
  }

  private read(): ServerParameters {
    const rows = this.db.prepare('SELECT key, value FROM parameters').all() as { key: string; value: string }[];
    const stored: Record<string, unknown> = {};
    for (const r of rows) stored[r.key] = JSON.parse(r.value);
    // Values stored by an older build that no longer validate fall back to defaults instead of failing start.
    const { value } = validateParameters(
      Object.fromEntries(Object.entries(stored).filter(([k]) => k in DEFAULT_PARAMETERS)),
    );
    return { ...DEFAULT_PARAMETERS, ...value };
  }

  get(): ServerParameters {
    return { ...this.cache };
  }

  /** Validates the whole update first; either every value is stored or none is. */
  update(input: unknown): { next: ServerParameters; changed: Partial<ServerParameters> } {
    return applyChange(this.db, this.prepareUpdate(input));
  }

  /** Validates now (refusing any bad value); the returned change stores the values, and applies them once committed. */
  prepareUpdate(input: unknown): PreparedChange<{ next: ServerParameters; changed: Partial<ServerParameters> }> {
    const { value, issues } = validateParameters(input);
    if (issues.length > 0) throw refusal(issues);
    return {
      write: () => {
        const now = new Date().toISOString();
        const stmt = this.db.prepare(
          'INSERT INTO parameters(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        );
        for (const [k, v] of Object.entries(value)) stmt.run(k, JSON.stringify(v), now);
      },
      done: () => {
        const prev = this.cache;
        this.cache = { ...prev, ...value };
        const changed = changes(prev, this.cache);
        for (const l of this.listeners) l(this.cache, prev);
        return { next: this.get(), changed };
      },
    };
  }

  /**
   * Takes in values another process stored (`flowport params set` while the server runs): the
   * listeners hear of them as of an update here. Returns what changed, or null.
   */
  refresh(): Partial<ServerParameters> | null {
    const prev = this.cache;
    const changed = changes(prev, this.read());
    if (Object.keys(changed).length === 0) return null;
    this.cache = { ...prev, ...changed };
    for (const l of this.listeners) l(this.cache, prev);
    return changed;
  }

  onChange(listener: (next: ServerParameters, prev: ServerParameters) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Issues said in the message; a body of a thousand unknown keys gets a short answer. */
const SHOWN_ISSUES = 10;

function refusal(issues: ReturnType<typeof validateParameters>['issues']): DomainError {
  const cut = (field: string) => (field.length > 64 ? `${field.slice(0, 64)}…` : field);
  const shown = issues.slice(0, SHOWN_ISSUES).map((i) => `${cut(i.field)}: ${i.message}`);
  if (issues.length > SHOWN_ISSUES) shown.push(`and ${issues.length - SHOWN_ISSUES} more`);
  return new DomainError('VALIDATION_FAILED', shown.join('; '), {
    issues: issues.slice(0, SHOWN_ISSUES).map((i) => ({ ...i, field: cut(i.field) })),
    ...(issues.length > SHOWN_ISSUES ? { moreIssues: issues.length - SHOWN_ISSUES } : {}),
  });
}

function changes(prev: ServerParameters, next: Partial<ServerParameters>): Partial<ServerParameters> {
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) if (prev[k as keyof ServerParameters] !== v) changed[k] = v;
  return changed as Partial<ServerParameters>;
}
