// Typed calls of the Studio session API (docs/http-api.md): sessions, the storage listing and packages in a session.
import {
  CSRF_HEADER,
  type PackageDto,
  type RowsPage,
  type RunRequest,
  type SaveRequest,
  type SessionCreated,
  type StorageListing,
} from '@flowport/protocol';
import { getCsrfToken, http } from '../api/http-client';

const enc = encodeURIComponent;
const sessionPath = (sid: string) => `/api/sessions/${enc(sid)}`;
const packagePath = (sid: string, pid: string) => `${sessionPath(sid)}/packages/${enc(pid)}`;

/** The address of a session's event WebSocket, on the page's own origin. */
export function eventsUrl(sid: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${sessionPath(sid)}/events`;
}

export const studioApi = {
  createSession: () => http.post<SessionCreated>('/api/sessions'),
  endSession: (sid: string) => http.delete(sessionPath(sid)),

  /** Ends the session while the page goes away: a keepalive request outlives the page. */
  endSessionOnUnload(sid: string): void {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = getCsrfToken();
    if (token) headers[CSRF_HEADER] = token;
    try {
      void fetch(sessionPath(sid), { method: 'DELETE', headers, credentials: 'same-origin', keepalive: true }).catch(
        () => undefined,
      );
    } catch {
      // the page is going away anyway; the connection check ends the session later
    }
  },

  listStorage: (path: string, signal?: AbortSignal) =>
    http.get<StorageListing>('/api/storage', { query: { path }, signal }),

  openPackage: (sid: string, path: string) => http.post<PackageDto>(`${sessionPath(sid)}/packages`, { path }),
  openDraft: (sid: string, yaml?: string) =>
    http.post<PackageDto>(`${sessionPath(sid)}/packages`, { draft: yaml === undefined ? {} : { yaml } }),
  getPackage: (sid: string, pid: string) => http.get<PackageDto>(packagePath(sid, pid)),
  getSource: (sid: string, pid: string) => http.get<{ yaml: string }>(`${packagePath(sid, pid)}/source`),
  putSource: (sid: string, pid: string, yaml: string) =>
    http.put<PackageDto>(`${packagePath(sid, pid)}/source`, { yaml }),
  run: (sid: string, pid: string, body: RunRequest) => http.post<unknown>(`${packagePath(sid, pid)}/run`, body),
  stop: (sid: string, pid: string) => http.post<unknown>(`${packagePath(sid, pid)}/stop`),
  rows: (sid: string, pid: string, node: string, offset: number, limit: number, signal?: AbortSignal) =>
    http.get<RowsPage>(`${packagePath(sid, pid)}/nodes/${enc(node)}/rows`, { query: { offset, limit }, signal }),
  /** Saves; `baseVersion` is the file version the tab holds, so a file changed since answers SAVE_CONFLICT. */
  save: (sid: string, pid: string, body: SaveRequest) => http.post<PackageDto>(`${packagePath(sid, pid)}/save`, body),
  closePackage: (sid: string, pid: string) => http.delete(packagePath(sid, pid)),
};
