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

/** Stable order of the indexes 0..n-1 by `before` (insertion sort: packages under a session are a handful). */
function insertionOrder(n: number, before: (i: number, j: number) => boolean): number[] {
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    let at = i;
    while (at > 0 && before(i, order[at - 1])) at--;
    order.splice(at, 0, i);
  }
  return order;
}

/** The rows ordered by the spec's column; equal values keep their order; rows without a value go last. */
export function sortItems<T extends ItemRow>(rows: readonly T[], spec: SortSpec, ctx: TextContext): T[] {
  const sign = spec.direction === 'asc' ? 1 : -1;
  const n = rows.length;
  // Rows with a value are ordered; the ones without follow in their order.
  const valued: number[] = [];
  const none: number[] = [];
  const values: SortValue[] = new Array<SortValue>(n);
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const v = sortValue(rows[i], spec.column, ctx);
    values[i] = v;
    if (v === null) none.push(i);
    else {
      valued.push(i);
      if (typeof v !== 'number') numeric = false;
    }
  }
  let order: number[];
  if (numeric) {
    // Numbers in a typed array: the comparator stays monomorphic and fast at 10,000 rows.
    const keys = new Float64Array(n);
    for (const i of valued) keys[i] = sign * (values[i] as number);
    if (valued.length <= 8) order = insertionOrder(valued.length, (a, b) => keys[valued[a]] < keys[valued[b]]);
    else order = valued.map((_, k) => k).sort((a, b) => keys[valued[a]] - keys[valued[b]] || a - b);
  } else {
    const texts = values.map((v) => (v === null ? '' : String(v)));
    const cmp = (a: number, b: number) => sign * collator.compare(texts[valued[a]], texts[valued[b]]);
    if (valued.length <= 8) order = insertionOrder(valued.length, (a, b) => cmp(a, b) < 0);
    else order = valued.map((_, k) => k).sort((a, b) => cmp(a, b) || a - b);
  }
  const sorted: T[] = new Array<T>(n);
  let at = 0;
  for (const k of order) sorted[at++] = rows[valued[k]];
  for (const i of none) sorted[at++] = rows[i];
  return sorted;
}

/**
 * A session row with its package rows in the spec's order, kept on the row (rows are reused while their session
 * does not change, so live updates re-sort only the changed sessions' packages).
 */
function withSortedChildren(row: SessionRow, spec: SortSpec, ctx: TextContext, key: string): SessionRow {
  const list = row.children;
  if (!list || list.length < 2) return row;
  if (row.sorted?.key === key) return row.sorted.row;
  const children = sortItems(list, spec, ctx);
  let same = true;
  for (let i = 0; i < list.length && same; i++) same = children[i] === list[i];
  const sorted: SessionRow = same ? row : { ...row, children, sorted: undefined };
  row.sorted = { key, row: sorted };
  return sorted;
}

/** The searched rows in the order of the spec; without a spec, as they came. */
export function sortRows(rows: FilteredRows, spec: SortSpec | null, ctx: TextContext): FilteredRows {
  if (!spec) return rows;
  const key = `${spec.column}:${spec.direction}:${ctx.resolveNames}`;
  const sessions = sortItems(rows.sessions, spec, ctx).map((row) => withSortedChildren(row, spec, ctx, key));
  return { ...rows, sessions, shared: sortItems(rows.shared, spec, ctx), pool: sortItems(rows.pool, spec, ctx) };
}

export function isSortSpec(value: unknown): value is SortSpec | null {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  const v = value as Partial<SortSpec>;
  return isColumnKey(v.column) && (v.direction === 'asc' || v.direction === 'desc');
}
