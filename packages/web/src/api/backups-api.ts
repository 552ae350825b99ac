// Typed calls of the backups API: the user's own backups of unsaved work, their text, discarding; all for administrators.
import type { BackupDto } from '@flowport/protocol';
import { http } from './http-client';

export const backupsApi = {
  mine: async () => (await http.get<{ backups: BackupDto[] }>('/api/backups')).backups,
  all: async () => (await http.get<{ backups: BackupDto[] }>('/api/admin/backups')).backups,
  source: async (id: string) => (await http.get<{ yaml: string }>('/api/backups/source', { query: { id } })).yaml,
  discard: (id: string) => http.delete(`/api/backups?id=${encodeURIComponent(id)}`),
};
