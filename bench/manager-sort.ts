// Page side of the Session Manager benchmark: sorting N sessions x 3 packages by Running for (row-sort.ts), in
// interleaved rounds with the other orders, median round. Runs alone too: `tsx bench/manager-sort.ts [sessions]`.
import type { ManagerPackage, ManagerSession, ManagerSnapshot } from '@flowport/protocol';
import { translate } from '../packages/web/src/components/i18n';
import '../packages/web/src/manager/manager-messages';
import { makeFormat } from '../packages/web/src/manager/manager-format';
import { RowBuilder } from '../packages/web/src/manager/manager-rows';
import { ManagerStore } from '../packages/web/src/manager/manager-store';
import { filterRows } from '../packages/web/src/manager/row-filter';
import { sortRows, type SortSpec } from '../packages/web/src/manager/row-sort';

export interface SortRow {
  order: string;
  sessions: number;
  msMedian: number;
  msMax: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The snapshot with every session and package running since a different moment and holding some memory, so the
 * sort has real work (an idle server's rows have no Running for at all).
 */
export function withRunningTimes(snapshot: ManagerSnapshot): ManagerSnapshot {
  const now = Date.now();
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sessions = snapshot.sessions.map((s): ManagerSession => {
    const packages = s.packages.map((p): ManagerPackage => ({
      ...p,
      running: true,
      runningSince: new Date(now - Math.floor(random() * 3_600_000)).toISOString(),
      memoryBytes: Math.floor(random() * 512 * 1024 * 1024),
    }));
    const since = packages.map((p) => p.runningSince!).sort()[0];
    return {
      ...s,
      running: true,
      packages,
      runningSince: since,
      memoryBytes: packages.reduce((a, p) => a + p.memoryBytes!, 0),
    };
  });
  return { ...snapshot, sessions };
}

/** Sorts the rows the page builds from the snapshot; each round sorts by every order once, in turn. */
export function measureSort(snapshot: ManagerSnapshot, rounds = 9): SortRow[] {
  const store = new ManagerStore(0);
  store.applySnapshot(snapshot, true);
  const model = new RowBuilder().build(store);
  const t = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars);
  const ctx = { t, format: makeFormat('en-GB'), resolveNames: false };
  const rows = filterRows(model, { global: '', columns: {} }, ctx);
  const orders: [string, SortSpec][] = [
    ['Running for, longest first', { column: 'runningFor', direction: 'desc' }],
    ['Running for, shortest first', { column: 'runningFor', direction: 'asc' }],
    ['Memory, largest first', { column: 'memory', direction: 'desc' }],
    ['Sessions and packages (name)', { column: 'name', direction: 'asc' }],
  ];
  const times = orders.map(() => [] as number[]);
  // Interleaved: one of each order per round (each also undoes the cached package order of the one before).
  for (let r = 0; r < rounds; r++) {
    orders.forEach(([, spec], i) => {
      const started = performance.now();
      const sorted = sortRows(rows, spec, ctx);
      times[i]!.push(performance.now() - started);
      if (sorted.sessions.length !== rows.sessions.length) throw new Error('the sort lost rows');
    });
  }
  return orders.map(([order], i) => ({
    order,
    sessions: rows.sessions.length,
    msMedian: median(times[i]!),
    msMax: Math.max(...times[i]!),
  }));
}

export function printSortTable(rows: SortRow[], rounds = 9): void {
  console.log(`\nSorting the page's rows (row-sort.ts in Node, ${rounds} interleaved rounds, median round)`);
  console.table(
    rows.map((r) => ({
      order: r.order,
      sessions: r.sessions,
      packages: r.sessions * 3,
      'median ms': r.msMedian.toFixed(1),
      'max ms': r.msMax.toFixed(1),
      goal: r.order.startsWith('Running for') ? '< 200 ms' : '',
      verdict: r.order.startsWith('Running for') ? (r.msMedian < 200 ? 'met' : 'MISSED') : '',
    })),
  );
}

/** A snapshot of `n` Studio sessions with three packages each, shaped as the server sends it. */
function syntheticSnapshot(n: number): ManagerSnapshot {
  const at = new Date().toISOString();
  const names = ['Hello', 'Common', 'Long aggregation'];
  const sessions: ManagerSession[] = Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    name: `bench${i % 10}:s${i}`,
    user: `bench${i % 10}`,
    kind: 'studio',
    host: '127.0.0.1',
    role: 'design',
    roles: ['design'],
    createdAt: at,
    lastActivityAt: at,
    running: false,
    packages: names.map((name, j) => ({
      id: `p${i}-${j}`,
      name,
      version: '1.0.0',
      path: `demo/${j}.pkg.yaml`,
      createdAt: at,
      savedAt: at,
      lastActivityAt: at,
      running: false,
    })),
  }));
  return { version: 1, serverTime: at, sessions, shared: [], pool: { max: 10, items: [], hits: 0, misses: 0 } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 10_000);
  printSortTable(measureSort(withRunningTimes(syntheticSnapshot(n))));
}
