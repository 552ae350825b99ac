// The table search (Ctrl+F) and the per-column searches: which sessions and packages stay, and which sessions open.
import { ROLES, type Role, type SessionKind } from '@flowport/protocol';
import type { Translate } from '../components/i18n';
import type { ColumnKey } from './column-keys';
import type { ManagerFormat } from './manager-format';
import {
  searchText,
  type ItemRow,
  type PackageRow,
  type PoolRow,
  type RowModel,
  type SessionRow,
  type SharedRow,
} from './manager-rows';

export interface SearchSpec {
  /** The toolbar search: name, user, host, role, kind, version, path. */
  global: string;
  /** Per-column searches from the column header menus. */
  columns: Partial<Record<ColumnKey, string>>;
}

export interface TextContext {
  t: Translate;
  format: ManagerFormat;
  resolveNames: boolean;
}

export interface FilteredRows {
  sessions: SessionRow[];
  shared: SharedRow[];
  pool: PoolRow[];
  /** Keys of sessions shown only for some of their packages: opened so the matches are visible. */
  expand: string[];
  active: boolean;
}

const KINDS: SessionKind[] = ['studio', 'integrator', 'batch', 'manager'];

/** What the Host column shows for a session. */
export function hostText(session: { host: string; hostName?: string }, resolveNames: boolean): string {
  return resolveNames && session.hostName ? session.hostName : session.host;
}

/** The text a column shows for a row (package rows use their session's host and role), for the column search. */
export function columnText(row: ItemRow, column: ColumnKey, ctx: TextContext): string {
  const { t, format } = ctx;
  const session = row.kind === 'session' || row.kind === 'package' ? row.session : null;
  const pkg = row.kind === 'session' ? null : row.pkg;
  switch (column) {
    case 'name':
      if (row.kind === 'session') return `${row.session.name} ${t(`mgr.kind.${row.session.kind}`)}`;
      return pkg!.name;
    case 'activity': {
      const item = pkg ?? session!;
      const node = pkg?.progress?.node ?? '';
      return `${format.time(item.lastActivityAt)} ${node}`;
    }
    case 'host':
      return session ? `${hostText(session, ctx.resolveNames)} ${session.host}` : '';
    case 'role':
      return session?.role ? t(`role.${session.role}`) : '';
    case 'version':
      return pkg?.version ?? '';
    case 'created':
      return format.dateTime((pkg ?? session!).createdAt);
    case 'saved':
      return pkg ? format.dateTime(pkg.savedAt) : '';
    case 'path':
      return pkg?.path ?? '';
    case 'node':
      return (pkg ?? session)?.node ?? '';
    case 'runningFor': {
      const since = (pkg ?? session!).runningSince;
      return since ? format.duration(Date.now() - Date.parse(since)) : '';
    }
    case 'idleFor':
      return format.duration(Date.now() - Date.parse((pkg ?? session!).lastActivityAt));
    case 'memory': {
      const bytes = (pkg ?? session!).memoryBytes;
      return bytes === undefined ? '' : format.bytes(bytes);
    }
  }
}

export function isSearchActive(spec: SearchSpec): boolean {
  return spec.global.trim() !== '' || Object.values(spec.columns).some((v) => v && v.trim() !== '');
}

export function filterRows(model: RowModel, spec: SearchSpec, ctx: TextContext): FilteredRows {
  const global = spec.global.trim().toLowerCase();
  const columns = (Object.entries(spec.columns) as [ColumnKey, string | undefined][])
    .map(([k, v]) => [k, (v ?? '').trim().toLowerCase()] as const)
    .filter(([, v]) => v !== '');
  if (!global && columns.length === 0) {
    return { sessions: model.sessions, shared: model.shared, pool: model.pool, expand: [], active: false };
  }

  const roles = new Set<Role>(global ? ROLES.filter((r) => ctx.t(`role.${r}`).toLowerCase().includes(global)) : []);
  const kinds = new Set<SessionKind>(
    global ? KINDS.filter((k) => ctx.t(`mgr.kind.${k}`).toLowerCase().includes(global)) : [],
  );
  const matches = (row: ItemRow): boolean => {
    if (global && !searchText(row).includes(global)) {
      if (row.kind !== 'session') return false;
      if (!(row.session.role && roles.has(row.session.role)) && !kinds.has(row.session.kind)) return false;
    }
    for (const [column, text] of columns) {
      if (!columnText(row, column, ctx).toLowerCase().includes(text)) return false;
    }
    return true;
  };

  const sessions: SessionRow[] = [];
  const expand: string[] = [];
  for (const row of model.sessions) {
    if (matches(row)) {
      sessions.push(row);
      continue;
    }
    if (!row.children) continue;
    const children: PackageRow[] = row.children.filter(matches);
    if (children.length === 0) continue;
    sessions.push({ ...row, children });
    expand.push(row.key);
  }
  return {
    sessions,
    shared: model.shared.filter(matches),
    pool: model.pool.filter(matches),
    expand,
    active: true,
  };
}
