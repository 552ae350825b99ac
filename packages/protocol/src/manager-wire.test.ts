// The compact live frames: every column comes back as it was, and the frame is much smaller.
import { describe, expect, it } from 'vitest';
import type { ManagerLiveFrame, ManagerPackage, ManagerSession, ManagerSnapshot } from './manager';
import { decodeLiveFrame, encodeLiveFrame } from './manager-wire';

const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 8, 0, s)).toISOString();

const pkg = (i: number, file: string, more: Partial<ManagerPackage> = {}): ManagerPackage => ({
  id: `p${i}`,
  name: `Package ${file}`,
  version: '1.0.0',
  path: `demo/${file}.pkg.yaml`,
  createdAt: at(1),
  savedAt: at(2),
  lastActivityAt: at(10 + i),
  running: false,
  dirty: false,
  ...more,
});

const session = (i: number, more: Partial<ManagerSession> = {}): ManagerSession => ({
  id: `s${i}`,
  name: `dana:s${i}`,
  user: 'dana',
  kind: 'studio',
  host: '10.0.0.7',
  role: 'design',
  roles: ['design'],
  createdAt: at(3),
  lastActivityAt: at(20 + i),
  running: false,
  packages: [pkg(i * 3, 'hello'), pkg(i * 3 + 1, 'common'), pkg(i * 3 + 2, 'long')],
  ...more,
});

const progress = { percent: 40, node: 'totals', nodeStartedAt: at(30), nodesDone: 1, nodesTotal: 3 };

const snapshot: ManagerSnapshot = {
  version: 7,
  serverTime: at(40),
  sessions: [
    session(0),
    session(1, {
      running: true,
      runningSince: at(29),
      memoryBytes: 4096,
      hostName: 'ws-1',
      requestId: 'r-1',
      node: 'n1',
      packages: [
        pkg(9, 'long', {
          running: true,
          dirty: true,
          progress: { ...progress, indeterminate: true },
          runningSince: at(29),
          memoryBytes: 4096,
          node: 'n1',
        }),
        pkg(10, 'draft', { path: null, createdAt: null, savedAt: null, name: 'New package' }),
      ],
    }),
    session(2, { kind: 'manager', name: 'other-name', role: null, roles: [], packages: [] }),
    session(3, { kind: 'integrator', role: 'admin', roles: ['admin', 'batch'] }),
  ],
  shared: [
    {
      ...pkg(20, 'common', { dirty: undefined }),
      refCount: 2,
      referencedBy: [
        { name: 'dana:s0', sessionId: 's0' },
        { name: 'server (pool)', sessionId: null },
      ],
      stale: false,
    },
  ],
  pool: {
    max: 10,
    hits: 3,
    misses: 1,
    items: [
      {
        ...pkg(30, 'hello', { dirty: undefined }),
        instanceId: 'a1b2c3d4',
        checkedOut: true,
        hits: 2,
        lastUsedAt: at(35),
      },
    ],
  },
  watch: { warnSeconds: 60, alertSeconds: 300, limitSeconds: 0, idleSeconds: 0 },
};

describe('compact live frames', () => {
  it('give back every column of a snapshot, and of a delta', () => {
    const frame: ManagerLiveFrame = { type: 'snapshot', snapshot };
    const wire = JSON.parse(JSON.stringify(encodeLiveFrame(frame)));
    expect(decodeLiveFrame(wire)).toEqual(frame);

    const delta: ManagerLiveFrame = {
      type: 'delta',
      version: 8,
      serverTime: at(41),
      upsertSessions: [snapshot.sessions[1]!],
      removeSessions: ['s0'],
      upsertShared: snapshot.shared,
      removeShared: [],
      pool: snapshot.pool,
      watch: snapshot.watch,
    };
    expect(decodeLiveFrame(JSON.parse(JSON.stringify(encodeLiveFrame(delta))))).toEqual(delta);
    const bare: ManagerLiveFrame = { ...delta, upsertShared: [], pool: undefined, watch: undefined };
    delete bare.pool;
    delete bare.watch;
    const back = decodeLiveFrame(JSON.parse(JSON.stringify(encodeLiveFrame(bare))));
    expect(back).toEqual(bare);
    expect('pool' in back).toBe(false);
  });

  it('leave frames without rows as they are', () => {
    const hb: ManagerLiveFrame = { type: 'heartbeat', serverTime: at(1) };
    expect(encodeLiveFrame(hb)).toBe(hb);
    expect(decodeLiveFrame(hb)).toBe(hb);
  });

  it('are less than half the size for sessions of three packages at rest', () => {
    const many: ManagerSnapshot = { ...snapshot, sessions: Array.from({ length: 100 }, (_, i) => session(i)) };
    const full = JSON.stringify({ type: 'snapshot', snapshot: many }).length;
    const compact = JSON.stringify(encodeLiveFrame({ type: 'snapshot', snapshot: many })).length;
    expect(compact).toBeLessThan(full / 2);
  });
});
