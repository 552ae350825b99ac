// One Session Manager for all nodes: publishes this node's deltas, follows the others' (snapshot on request), answers commands, tracks degraded.
import type { ClusterNode, ManagerLiveFrame, ManagerSnapshot } from '@flowport/protocol';
import type { Logger } from 'pino';
import type { Affects, CoreCounts, ManagerDelta } from '../core';
import type { ClusterPort, NodeCommand } from '../manager/cluster-port';
import type { FeedSource } from '../manager/manager-feed';
import { keys } from './cluster-keys';
import { NodeCommands, type WireCommand } from './node-commands';
import { NodeHeartbeat, processFigures, type NodeBeat } from './node-heartbeat';
import type { RedisLink } from './redis-link';
import { RemoteRows, stampSession } from './remote-rows';

/** How long this node's changes gather before they are published (the local page's feed waits 250 ms). */
const PUBLISH_MS = 20;

/** A busy node's snapshot of thousands of rows may take longer than an action's 2 s to come. */
const SNAPSHOT_TIMEOUT_MS = 15_000;

export interface ClusterViewDeps {
  link: RedisLink;
  node: string;
  /** This node's bookkeeping (the core). */
  source: FeedSource & { counts(): CoreCounts; readonly version: number };
  /** Runs a command addressed to this node (the Session Manager's own actions). */
  execute: (command: NodeCommand) => Promise<unknown>;
  /** Sends a frame to this node's live clients. */
  broadcast: (frame: ManagerLiveFrame) => void;
  /** Sends each live client a fresh snapshot. */
  resync: () => void;
  log: Logger;
}

/*
 * The change counter is read as `source.version`, never from a snapshot: a snapshot of 3,000 sessions
 * costs 10-200 ms, and it was built at every other node's delta and every heartbeat (the Stop p99's cause).
 */
export class ClusterView implements ClusterPort {
  readonly node: string;
  private readonly remote = new RemoteRows();
  private readonly heartbeat: NodeHeartbeat;
  private readonly commands: NodeCommands;
  /** This node's RSS and CPU while Redis is away (the heartbeat measures its own otherwise). */
  private readonly figures = processFigures();
  private affects: Affects = { sessions: [], shared: [], pool: false };
  private timer: NodeJS.Timeout | undefined;
  private unfollow: (() => void) | undefined;

  constructor(private readonly d: ClusterViewDeps) {
    this.node = d.node;
    this.heartbeat = new NodeHeartbeat(
      d.link,
      d.node,
      () => this.selfState(),
      (err) => d.log.warn({ err }, 'cluster heartbeat failed'),
    );
    this.commands = new NodeCommands(d.link, d.node, (c) => this.run(c));
  }

  async start(): Promise<void> {
    this.unfollow = this.d.source.on((e) => this.changed(e.affects));
    this.d.link.sub.on('message', (channel: string, text: string) => {
      if (channel !== keys.deltas) return;
      const { node, delta } = JSON.parse(text) as { node: string; delta: ManagerDelta };
      if (node === this.node) return;
      const out = this.remote.apply(node, delta);
      if (out) this.d.broadcast({ ...out, version: this.d.source.version });
    });
    this.heartbeat.onNodes((nodes, changed) => this.nodesChanged(nodes, changed));
    this.d.link.onChange((up) => {
      if (up) void this.heartbeat.beat().catch(() => undefined);
      else this.lostRedis();
    });
    await this.d.link.connect();
    // Awaited only while Redis answers (ioredis keeps them queued for when it is back otherwise).
    const subscribed = Promise.all([this.commands.start(), this.d.link.sub.subscribe(keys.deltas)]).catch(
      (err: unknown) =>
        this.d.log.warn({ err }, 'subscribing to the cluster channels failed; retried when Redis is back'),
    );
    if (this.d.link.up) await subscribed;
    this.heartbeat.start();
  }

  private selfState(): Omit<NodeBeat, 'name' | 'lastSeenAt' | 'rssBytes' | 'cpuPercent'> {
    // Counted without building rows: this runs every second.
    const c = this.d.source.counts();
    const sessions = c.sessions.studio + c.sessions.integrator + c.sessions.batch;
    const running = c.running.studio + c.running.integrator + c.running.batch + c.running.none;
    const { pool } = c;
    return {
      pool: { size: pool.idle + pool.checkedOut, max: pool.capacity, hits: pool.hits, misses: pool.misses },
      sessions,
      running,
    };
  }

  get degraded(): boolean {
    return !this.d.link.up;
  }

  nodes(): ClusterNode[] {
    const now = new Date().toISOString();
    if (this.degraded || this.heartbeat.current().length === 0)
      return [{ name: this.node, state: 'live', lastSeenAt: now, ...this.selfState(), ...this.figures(), self: true }];
    return this.heartbeat.current();
  }

  merge(local: ManagerSnapshot): ManagerSnapshot {
    const mine = <T extends object>(row: T) => ({ ...row, node: this.node });
    const other = this.degraded ? { sessions: [], shared: [], pool: [] } : this.remote.rows();
    return {
      ...local,
      sessions: [...local.sessions.map((x) => stampSession(x, this.node)), ...other.sessions],
      shared: [...local.shared.map(mine), ...other.shared],
      pool: { ...local.pool, items: [...local.pool.items.map(mine), ...other.pool] },
      node: this.node,
      nodes: this.nodes(),
      degraded: this.degraded,
    };
  }

  /** This node's own delta as its local clients get it: every row stamped. */
  stamp(delta: ManagerDelta): ManagerDelta {
    const mine = <T extends object>(row: T) => ({ ...row, node: this.node });
    return {
      ...delta,
      node: this.node,
      upsertSessions: delta.upsertSessions.map((x) => stampSession(x, this.node)),
      upsertShared: delta.upsertShared.map(mine),
      ...(delta.pool
        ? { pool: { ...delta.pool, items: delta.pool.items.map(mine) }, nodePool: delta.pool.items.map(mine) }
        : {}),
    };
  }

  ownerOfSession(id: string): string | null {
    return this.degraded ? null : this.remote.sessionOwner(id);
  }

  ownerOfPackage(id: string): string | null {
    return this.degraded ? null : this.remote.packageOwner(id);
  }

  labelOf(id: string): string | null {
    return this.remote.label(id);
  }

  liveNodes(): string[] {
    return this.nodes()
      .filter((n) => n.state === 'live')
      .map((n) => n.name);
  }

  send(node: string, command: NodeCommand): Promise<unknown> {
    return this.commands.send(node, command);
  }

  private async run(c: WireCommand): Promise<unknown> {
    if (c.op === 'snapshot') return this.d.source.snapshot();
    return this.d.execute(c);
  }

  private changed(a: Affects): void {
    if (!this.d.link.up) return;
    this.affects.sessions.push(...a.sessions);
    this.affects.shared.push(...a.shared);
    this.affects.pool ||= a.pool;
    this.timer ??= setTimeout(() => this.publish(), PUBLISH_MS);
  }

  private publish(): void {
    this.timer = undefined;
    const affects = this.affects;
    this.affects = { sessions: [], shared: [], pool: false };
    if (!this.d.link.up) return;
    const delta = this.d.source.delta(affects);
    this.d.link.cmd.publish(keys.deltas, JSON.stringify({ node: this.node, delta })).catch(() => undefined);
  }

  /** Follows a node that appeared (asking for its snapshot), drops one that was lost, and tells the page. */
  private nodesChanged(nodes: ClusterNode[], changed: boolean): void {
    const version = this.d.source.version;
    const serverTime = new Date().toISOString();
    for (const n of nodes) {
      if (n.name === this.node) continue;
      if (n.state === 'live' && !this.remote.has(n.name)) {
        this.remote.follow(n.name);
        this.commands.send(n.name, { op: 'snapshot' }, SNAPSHOT_TIMEOUT_MS).then(
          (snap) => {
            if (!this.remote.has(n.name)) return;
            this.remote.load(n.name, snap as ManagerSnapshot);
            this.d.resync();
          },
          (err: unknown) => {
            // Asked again at the next change of the nodes (or the next heartbeat that sees it).
            this.remote.drop(n.name, version, serverTime);
            this.d.log.warn({ err, node: n.name }, 'a node did not send its Session Manager snapshot');
          },
        );
      }
      if (n.state === 'lost') {
        const removal = this.remote.drop(n.name, version, serverTime);
        if (removal) this.d.broadcast(removal);
      }
    }
    if (!changed) return;
    this.broadcastNodes(version, serverTime, this.degraded);
  }

  /** Redis went away: the other nodes' rows are unknown now; the page shows this node alone, live. */
  private lostRedis(): void {
    const version = this.d.source.version;
    const serverTime = new Date().toISOString();
    for (const node of this.remote.known()) {
      const removal = this.remote.drop(node, version, serverTime);
      if (removal) this.d.broadcast(removal);
    }
    this.broadcastNodes(version, serverTime, true);
  }

  /** A delta that changes no row, only the nodes and whether the cluster view is degraded. */
  private broadcastNodes(version: number, serverTime: string, degraded: boolean): void {
    this.d.broadcast({
      type: 'delta',
      version,
      serverTime,
      upsertSessions: [],
      removeSessions: [],
      upsertShared: [],
      removeShared: [],
      nodes: this.nodes(),
      degraded,
    });
  }

  async close(): Promise<void> {
    this.unfollow?.();
    clearTimeout(this.timer);
    await this.heartbeat.stop(true);
    this.commands.close();
    this.d.link.close();
  }
}
