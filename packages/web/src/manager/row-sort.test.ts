// Unit tests of the table's sorting: each column's value, nulls last, packages under their session, and a property.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ManagerPackage, ManagerSession } from '@flowport/protocol';
import { translate } from '../components/i18n';
import './manager-messages';
import { makeFormat } from './manager-format';
import type { PackageRow, SessionRow } from './manager-rows';
import type { FilteredRows } from './row-filter';
import { isSortSpec, sortItems, sortRows, sortValue, type SortSpec } from './row-sort';

const t = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars);
const ctx = { t, format: makeFormat('en-GB'), resolveNames: false };
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 2) + seconds * 1000).toISOString();

function pkg(id: string, name: string, extra: Partial<ManagerPackage> = {}): ManagerPackage {
  return {
    id,
    name,
    version: '1.0.0',
    path: `demo/${name}.pkg.yaml`,
    createdAt: at(0),
    savedAt: at(0),
    lastActivityAt: at(0),
    running: false,
    ...extra,
  };
}

function sessionRow(id: string, extra: Partial<ManagerSession>, packages: ManagerPackage[] = []): SessionRow {
  const session: ManagerSession = {
    id,
    name: `user:${id}`,
    user: 'user',
    kind: 'studio',
    host: '127.0.0.1',
    role: 'design',
    roles: ['design'],
    createdAt: at(0),
    lastActivityAt: at(0),
    running: false,
    packages,
    ...extra,
  };
  const row: SessionRow = { kind: 'session', key: `s:${id}`, session };
  if (packages.length) {
    row.children = packages.map((p): PackageRow => ({ kind: 'package', key: `p:${p.id}`, pkg: p, session }));
  }
  return row;
}

const filtered = (sessions: SessionRow[]): FilteredRows => ({
  sessions,
  shared: [],
  pool: [],
  expand: [],
  active: false,
});

describe('sortRows', () => {
  it('orders sessions by Running for, longest first when descending, and the idle ones last either way', () => {
    const rows = [
      sessionRow('idle', {}),
      sessionRow('short', { running: true, runningSince: at(100) }),
      sessionRow('long', { running: true, runningSince: at(10) }),
    ];
    const keys = (spec: SortSpec) => sortRows(filtered(rows), spec, ctx).sessions.map((r) => r.session.id);
    expect(keys({ column: 'runningFor', direction: 'desc' })).toEqual(['long', 'short', 'idle']);
    expect(keys({ column: 'runningFor', direction: 'asc' })).toEqual(['short', 'long', 'idle']);
  });

  it('orders by Memory and sorts the packages under their own session', () => {
    const a = sessionRow('a', { memoryBytes: 30 }, [
      pkg('a1', 'x', { memoryBytes: 10 }),
      pkg('a2', 'y', { memoryBytes: 20 }),
    ]);
    const b = sessionRow('b', { memoryBytes: 300 }, [pkg('b1', 'z', { memoryBytes: 300 }), pkg('b2', 'w')]);
    const sorted = sortRows(filtered([a, b]), { column: 'memory', direction: 'desc' }, ctx).sessions;
    expect(sorted.map((r) => r.session.id)).toEqual(['b', 'a']);
    expect(sorted[1].children!.map((c) => c.pkg.id)).toEqual(['a2', 'a1']);
    expect(sorted[0].children!.map((c) => c.pkg.id)).toEqual(['b1', 'b2']);
    // The same spec gives the same rows (the table does not re-render unchanged sessions).
    expect(sortRows(filtered([a, b]), { column: 'memory', direction: 'desc' }, ctx).sessions[1]).toBe(sorted[1]);
  });

  it('compares names by letters and numbers, not code points', () => {
    const rows = ['b10', 'B2', 'a'].map((name) => sessionRow(name, { name }));
    const sorted = sortItems(rows, { column: 'name', direction: 'asc' }, ctx);
    expect(sorted.map((r) => r.session.name)).toEqual(['a', 'B2', 'b10']);
  });

  it('leaves the order as it came without a spec', () => {
    const rows = filtered([sessionRow('b', {}), sessionRow('a', {})]);
    expect(sortRows(rows, null, ctx)).toBe(rows);
  });

  it('is a stable permutation ordered by the column, nulls last, for any rows (property)', () => {
    const column = fc.constantFrom('name', 'runningFor', 'idleFor', 'memory', 'created', 'activity' as const);
    const row = fc.record({
      name: fc.string({ maxLength: 4 }),
      since: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      idle: fc.integer({ min: 0, max: 50 }),
      memory: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), column, fc.boolean(), (items, col, asc) => {
        const rows = items.map((r, i) =>
          sessionRow(String(i), {
            name: r.name,
            running: r.since !== undefined,
            runningSince: r.since === undefined ? undefined : at(r.since),
            lastActivityAt: at(r.idle),
            createdAt: at(r.idle),
            memoryBytes: r.memory,
          }),
        );
        const spec: SortSpec = { column: col, direction: asc ? 'asc' : 'desc' };
        const sorted = sortItems(rows, spec, ctx);
        // a permutation
        expect([...sorted].map((r) => r.key).sort()).toEqual(rows.map((r) => r.key).sort());
        const index = new Map(rows.map((r, i) => [r, i]));
        for (let i = 1; i < sorted.length; i++) {
          const a = sortValue(sorted[i - 1], col, ctx);
          const b = sortValue(sorted[i], col, ctx);
          if (a === null) {
            expect(b).toBeNull(); // nulls only at the end
          } else if (b !== null) {
            const cmp =
              typeof a === 'number' && typeof b === 'number'
                ? a - b
                : String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
            expect(asc ? cmp <= 0 : cmp >= 0).toBe(true); // ordered by the key
            if (cmp === 0) expect(index.get(sorted[i - 1])!).toBeLessThan(index.get(sorted[i])!); // stable
          }
          if (a === null && b === null) expect(index.get(sorted[i - 1])!).toBeLessThan(index.get(sorted[i])!);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('isSortSpec', () => {
  it('accepts only a known column and direction from storage', () => {
    expect(isSortSpec(null)).toBe(true);
    expect(isSortSpec({ column: 'memory', direction: 'desc' })).toBe(true);
    expect(isSortSpec({ column: 'nope', direction: 'desc' })).toBe(false);
    expect(isSortSpec({ column: 'name', direction: 'up' })).toBe(false);
  });
});
