// The tree the table shows: the three group rows over the searched rows, collapsed sessions without package rows.
import {
  childrenOf,
  collapsed,
  groupKey,
  type GroupKey,
  type GroupRow,
  type ItemRow,
  type ManagerRow,
  type RowModel,
} from './manager-rows';
import type { PoolState } from './manager-store';
import type { FilteredRows } from './row-filter';

function groupRow(group: GroupKey, total: number, children: ItemRow[], pool?: PoolState): GroupRow {
  const row: GroupRow = { kind: 'group', key: groupKey(group), group, total, shown: children.length, pool };
  if (children.length > 0) row.children = children;
  return row;
}

export function tableData(model: RowModel, filtered: FilteredRows, expanded: ReadonlySet<string>): GroupRow[] {
  const sessions = filtered.sessions.map((row) => (expanded.has(row.key) ? row : collapsed(row)));
  return [
    groupRow('sessions', model.sessions.length, sessions),
    groupRow('shared', model.shared.length, filtered.shared),
    groupRow('pool', model.pool.length, filtered.pool, model.poolState),
  ];
}

/** Keys of the item rows as shown, top to bottom (for Shift+click ranges). */
export function shownOrder(data: GroupRow[], expanded: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  const walk = (rows: ManagerRow[] | undefined) => {
    for (const row of rows ?? []) {
      if (row.kind !== 'group') keys.push(row.key);
      if (expanded.has(row.key)) walk(childrenOf(row));
    }
  };
  walk(data);
  return keys;
}
