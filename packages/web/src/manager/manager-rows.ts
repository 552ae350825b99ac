// Rows of the tree table built from the store, reusing the row of every session or package whose data did not change.
import type {
  ClusterNode,
  ManagerPackage,
  ManagerPoolItem,
  ManagerSession,
  ManagerSharedPackage,
} from '@flowport/protocol';
import type { ManagerStore, PoolState } from './manager-store';

export type GroupKey = 'sessions' | 'shared' | 'pool';

export interface SessionRow {
  kind: 'session';
  key: string;
  session: ManagerSession;
  /** Lower-case text that the table search looks in: made on first use (see searchText). */
  text?: string;
  children?: PackageRow[];
  /** This row with its packages in the table's order, for the order named by `key` (see row-sort.ts). */
  sorted?: { key: string; row: SessionRow };
}

export interface PackageRow {
  kind: 'package';
  key: string;
  pkg: ManagerPackage;
  session: ManagerSession;
  text?: string;
}

export interface SharedRow {
  kind: 'shared';
  key: string;
  pkg: ManagerSharedPackage;
  text?: string;
}

export interface PoolRow {
  kind: 'pool';
  key: string;
  pkg: ManagerPoolItem;
  text?: string;
}

export type ItemRow = SessionRow | PackageRow | SharedRow | PoolRow;

export interface GroupRow {
  kind: 'group';
  key: string;
  group: GroupKey;
  /** Items in the group before any search. */
  total: number;
  /** Items shown after the search. */
  shown: number;
  pool?: PoolState;
  /** In a cluster: the node whose pool this header is (under the Package pool group). */
  node?: string;
  children?: (ItemRow | GroupRow)[];
}

export type ManagerRow = GroupRow | ItemRow;

export interface RowModel {
  revision: number;
  sessions: SessionRow[];
  shared: SharedRow[];
  pool: PoolRow[];
  poolState: PoolState;
  /** In a cluster: the node serving the page and every node (for the pool's header per node); null otherwise. */
  cluster: { node: string; nodes: ClusterNode[] } | null;
  /** Every session and package row by its key. */
  byKey: Map<string, ItemRow>;
  /** Rows made by this build (the others are reused): their search texts are still to be made. */
  fresh: ItemRow[];
}

export const groupKey = (group: GroupKey) => `g:${group}`;
export const GROUP_KEYS = [groupKey('sessions'), groupKey('shared'), groupKey('pool')];

/** The rows under a row in the tree, if any. */
export function childrenOf(row: ManagerRow): ManagerRow[] | undefined {
  return row.kind === 'group' || row.kind === 'session' ? row.children : undefined;
}

/** A group with items, or a session with packages: it has a "+". */
export function canExpand(row: ManagerRow): boolean {
  if (row.kind === 'group') return (row.children?.length ?? 0) > 0;
  return row.kind === 'session' && row.session.packages.length > 0;
}

const collapsedRows = new WeakMap<SessionRow, SessionRow>();

/**
 * The row to show for a session that is not expanded: with no package rows under it (an empty list still
 * gives it its "+"), so the table does not walk 3 package rows per session on every update.
 */
export function collapsed(row: SessionRow): SessionRow {
  if (!row.children) return row;
  let shown = collapsedRows.get(row);
  if (!shown) collapsedRows.set(row, (shown = { ...row, children: [] }));
  return shown;
}

/** A row is running when a node executes in it (a session: in one of its packages). */
export function isRunning(row: ManagerRow): boolean {
  if (row.kind === 'group') return false;
  if (row.kind === 'session') return row.session.running || row.session.packages.some((p) => p.running);
  return row.pkg.running;
}

const join = (...parts: (string | null | undefined)[]) => {
  let text = '';
  for (const part of parts) if (part) text += text ? `\u0001${part}` : part;
  return text.toLowerCase();
};

const packageText = (p: ManagerPackage) => join(p.name, p.version, p.path);

/** The lower-case text the table search looks in; made once per row, when first searched. */
export function searchText(row: ItemRow): string {
  if (row.text !== undefined) return row.text;
  switch (row.kind) {
    case 'session': {
      const s = row.session;
      return (row.text = join(s.name, s.user, s.kind, s.host, s.hostName, s.requestId));
    }
    case 'shared':
      return (row.text = join(packageText(row.pkg), ...(row.pkg.referencedBy ?? []).map((h) => h.name)));
    default:
      return (row.text = packageText(row.pkg));
  }
}

/** Makes the search texts of all rows a slice at a time between other work, so the first search is fast too. */
export function warmSearchText(rows: ItemRow[], signal: { cancelled: boolean }): void {
  let at = 0;
  const slice = () => {
    if (signal.cancelled) return;
    const until = performance.now() + 8;
    while (at < rows.length) {
      const end = Math.min(rows.length, at + 500);
      for (; at < end; at++) searchText(rows[at]);
      if (performance.now() > until) break;
    }
    if (at < rows.length) setTimeout(slice, 0);
  };
  if (rows.length > 0) setTimeout(slice, 0);
}

function sessionRow(s: ManagerSession): SessionRow {
  const row: SessionRow = { kind: 'session', key: `s:${s.id}`, session: s };
  if (s.packages.length > 0) {
    row.children = s.packages.map((p) => ({ kind: 'package', key: `p:${p.id}`, pkg: p, session: s }));
  }
  return row;
}

const clusterOf = (store: ManagerStore): RowModel['cluster'] =>
  store.node ? { node: store.node, nodes: store.nodes } : null;

const sameCluster = (c: RowModel['cluster'], store: ManagerStore) =>
  c ? c.node === store.node && c.nodes === store.nodes : !store.node;

const sharedRow = (p: ManagerSharedPackage): SharedRow => ({ kind: 'shared', key: `sh:${p.id}`, pkg: p });

const poolRow = (p: ManagerPoolItem): PoolRow => ({ kind: 'pool', key: `pl:${p.id}`, pkg: p });

/** Reuses the previous row of the same id when its data is the same object. */
function reuse<T extends { id: string }, R>(
  items: Iterable<T>,
  previous: Map<string, R>,
  same: (row: R, item: T) => boolean,
  make: (item: T) => R,
) {
  const rows: R[] = [];
  const next = new Map<string, R>();
  for (const item of items) {
    const old = previous.get(item.id);
    const row = old && same(old, item) ? old : make(item);
    next.set(item.id, row);
    rows.push(row);
  }
  return { rows, byId: next };
}

/**
 * Builds the rows from the store. After a snapshot it builds them all; after deltas it replaces only the rows of
 * the sessions that changed, so 4 updates a second of a few hundred sessions cost little at 10,000 sessions.
 */
export class RowBuilder {
  private model: RowModel | null = null;
  private sessions: SessionRow[] = [];
  /** Position of each session's row in `sessions`. */
  private position = new Map<string, number>();
  private byKey = new Map<string, ItemRow>();
  private shared = new Map<string, SharedRow>();
  private pool = new Map<string, PoolRow>();
  private fresh: ItemRow[] = [];

  build(store: ManagerStore): RowModel {
    const changes = store.takeChanges();
    this.fresh = [];
    const model = this.model;
    if (model && !changes.full && changes.sessions.size === 0 && !changes.shared && !changes.pool) {
      return model.poolState === store.pool && sameCluster(model.cluster, store)
        ? model
        : (this.model = { ...model, poolState: store.pool, cluster: clusterOf(store), fresh: [] });
    }
    if (!model || changes.full) this.buildSessions(store);
    else if (changes.sessions.size > 0) this.updateSessions(store, changes.sessions);

    let sharedRows = model?.shared ?? [];
    if (!model || changes.full || changes.shared) {
      for (const row of this.shared.values()) this.byKey.delete(row.key);
      const built = reuse(store.shared.values(), this.shared, (r, p) => r.pkg === p, sharedRow);
      this.shared = built.byId;
      sharedRows = built.rows;
      for (const row of sharedRows) this.byKey.set(row.key, row);
      this.fresh.push(...sharedRows);
    }
    let poolRows = model?.pool ?? [];
    if (!model || changes.full || changes.pool) {
      for (const row of this.pool.values()) this.byKey.delete(row.key);
      const built = reuse(store.pool.items, this.pool, (r, p) => r.pkg === p, poolRow);
      this.pool = built.byId;
      poolRows = built.rows;
      for (const row of poolRows) this.byKey.set(row.key, row);
      this.fresh.push(...poolRows);
    }
    this.model = {
      revision: store.revision,
      sessions: this.sessions,
      shared: sharedRows,
      pool: poolRows,
      poolState: store.pool,
      cluster: clusterOf(store),
      byKey: this.byKey,
      fresh: this.fresh,
    };
    return this.model;
  }

  private made(row: SessionRow): SessionRow {
    this.fresh.push(row);
    if (row.children) for (const child of row.children) this.fresh.push(child);
    return row;
  }

  private addKeys(row: SessionRow): void {
    this.byKey.set(row.key, row);
    if (row.children) for (const child of row.children) this.byKey.set(child.key, child);
  }

  private removeKeys(row: SessionRow): void {
    this.byKey.delete(row.key);
    if (row.children) for (const child of row.children) this.byKey.delete(child.key);
  }

  private buildSessions(store: ManagerStore): void {
    const previous = new Map(this.sessions.map((r) => [r.session.id, r]));
    this.byKey = new Map();
    this.sessions = [];
    this.position = new Map();
    for (const s of store.sessions.values()) {
      const old = previous.get(s.id);
      const row = old && old.session === s ? old : this.made(sessionRow(s));
      this.position.set(s.id, this.sessions.length);
      this.sessions.push(row);
      this.addKeys(row);
    }
  }

  private updateSessions(store: ManagerStore, ids: Set<string>): void {
    const list = this.sessions.slice();
    let removed = false;
    for (const id of ids) {
      const s = store.sessions.get(id);
      const at = this.position.get(id);
      const old = at === undefined ? undefined : list[at];
      if (old && old.session === s) continue;
      if (old) this.removeKeys(old);
      if (!s) {
        if (at !== undefined) {
          list[at] = null as unknown as SessionRow;
          this.position.delete(id);
          removed = true;
        }
        continue;
      }
      const row = this.made(sessionRow(s));
      this.addKeys(row);
      if (at === undefined) {
        this.position.set(id, list.length);
        list.push(row);
      } else {
        list[at] = row;
      }
    }
    if (removed) {
      this.sessions = list.filter((r) => r !== null);
      this.position = new Map(this.sessions.map((r, i) => [r.session.id, i]));
    } else {
      this.sessions = list;
    }
  }
}
