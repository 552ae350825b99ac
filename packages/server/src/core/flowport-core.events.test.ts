// Change events, the version, snapshots and deltas for the Session Manager's live view.
import { describe, expect, it } from 'vitest';
import { mergeAffects, type CoreEvent } from './core-events';
import { makeKit } from '../../test/support/core-kit';

describe('change events and views', () => {
  it('bumps the version once per event and stamps each event with it', async () => {
    const { core, events, session } = makeKit({ files: { 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const before = core.version;
    const sid = session();
    await core.openPackage(sid, 'a.pkg.yaml');
    expect(events.map((e) => e.type)).toEqual(['session-opened', 'shared-opened', 'package-opened']);
    expect(events.map((e) => e.version)).toEqual([before + 1, before + 2, before + 3]);
    expect(core.version).toBe(before + 3);
  });

  it('names the rows each event touches', async () => {
    const { core, events, session } = makeKit({ files: { 'p.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const sid = session('svc', ['batch']);
    const p = await core.checkout('p.pkg.yaml', sid);
    const lib = core.resolveReference(p.id, 'lib.pkg.yaml');
    const shared = events.find((e) => e.type === 'shared-opened')!;
    expect(shared.affects).toEqual({ sessions: [], shared: [lib.id], pool: false });
    const checkout = events.find((e) => e.type === 'pool-changed')!;
    expect(checkout).toMatchObject({
      change: 'checkout',
      instanceIds: [p.id],
      affects: { sessions: [sid], pool: true },
    });
  });

  it('delivers the events of a compound change only once it is complete', async () => {
    const { core, session } = makeKit({ files: { 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const sid = session();
    await core.openPackage(sid, 'a.pkg.yaml');
    const seen: { type: string; sessions: number; shared: number }[] = [];
    core.on((e) => {
      const snap = core.snapshot();
      seen.push({ type: e.type, sessions: snap.sessions.length, shared: snap.shared.length });
    });
    core.closeSession(sid, 'client');
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((s) => s.sessions === 0 && s.shared === 0)).toBe(true);
  });

  it('keeps going when a listener throws, and reports the error', () => {
    const { core, listenerErrors, events } = makeKit();
    core.on(() => {
      throw new Error('boom');
    });
    const sid = core.openSession({ user: 'a', roles: ['view'], host: 'h', kind: 'studio' }).id;
    expect(core.getSession(sid)).toBeDefined();
    expect(listenerErrors).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('session-opened');
  });

  it('stops calling a listener once it unsubscribes', () => {
    const { core } = makeKit();
    const got: CoreEvent[] = [];
    const off = core.on((e) => got.push(e));
    core.openSession({ user: 'a', roles: ['view'], host: 'h', kind: 'studio' });
    off();
    core.openSession({ user: 'b', roles: ['view'], host: 'h', kind: 'studio' });
    expect(got).toHaveLength(1);
  });

  it('builds a snapshot in the shape of ManagerSnapshot', async () => {
    const { core, clock, loader } = makeKit();
    loader.write('a.pkg.yaml', { name: 'A', version: '2.0.0', references: ['lib.pkg.yaml'] }, Date.UTC(2024, 5, 1));
    loader.write('lib.pkg.yaml', { name: 'Lib' }, Date.UTC(2024, 4, 1));
    const s = core.openSession({ user: 'ann', roles: ['design', 'admin'], host: '10.0.0.9', kind: 'studio' });
    const p = await core.openPackage(s.id, 'a.pkg.yaml');
    const snap = core.snapshot();
    const iso = new Date(clock.t).toISOString();
    expect(snap).toEqual({
      version: core.version,
      serverTime: iso,
      sessions: [
        {
          id: s.id,
          name: `ann:${s.id}`,
          user: 'ann',
          kind: 'studio',
          host: '10.0.0.9',
          role: 'admin',
          roles: ['admin', 'design'],
          createdAt: iso,
          lastActivityAt: iso,
          running: false,
          packages: [
            {
              id: p.id,
              name: 'A',
              version: '2.0.0',
              path: 'a.pkg.yaml',
              createdAt: '2024-06-01T00:00:00.000Z',
              savedAt: '2024-06-01T00:00:00.000Z',
              lastActivityAt: iso,
              running: false,
              dirty: false,
            },
          ],
        },
      ],
      shared: [
        expect.objectContaining({
          name: 'Lib',
          path: 'lib.pkg.yaml',
          createdAt: '2024-05-01T00:00:00.000Z',
          refCount: 1,
          referencedBy: [{ name: `ann:${s.id}`, sessionId: s.id }],
          stale: false,
        }),
      ],
      pool: { max: 10, items: [], hits: 0, misses: 0 },
    });
    expect(snap.sessions[0].hostName).toBeUndefined();
  });

  it('turns merged events into a delta of upserted and removed rows', async () => {
    const { core, events, session } = makeKit({ files: { 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const gone = session('gone');
    const stays = session('stays');
    await core.openPackage(gone, 'a.pkg.yaml');
    const from = events.length;
    core.closeSession(gone, 'client');
    await core.openPackage(stays, 'a.pkg.yaml');
    const affects = events.slice(from).reduce((a, e) => mergeAffects(a, e.affects), {
      sessions: [] as string[],
      shared: [] as string[],
      pool: false,
    });
    const delta = core.delta(affects);
    expect(delta.removeSessions).toEqual([gone]);
    expect(delta.upsertSessions.map((s) => s.id)).toEqual([stays]);
    expect(delta.removeShared).toHaveLength(1);
    expect(delta.upsertShared).toHaveLength(1);
    expect(delta.pool).toBeUndefined();
    expect(delta.version).toBe(core.version);
  });
});
