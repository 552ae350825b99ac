// The other nodes' Session Manager rows, as their snapshots and published deltas say, each row stamped with its node.
import type { ManagerPoolItem, ManagerSession, ManagerSharedPackage, ManagerSnapshot } from '@flowport/protocol';
import type { ManagerDelta } from '../core';

interface NodeRows {
  /** Set once the node's snapshot arrived; deltas before it are kept and replayed over it. */
  loaded: boolean;
  version: number;
  sessions: Map<string, ManagerSession>;
  shared: Map<string, ManagerSharedPackage>;
  pool: ManagerPoolItem[];
  early: ManagerDelta[];
}

const stamp = <T extends object>(row: T, node: string): T & { node: string } => ({ ...row, node });

/** A session row with its node, and each of its packages' too. */
export const stampSession = (s: ManagerSession, node: string): ManagerSession => ({
  ...s,
  node,
  packages: s.packages.map((p) => ({ ...p, node })),
});

export class RemoteRows {
  private readonly nodes = new Map<string, NodeRows>();

  has(node: string): boolean {
    return this.nodes.has(node);
  }

  /** Starts following a node (before its snapshot is asked for, so no delta is missed). */
  follow(node: string): void {
    if (!this.nodes.has(node))
      this.nodes.set(node, { loaded: false, version: -1, sessions: new Map(), shared: new Map(), pool: [], early: [] });
  }

  load(node: string, snap: ManagerSnapshot): void {
    this.follow(node);
    const n = this.nodes.get(node)!;
    n.loaded = true;
    n.version = snap.version;
    n.sessions = new Map(snap.sessions.map((s) => [s.id, stampSession(s, node)]));
    n.shared = new Map(snap.shared.map((s) => [s.id, stamp(s, node)]));
    n.pool = snap.pool.items.map((i) => stamp(i, node));
    for (const d of n.early.splice(0)) this.apply(node, d);
  }

  /** Applies a node's delta; returns it stamped (what the local clients get), or null when not applicable yet. */
  apply(node: string, d: ManagerDelta): ManagerDelta | null {
    const n = this.nodes.get(node);
    if (!n) return null;
    if (!n.loaded) {
      n.early.push(d);
      return null;
    }
    if (d.version < n.version) return null;
    n.version = d.version;
    const upsertSessions = d.upsertSessions.map((s) => stampSession(s, node));
    const upsertShared = d.upsertShared.map((s) => stamp(s, node));
    for (const s of upsertSessions) n.sessions.set(s.id, s);
    for (const id of d.removeSessions) n.sessions.delete(id);
    for (const s of upsertShared) n.shared.set(s.id, s);
    for (const id of d.removeShared) n.shared.delete(id);
    const out: ManagerDelta = { ...d, upsertSessions, upsertShared, node };
    delete out.pool;
    if (d.pool) {
      n.pool = d.pool.items.map((i) => stamp(i, node));
      out.nodePool = n.pool;
    }
    return out;
  }

  /** Forgets a node (lost, or Redis away); returns the delta removing its rows, or null if none were known. */
  drop(node: string, version: number, serverTime: string): ManagerDelta | null {
    const n = this.nodes.get(node);
    this.nodes.delete(node);
    if (!n) return null;
    return {
      type: 'delta',
      version,
      serverTime,
      node,
      upsertSessions: [],
      removeSessions: [...n.sessions.keys()],
      upsertShared: [],
      removeShared: [...n.shared.keys()],
      nodePool: [],
    };
  }

  known(): string[] {
    return [...this.nodes.keys()];
  }

  sessionOwner(id: string): string | null {
    for (const [node, n] of this.nodes) if (n.sessions.has(id)) return node;
    return null;
  }

  packageOwner(id: string): string | null {
    for (const [node, n] of this.nodes) {
      if (n.shared.has(id) || n.pool.some((i) => i.id === id)) return node;
      for (const s of n.sessions.values()) if (s.packages.some((p) => p.id === id)) return node;
    }
    return null;
  }

  label(id: string): string | null {
    for (const n of this.nodes.values()) {
      const s = n.sessions.get(id);
      if (s) return s.name;
      for (const x of n.sessions.values()) {
        const p = x.packages.find((q) => q.id === id);
        if (p) return `${p.name}${p.path ? ` (${p.path})` : ''}`;
      }
      const sh = n.shared.get(id) ?? n.pool.find((i) => i.id === id);
      if (sh) return `${sh.name}${sh.path ? ` (${sh.path})` : ''}`;
    }
    return null;
  }

  rows(): { sessions: ManagerSession[]; shared: ManagerSharedPackage[]; pool: ManagerPoolItem[] } {
    const out = {
      sessions: [] as ManagerSession[],
      shared: [] as ManagerSharedPackage[],
      pool: [] as ManagerPoolItem[],
    };
    for (const n of this.nodes.values()) {
      for (const s of n.sessions.values()) out.sessions.push(s);
      for (const s of n.shared.values()) out.shared.push(s);
      out.pool.push(...n.pool);
    }
    return out;
  }
}
