// The server panel across a cluster: each node keeps its samples in a Redis stream of its own and publishes each one; every node reads the others' history and relays their live samples.
import type { NodeServerStats, ServerStatsSample } from '@flowport/protocol';
import { keys } from './cluster-keys';
import type { RedisLink } from './redis-link';

export interface NodeStatsDeps {
  link: RedisLink;
  node: string;
  /** The other live nodes (the heartbeat's view): whose history a panel is given. */
  others: () => string[];
  /** How often a node samples and how far back a panel reaches (metrics/server-stats). */
  intervalMs: number;
  windowMs: number;
  /** Another node's sample, as it was taken. */
  heard: (node: string, sample: ServerStatsSample) => void;
  onError: (err: unknown) => void;
}

/** Samples in Redis were written by a node of this cluster; anything else is dropped rather than shown. */
const isSample = (v: unknown): v is ServerStatsSample =>
  typeof v === 'object' && v !== null && typeof (v as ServerStatsSample).t === 'number';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export class NodeStats {
  constructor(private readonly d: NodeStatsDeps) {}

  async start(): Promise<void> {
    this.d.link.sub.on('message', (channel: string, text: string) => {
      if (channel !== keys.stats) return;
      const m = parseJson(text) as { node?: unknown; sample?: unknown } | undefined;
      if (typeof m?.node === 'string' && m.node !== this.d.node && isSample(m.sample)) this.d.heard(m.node, m.sample);
    });
    await this.d.link.sub.subscribe(keys.stats);
  }

  /**
   * Appends this node's sample to its stream (trimmed to the window, expiring with it when the node
   * stops) and publishes it; lost while Redis is away (the panel shows the gap).
   */
  share(sample: ServerStatsSample): void {
    if (!this.d.link.up) return;
    const text = JSON.stringify(sample);
    const history = keys.statsHistory(this.d.node);
    const keep = Math.ceil(this.d.windowMs / this.d.intervalMs) + 1;
    this.d.link.cmd
      .multi()
      .xadd(history, 'MAXLEN', '~', String(keep), '*', 'sample', text)
      .pexpire(history, this.d.windowMs)
      .publish(keys.stats, JSON.stringify({ node: this.d.node, sample }))
      .exec()
      .catch((err: unknown) => this.d.onError(err));
  }

  /** The other live nodes' samples of the window, oldest first; none while Redis is away. */
  async others(now = Date.now()): Promise<NodeServerStats[]> {
    const names = this.d.others();
    if (!this.d.link.up || names.length === 0) return [];
    const read = this.d.link.cmd.pipeline();
    for (const name of names) read.xrange(keys.statsHistory(name), String(now - this.d.windowMs), '+');
    const results = (await read.exec()) ?? [];
    return names.map((node, i) => {
      const [err, entries] = results[i] ?? [null, []];
      if (err) this.d.onError(err);
      const samples: ServerStatsSample[] = [];
      for (const [, fields] of (err ? [] : entries) as [string, string[]][]) {
        const s = parseJson(fields[1] ?? '');
        if (isSample(s)) samples.push(s);
      }
      return { node, samples };
    });
  }
}
