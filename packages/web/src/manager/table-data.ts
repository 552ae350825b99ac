// The tree the table shows: the three group rows over the searched rows, collapsed sessions without package rows.
import {
  childrenOf,
  collapsed,
  groupKey,
  type GroupKey,
  type GroupRow,
  type ItemRow,
  type ManagerRow,
  type PoolRow,
  type RowModel,
} from './manager-rows';
import type { PoolState } from './manager-store';
import type { FilteredRows } from './row-filter';

function groupRow(group: GroupKey, total: number, children: (ItemRow | GroupRow)[], pool?: PoolState): GroupRow {
  const row: GroupRow = { kind: 'group', key: groupKey(group), group, total, shown: children.length, pool };
  if (children.length > 0) row.children = children;
  return row;
}

/** The key of a node's header row in the Package pool group. */
export const poolNodeKey = (node: string) => `${groupKey('pool')}:${node}`;

/**
 * In a cluster, the Package pool group holds one header per node (`n / max`, that node's items under
 * it) and counts the whole cluster: every node's items over the sum of their maximums. The live nodes
 * get a header (an empty pool too); while a search is on, only the nodes with matching items.
 */
function clusterPool(model: RowModel, shown: PoolRow[]): GroupRow {
  const { node: self, nodes } = model.cluster!;
  const nodeOf = (row: PoolRow) => row.pkg.node ?? self;
  const totals = new Map<string, number>();
  for (const row of model.pool) totals.set(nodeOf(row), (totals.get(nodeOf(row)) ?? 0) + 1);
  const rows = new Map<string, PoolRow[]>();
  for (const row of shown) rows.set(nodeOf(row), [...(rows.get(nodeOf(row)) ?? []), row]);
  const searched = shown.length !== model.pool.length;
  const sum = { max: 0, hits: 0, misses: 0 };
  const headers: GroupRow[] = [];
  for (const name of poolNodes(model)) {
    const info = nodes.find((n) => n.name === name);
    // This node's own figures are exact; the others' come with their heartbeat.
    const own = name === self;
    const pool: PoolState = {
      max: own ? model.poolState.max : (info?.pool.max ?? 0),
      hits: own ? model.poolState.hits : (info?.pool.hits ?? 0),
      misses: own ? model.poolState.misses : (info?.pool.misses ?? 0),
      items: [],
    };
    sum.max += pool.max;
    sum.hits += pool.hits;
    sum.misses += pool.misses;
    const children = rows.get(name) ?? [];
    if (searched && children.length === 0) continue;
    const total = totals.get(name) ?? 0;
    const header: GroupRow = {
      kind: 'group',
      key: poolNodeKey(name),
      group: 'pool',
      node: name,
      total,
      shown: children.length,
      pool,
    };
    if (children.length > 0) header.children = children;
    headers.push(header);
  }
  return groupRow('pool', model.pool.length, headers, { ...sum, items: [] });
}

/** The nodes with a pool header: the live ones and any with pool items, by name. */
function poolNodes(model: RowModel): string[] {
  const { node: self, nodes } = model.cluster!;
  const names = new Set(nodes.filter((n) => n.state === 'live').map((n) => n.name));
  for (const row of model.pool) names.add(row.pkg.node ?? self);
  return [...names].sort();
}

/** The keys of the node headers in the Package pool group (open at first, like the groups). */
export function poolNodeKeys(model: RowModel): string[] {
  return model.cluster ? poolNodes(model).map(poolNodeKey) : [];
}

export function tableData(model: RowModel, filtered: FilteredRows, expanded: ReadonlySet<string>): GroupRow[] {
  const sessions = filtered.sessions.map((row) => (expanded.has(row.key) ? row : collapsed(row)));
  return [
    groupRow('sessions', model.sessions.length, sessions),
    groupRow('shared', model.shared.length, filtered.shared),
    model.cluster
      ? clusterPool(model, filtered.pool)
      : groupRow('pool', model.pool.length, filtered.pool, model.poolState),
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
