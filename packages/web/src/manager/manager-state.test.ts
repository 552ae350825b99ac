// Unit tests of the Session Manager's client state: the store, the incremental row builder, the search and the action plans.
import { describe, expect, it } from 'vitest';
import type { ManagerPackage, ManagerSession, ManagerSnapshot } from '@flowport/protocol';
import { ApiError } from '../api/http-client';
import { translate } from '../components/i18n';
import './manager-messages';
import { failureMessage, planClose, planStop } from './manager-actions';
import { makeFormat } from './manager-format';
import { RowBuilder, searchText, type ItemRow, type RowModel } from './manager-rows';
import { ManagerStore } from './manager-store';
import { filterRows, type SearchSpec } from './row-filter';

const T0 = '2026-01-02T03:04:05.000Z';
const t = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars);
const ctx = { t, format: makeFormat('en-GB'), resolveNames: false };

function pkg(id: string, name: string, path: string | null, running = false): ManagerPackage {
  return { id, name, version: '1.0.0', path, createdAt: T0, savedAt: T0, lastActivityAt: T0, running };
}

function session(id: string, user: string, packages: ManagerPackage[], role: ManagerSession['role'] = 'design') {
  const s: ManagerSession = {
    id,
    name: `${user}:${id}`,
    user,
    kind: 'studio',
    host: '127.0.0.1',
    role,
    roles: role ? [role] : [],
    createdAt: T0,
    lastActivityAt: T0,
    running: packages.some((p) => p.running),
    packages,
  };
  return s;
}

function snapshot(version: number, sessions: ManagerSession[]): ManagerSnapshot {
  return { version, serverTime: T0, sessions, shared: [], pool: { max: 10, items: [], hits: 0, misses: 0 } };
}

const delta = (version: number, upsert: ManagerSession[], remove: string[] = []) => ({
  type: 'delta' as const,
  version,
  serverTime: T0,
  upsertSessions: upsert,
  removeSessions: remove,
  upsertShared: [],
  removeShared: [],
});

/** The rows a fresh builder makes from the same store state: what an incremental build must equal. */
function shape(model: RowModel) {
  return {
    sessions: model.sessions.map((r) => [r.key, r.session, r.children?.map((c) => c.key)]),
    keys: [...model.byKey.keys()].sort(),
  };
}

describe('ManagerStore', () => {
  it('skips a delta older than the state and a non-authoritative snapshot older than it', () => {
    const store = new ManagerStore();
    store.applySnapshot(snapshot(5, [session('a', 'ann', [])]), true);
    expect(store.applyDelta(delta(4, [session('b', 'bob', [])]))).toBe(false);
    expect(store.sessions.has('b')).toBe(false);
    expect(store.applyDelta(delta(6, [session('b', 'bob', [])], ['a']))).toBe(true);
    expect([...store.sessions.keys()]).toEqual(['b']);
    expect(store.applySnapshot(snapshot(5, []), false)).toBe(false);
    expect(store.sessions.size).toBe(1);
    // A snapshot of the live feed always wins (the server may have restarted and counted from 0).
    expect(store.applySnapshot(snapshot(0, []), true)).toBe(true);
    expect(store.sessions.size).toBe(0);
  });

  it('ignores deltas before the first snapshot', () => {
    const store = new ManagerStore();
    expect(store.applyDelta(delta(1, [session('a', 'ann', [])]))).toBe(false);
  });
});

describe('RowBuilder', () => {
  it('builds after deltas the same rows as from scratch, reusing unchanged rows', () => {
    const store = new ManagerStore();
    const builder = new RowBuilder();
    const sessions = Array.from({ length: 20 }, (_, i) =>
      session(`s${i}`, `u${i % 3}`, [pkg(`p${i}a`, 'A', 'a.pkg.yaml'), pkg(`p${i}b`, 'B', null)]),
    );
    store.applySnapshot(snapshot(1, sessions), true);
    const first = builder.build(store);
    expect(first.sessions).toHaveLength(20);
    expect(first.fresh).toHaveLength(60);

    store.applyDelta(
      delta(2, [session('s3', 'u0', [pkg('p3a', 'A', 'a.pkg.yaml', true)]), session('new', 'zed', [])], ['s7']),
    );
    store.applyDelta(delta(3, [session('s8', 'u2', [])], ['s0']));
    const next = builder.build(store);
    expect(next.sessions[0]).toBe(first.sessions[1]); // s1 unchanged: the same row object
    expect(next.fresh.map((r) => r.key).sort()).toEqual(['p:p3a', 's:new', 's:s3', 's:s8']);

    const scratch = new RowBuilder();
    const fresh = new ManagerStore();
    fresh.applySnapshot(snapshot(3, [...store.sessions.values()]), true);
    expect(shape(next)).toEqual(shape(scratch.build(fresh)));
    expect(next.byKey.has('p:p7a')).toBe(false);
    expect(next.byKey.has('p:p3b')).toBe(false);
  });

  it('answers the same model when nothing changed', () => {
    const store = new ManagerStore();
    const builder = new RowBuilder();
    store.applySnapshot(snapshot(1, [session('a', 'ann', [])]), true);
    const model = builder.build(store);
    expect(builder.build(store)).toBe(model);
  });
});

describe('filterRows', () => {
  const store = new ManagerStore();
  store.applySnapshot(
    snapshot(1, [
      session('a1', 'alice', [
        pkg('x1', 'Credit scoring', 'credit/scoring.pkg.yaml'),
        pkg('x2', 'Hello', 'demo/hello.pkg.yaml'),
      ]),
      session('b1', 'bob', [pkg('y1', 'Hello', 'demo/hello.pkg.yaml')], 'view'),
      session('c1', 'carol', [pkg('z1', 'Draft', null)], 'admin'),
    ]),
    true,
  );
  const model = new RowBuilder().build(store);
  const run = (spec: Partial<SearchSpec>) => filterRows(model, { global: '', columns: {}, ...spec }, ctx);

  it('keeps everything without a search', () => {
    const all = run({});
    expect(all.active).toBe(false);
    expect(all.sessions).toBe(model.sessions);
  });

  it('keeps a matching session with all its packages, closed', () => {
    const found = run({ global: 'ALICE' });
    expect(found.sessions.map((r) => r.key)).toEqual(['s:a1']);
    expect(found.sessions[0].children).toHaveLength(2);
    expect(found.expand).toEqual([]);
  });

  it('shows the sessions of matching packages with only those packages, opened', () => {
    const found = run({ global: 'scoring' });
    expect(found.sessions.map((r) => r.key)).toEqual(['s:a1']);
    expect(found.sessions[0].children!.map((c) => c.key)).toEqual(['p:x1']);
    expect(found.expand).toEqual(['s:a1']);
  });

  it('finds sessions by the label of their role and searches single columns', () => {
    expect(run({ global: 'report view' }).sessions.map((r) => r.key)).toEqual(['s:b1']);
    expect(run({ columns: { path: 'hello' } }).sessions.map((r) => r.key)).toEqual(['s:a1', 's:b1']);
    expect(run({ columns: { role: 'administration' } }).sessions.map((r) => r.key)).toEqual(['s:c1']);
    expect(run({ columns: { path: 'hello', host: '127.0.0' } }).sessions).toHaveLength(2);
  });

  it('makes search texts once per row', () => {
    const row = model.byKey.get('s:a1') as ItemRow;
    expect(searchText(row)).toContain('alice:a1');
    expect(row.text).toBe(searchText(row));
  });
});

describe('action plans', () => {
  const store = new ManagerStore();
  store.applySnapshot(
    snapshot(1, [
      session('a', 'ann', [pkg('a1', 'Long', 'l.pkg.yaml', true), pkg('a2', 'Hello', 'h.pkg.yaml')]),
      session('b', 'bob', [pkg('b1', 'Long', 'l.pkg.yaml', true)]),
    ]),
    true,
  );
  const model = new RowBuilder().build(store);
  const rows = (...keys: string[]) => keys.map((k) => model.byKey.get(k)!);

  it('stops a running session once, with the packages it runs, and packages of other sessions', () => {
    const plan = planStop(rows('s:a', 'p:a1', 'p:a2', 'p:b1'));
    expect(plan.map((p) => [p.kind, p.id])).toEqual([
      ['session', 'a'],
      ['package', 'b1'],
    ]);
    expect(plan[0].packages).toEqual(['Long']);
    expect(planStop(rows('p:a2'))).toEqual([]);
  });

  it('closes a session with its packages and packages of sessions that stay', () => {
    const plan = planClose(rows('s:a', 'p:a2', 'p:b1'));
    expect(plan.map((p) => [p.kind, p.id])).toEqual([
      ['session', 'a'],
      ['package', 'b1'],
    ]);
    expect(plan[0].packages).toEqual(['Long', 'Hello']);
  });

  it('says who still references a shared package, and treats a target that is gone as done', () => {
    const referenced = new ApiError(409, 'PACKAGE_REFERENCED', 'still referenced', {
      holders: [{ name: 'ann:a', sessionId: 'a' }, 'server (pool)'],
    });
    const target = { kind: 'package' as const, id: 'c', rowKind: 'shared' as const, name: 'Common' };
    expect(failureMessage('close', target, referenced, t)).toBe(
      'Common cannot be closed: it is still referenced by ann:a, server (pool). It closes by itself when the last reference goes.',
    );
    expect(failureMessage('close', target, new ApiError(404, 'PACKAGE_NOT_FOUND', 'gone'), t)).toBeNull();
    expect(failureMessage('stop', target, new ApiError(409, 'NOT_RUNNING', 'idle'), t)).toBeNull();
    expect(failureMessage('close', target, new ApiError(500, 'INTERNAL', 'boom'), t)).toBe('boom');
  });
});
