// The table's tree in a cluster: the Package pool group with a header per node, counts cluster-wide; a single server unchanged.
import { describe, expect, it } from 'vitest';
import type { ClusterNode, ManagerPoolItem, ManagerSnapshot } from '@flowport/protocol';
import { translate } from '../components/i18n';
import './manager-messages';
import { makeFormat } from './manager-format';
import { RowBuilder, type GroupRow } from './manager-rows';
import { ManagerStore } from './manager-store';
import { filterRows } from './row-filter';
import { poolNodeKeys, tableData } from './table-data';

const T0 = '2026-01-02T03:04:05.000Z';
const ctx = {
  t: (k: string, v?: Record<string, string | number>) => translate('en', k, v),
  format: makeFormat('en-GB'),
  resolveNames: false,
};

const item = (id: string, node?: string): ManagerPoolItem => ({
  id,
  instanceId: `i-${id}`,
  name: 'Hello',
  version: '1.0.0',
  path: 'demo/hello.pkg.yaml',
  createdAt: T0,
  savedAt: T0,
  lastActivityAt: T0,
  running: false,
  hits: 1,
  lastUsedAt: T0,
  checkedOut: false,
  ...(node ? { node } : {}),
});

const node = (name: string, max: number, extra: Partial<ClusterNode> = {}): ClusterNode => ({
  name,
  state: 'live',
  lastSeenAt: T0,
  pool: { size: 0, max, hits: 3, misses: 2 },
  sessions: 0,
  ...extra,
});

function build(snapshot: ManagerSnapshot, search = '') {
  const store = new ManagerStore();
  store.applySnapshot(snapshot, true);
  const model = new RowBuilder().build(store);
  const filtered = filterRows(model, { global: search, columns: {} }, ctx);
  return { model, pool: tableData(model, filtered, new Set())[2] };
}

const keys = (g: GroupRow) => (g.children ?? []).map((r) => r.key);

describe('tableData: the Package pool group', () => {
  it('on a single server lists the items under the group, with this server n / max', () => {
    const { model, pool } = build({
      version: 1,
      serverTime: T0,
      sessions: [],
      shared: [],
      pool: { max: 4, items: [item('a1'), item('a2')], hits: 5, misses: 1 },
    });
    expect(pool).toMatchObject({ total: 2, pool: { max: 4, hits: 5, misses: 1 } });
    expect(keys(pool)).toEqual(['pl:a1', 'pl:a2']);
    expect(poolNodeKeys(model)).toEqual([]);
  });

  it("in a cluster shows a header per live node with its n / max and its items, the group's figures summed", () => {
    const { model, pool } = build({
      version: 1,
      serverTime: T0,
      sessions: [],
      shared: [],
      pool: { max: 4, items: [item('b1', 'node-b'), item('a1', 'node-a'), item('a2', 'node-a')], hits: 10, misses: 1 },
      node: 'node-a',
      nodes: [
        node('node-a', 4, { self: true }),
        node('node-b', 6),
        node('node-c', 8),
        node('node-d', 9, { state: 'lost' }),
      ],
    });
    // node-a is this node: its own figures (max 4, hits 10, misses 1); the others' come from their heartbeat.
    expect(pool).toMatchObject({ total: 3, pool: { max: 18, hits: 16, misses: 5 } });
    expect(keys(pool)).toEqual(['g:pool:node-a', 'g:pool:node-b', 'g:pool:node-c']);
    const [a, b, c] = pool.children as GroupRow[];
    expect(a).toMatchObject({ node: 'node-a', total: 2, pool: { max: 4 } });
    expect(keys(a)).toEqual(['pl:a1', 'pl:a2']);
    expect(b).toMatchObject({ node: 'node-b', total: 1, pool: { max: 6 } });
    expect(keys(b)).toEqual(['pl:b1']);
    expect(c).toMatchObject({ node: 'node-c', total: 0, pool: { max: 8 } });
    expect(c.children).toBeUndefined();
    expect(poolNodeKeys(model)).toEqual(['g:pool:node-a', 'g:pool:node-b', 'g:pool:node-c']);
    expect(translate('en', 'mgr.group.poolNode', { node: 'node-b', count: b.total, max: 6 })).toBe('node-b: 1 / 6');
  });

  it('while a search is on, keeps the headers of the nodes with matching items only', () => {
    const { pool } = build(
      {
        version: 1,
        serverTime: T0,
        sessions: [],
        shared: [],
        pool: { max: 4, items: [item('b1', 'node-b'), item('a1', 'node-a')], hits: 0, misses: 0 },
        node: 'node-a',
        nodes: [node('node-a', 4, { self: true }), node('node-b', 6)],
      },
      'zzz',
    );
    expect(pool.children).toBeUndefined();
    expect(pool.total).toBe(2);
  });
});
