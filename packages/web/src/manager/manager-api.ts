// Typed calls of the Session Manager API (docs/http-api.md): snapshot, actions, stats, logs, the live feed's address.
import type { AuditEntry, ExecutionHistoryEntry, ManagerSnapshot, ServerStats } from '@flowport/protocol';
import { http } from '../api/http-client';

const enc = encodeURIComponent;

/**
 * The address of the live WebSocket on the page's own origin (the cookie authenticates it), asking for
 * the compact frames: live-connection.ts reads them with decodeLiveFrame (protocol/manager-wire.ts).
 */
export function liveUrl(resolveNames: boolean): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/api/manager/live?wire=compact${resolveNames ? '&resolveNames=true' : ''}`;
}

export type TargetKind = 'session' | 'package';

export const managerApi = {
  snapshot: (resolveNames: boolean, signal?: AbortSignal) =>
    http.get<ManagerSnapshot>('/api/manager/snapshot', { query: { resolveNames: resolveNames || undefined }, signal }),
  stop: (kind: TargetKind, id: string) => http.post<unknown>(`/api/manager/${kind}s/${enc(id)}/stop`),
  close: (kind: TargetKind, id: string) => http.post<unknown>(`/api/manager/${kind}s/${enc(id)}/close`),
  clearPool: () => http.post<{ removed?: number }>('/api/manager/pool/clear'),
  executions: (search: string, limit = 200) =>
    http.get<{ executions: ExecutionHistoryEntry[] }>('/api/manager/executions', { query: { search, limit } }),
  stats: (signal?: AbortSignal) => http.get<ServerStats>('/api/manager/stats', { signal }),
  audit: (limit: number, signal?: AbortSignal) =>
    http.get<{ entries: AuditEntry[] }>('/api/manager/audit', { query: { limit }, signal }),
};
