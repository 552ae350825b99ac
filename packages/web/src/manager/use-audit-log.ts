// The latest administrator actions: loaded from the audit API, then kept current by the live feed's audit frames.
import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry } from '@flowport/protocol';
import { managerApi } from './manager-api';

export const AUDIT_LIMIT = 100;

function merge(incoming: AuditEntry[], current: AuditEntry[]): AuditEntry[] {
  const byId = new Map<number, AuditEntry>();
  for (const e of current) byId.set(e.id, e);
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, AUDIT_LIMIT);
}

export interface AuditLogState {
  entries: AuditEntry[];
  error: string | null;
  load: () => Promise<void>;
  add: (entry: AuditEntry) => void;
}

export function useAuditLog(): AuditLogState {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const answer = await managerApi.audit(AUDIT_LIMIT);
      setEntries((current) => merge(answer.entries ?? [], current));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  const add = useCallback((entry: AuditEntry) => setEntries((current) => merge([entry], current)), []);

  useEffect(() => {
    void load();
  }, [load]);

  return { entries, error, load, add };
}
