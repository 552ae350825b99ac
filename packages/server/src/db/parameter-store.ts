// Server parameters over their declared defaults: the cache and listeners both stores share (SQLite here, PostgreSQL in db/postgres/).
import { DEFAULT_PARAMETERS, validateParameters, type ServerParameters } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import type { PreparedChange, Tx } from '../core/prepared-change';

export type ParameterUpdate = { next: ServerParameters; changed: Partial<ServerParameters> };

/** Stored values as read (JSON-decoded); ones an older build stored that no longer validate fall back to defaults. */
export function parametersFrom(stored: Record<string, unknown>): ServerParameters {
  const { value } = validateParameters(
    Object.fromEntries(Object.entries(stored).filter(([k]) => k in DEFAULT_PARAMETERS)),
  );
  return { ...DEFAULT_PARAMETERS, ...value };
}

/**
 * Reads are synchronous, from a cache: parameters are read on hot paths (every Integrator call's
 * limits). The cache follows this store's commits at once and another process's or node's on
 * `refresh` (the data_version watch, or NOTIFY).
 */
export abstract class ParameterStore {
  private listeners = new Set<(next: ServerParameters, prev: ServerParameters) => void>();

  protected constructor(private cache: ServerParameters) {}

  /** Every stored value, read from the database now. */
  protected abstract readStored(): Promise<ServerParameters>;
  /** Writes the values inside the change's transaction. */
  protected abstract writeValues(tx: Tx, values: Record<string, unknown>, now: string): void | Promise<void>;
  /** Validates the whole update first; either every value is stored or none is. */
  abstract update(input: unknown): Promise<ParameterUpdate>;

  get(): ServerParameters {
    return { ...this.cache };
  }

  /** Validates now (refusing any bad value); the returned change stores the values, and applies them once committed. */
  prepareUpdate(input: unknown): PreparedChange<ParameterUpdate> {
    const { value, issues } = validateParameters(input);
    if (issues.length > 0) throw refusal(issues);
    return {
      write: (tx) => this.writeValues(tx, value, new Date().toISOString()),
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
   * Takes in values another process or node stored (`flowport params set`, a node of the cluster):
   * the listeners hear of them as of an update here. Returns what changed, or null.
   */
  async refresh(): Promise<Partial<ServerParameters> | null> {
    const stored = await this.readStored();
    const prev = this.cache;
    const changed = changes(prev, stored);
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
