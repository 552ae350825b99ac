// Sorting the table by a column: within each group (sessions, shared, pool), packages within their session; stable.
import type { ManagerPackage } from '@flowport/protocol';
import { isColumnKey, type ColumnKey } from './column-keys';
import type { ItemRow, SessionRow } from './manager-rows';
import { columnText, hostText, type FilteredRows, type TextContext } from './row-filter';

export type SortDirection = 'asc' | 'desc';

export interface SortSpec {
  column: ColumnKey;
  direction: SortDirection;
}

/** A row's value in a column: a number (times as epoch ms, bytes), a string, or null for none (always last). */
export type SortValue = number | string | null;

/** Epoch ms of a wire time (ISO text, or epoch ms), null for none. */
export function timeMs(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Negated, so that ascending means "the shortest time first": started later = running for less. */
const elapsedKey = (since: string | number | null | undefined): number | null => {
  const ms = timeMs(since);
  return ms === null ? null : -ms;
};

/**
 * The value a row sorts by. Times since an instant sort by the instant, so the order does not change while the
 * clock ticks (Running for and Idle for need no re-sort every second).
 */
export function sortValue(row: ItemRow, column: ColumnKey, ctx: TextContext): SortValue {
  const pkg: ManagerPackage | null = row.kind === 'session' ? null : row.pkg;
  const item = pkg ?? (row.kind === 'session' ? row.session : null)!;
  switch (column) {
    case 'name':
      return item.name;
    case 'activity':
      return timeMs(item.lastActivityAt);
    case 'host':
      return row.kind === 'session' || row.kind === 'package' ? hostText(row.session, ctx.resolveNames) : null;
    case 'role':
      return row.kind === 'session' && row.session.role ? ctx.t(`role.${row.session.role}`) : null;
    case 'created':
      return timeMs(item.createdAt);
    case 'saved':
      return pkg ? timeMs(pkg.savedAt) : null;
    case 'runningFor':
      return elapsedKey(item.runningSince);
    case 'idleFor':
      return elapsedKey(item.lastActivityAt);
    case 'memory':
      return item.memoryBytes ?? null;
    default: {
      const text = columnText(row, column, ctx);
      return text === '' ? null : text;
    }
  }
}

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** The rows ordered by the spec's column; equal values keep their order; rows without a value go last. */
export function sortItems<T extends ItemRow>(rows: readonly T[], spec: SortSpec, ctx: TextContext): T[] {
  const sign = spec.direction === 'asc' ? 1 : -1;
  const values = rows.map((row) => sortValue(row, spec.column, ctx));
  const order = rows.map((_, i) => i);
  order.sort((i, j) => {
    const a = values[i];
    const b = values[j];
    if (a === null || b === null) return a === b ? i - j : a === null ? 1 : -1;
    return sign * compareValues(a, b) || i - j;
  });
  return order.map((i) => rows[i]);
}

const sortedSessions = new WeakMap<SessionRow, { key: string; row: SessionRow }>();

/** A session row with its package rows in the spec's order (made once per row and spec). */
function withSortedChildren(row: SessionRow, spec: SortSpec, ctx: TextContext): SessionRow {
  if (!row.children || row.children.length < 2) return row;
  const key = `${spec.column}:${spec.direction}:${ctx.resolveNames}`;
  const cached = sortedSessions.get(row);
  if (cached?.key === key) return cached.row;
  const children = sortItems(row.children, spec, ctx);
  const sorted = children.every((c, i) => c === row.children![i]) ? row : { ...row, children };
  sortedSessions.set(row, { key, row: sorted });
  return sorted;
}

/** The searched rows in the order of the spec; without a spec, as they came. */
export function sortRows(rows: FilteredRows, spec: SortSpec | null, ctx: TextContext): FilteredRows {
  if (!spec) return rows;
  const sessions = sortItems(rows.sessions, spec, ctx).map((row) => withSortedChildren(row, spec, ctx));
  return { ...rows, sessions, shared: sortItems(rows.shared, spec, ctx), pool: sortItems(rows.pool, spec, ctx) };
}

/** The next spec when a column's header is clicked: ascending, descending, then off. */
export function nextSort(current: SortSpec | null, column: ColumnKey): SortSpec | null {
  if (current?.column !== column) return { column, direction: 'asc' };
  return current.direction === 'asc' ? { column, direction: 'desc' } : null;
}

export function isSortSpec(value: unknown): value is SortSpec | null {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  const v = value as Partial<SortSpec>;
  return isColumnKey(v.column) && (v.direction === 'asc' || v.direction === 'desc');
}
