// A node's heartbeat: a key with expiry refreshed every second, and the nodes set; reads every node's state back.
import type { ClusterNode } from '@flowport/protocol';
import { HEARTBEAT_MS, HEARTBEAT_TTL_S, keys } from './cluster-keys';
import type { RedisLink } from './redis-link';

/** What a node says of itself in its heartbeat. */
export interface NodeBeat {
  name: string;
  lastSeenAt: string;
  pool: { size: number; max: number; hits: number; misses: number };
  sessions: number;
  running: number;
  rssBytes?: number;
  cpuPercent?: number;
}

/** The process's resident memory and its CPU use since the last call (percent of one core). */
export function processFigures(): () => { rssBytes: number; cpuPercent: number } {
  let cpu = process.cpuUsage();
  let at = performance.now();
  return () => {
    const nowCpu = process.cpuUsage();
    const now = performance.now();
    const usedUs = nowCpu.user - cpu.user + (nowCpu.system - cpu.system);
    const wallUs = Math.max(1, (now - at) * 1000);
    cpu = nowCpu;
    at = now;
    return { rssBytes: process.memoryUsage.rss(), cpuPercent: Math.round((1000 * usedUs) / wallUs) / 10 };
  };
}

export class NodeHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private nodes: ClusterNode[] = [];
  private readonly listeners = new Set<(nodes: ClusterNode[], changed: boolean) => void>();
  private readonly figures = processFigures();

  constructor(
    private readonly link: RedisLink,
    private readonly self: string,
    private readonly state: () => Omit<NodeBeat, 'name' | 'lastSeenAt' | 'rssBytes' | 'cpuPercent'>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    const tick = () => void this.beat().catch((err: unknown) => this.link.up && this.onError(err));
    tick();
    this.timer = setInterval(tick, HEARTBEAT_MS);
    this.timer.unref();
  }

  /** The nodes as last read (this one included); [] while Redis is away. */
  current(): ClusterNode[] {
    return this.nodes;
  }

  /** Called after every beat, `changed` when a node appeared, was lost, came back or its state changed. */
  onNodes(listener: (nodes: ClusterNode[], changed: boolean) => void): void {
    this.listeners.add(listener);
  }

  /** Refreshes this node's key, then reads every node's: a missing key is a lost node. */
  async beat(): Promise<void> {
    if (!this.link.up) return this.set([]);
    const mine: NodeBeat = {
      name: this.self,
      lastSeenAt: new Date().toISOString(),
      ...this.state(),
      ...this.figures(),
    };
    await this.link.cmd
      .multi()
      .set(keys.node(this.self), JSON.stringify(mine), 'EX', HEARTBEAT_TTL_S)
      .sadd(keys.nodes, this.self)
      .exec();
    const names = (await this.link.cmd.smembers(keys.nodes)).sort();
    const values = names.length ? await this.link.cmd.mget(names.map(keys.node)) : [];
    const previous = new Map(this.nodes.map((n) => [n.name, n]));
    this.set(
      names.map((name, i): ClusterNode => {
        const raw = values[i];
        if (raw) {
          const b = JSON.parse(raw) as NodeBeat;
          return {
            name,
            state: 'live',
            lastSeenAt: b.lastSeenAt,
            pool: b.pool,
            sessions: b.sessions,
            running: b.running,
            rssBytes: b.rssBytes,
            cpuPercent: b.cpuPercent,
            self: name === this.self || undefined,
          };
        }
        const before = previous.get(name);
        return {
          name,
          state: 'lost',
          lastSeenAt: before?.lastSeenAt ?? new Date(0).toISOString(),
          pool: { size: 0, max: before?.pool.max ?? 0 },
          sessions: 0,
          running: 0,
        };
      }),
    );
  }

  private set(nodes: ClusterNode[]): void {
    const same =
      JSON.stringify(nodes.map(({ lastSeenAt: _, ...n }) => n)) ===
      JSON.stringify(this.nodes.map(({ lastSeenAt: _, ...n }) => n));
    this.nodes = nodes;
    for (const l of this.listeners) l(nodes, !same);
  }

  /** Stops beating; a clean stop also leaves the set (a killed node stays there, shown lost). */
  async stop(leave: boolean): Promise<void> {
    clearInterval(this.timer);
    if (leave && this.link.up)
      await this.link.cmd
        .multi()
        .del(keys.node(this.self))
        .srem(keys.nodes, this.self)
        .exec()
        .catch(() => undefined);
  }
}
