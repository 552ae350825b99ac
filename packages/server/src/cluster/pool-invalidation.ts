// Package file changes on the shared storage, published so that a node whose own watcher lags still drops its stale instances.
import { keys } from './cluster-keys';
import type { RedisLink } from './redis-link';

interface Invalidation {
  node: string;
  path: string;
  fileVersion?: string;
}

export class PoolInvalidation {
  constructor(
    private readonly link: RedisLink,
    private readonly self: string,
    /** The core's own reaction to a changed file (same version: instances of that very version are kept). */
    private readonly fileChanged: (path: string, fileVersion?: string) => void,
  ) {}

  async start(): Promise<void> {
    this.link.sub.on('message', (channel: string, text: string) => {
      if (channel !== keys.invalidations) return;
      const m = JSON.parse(text) as Invalidation;
      if (m.node !== this.self) this.fileChanged(m.path, m.fileVersion);
    });
    await this.link.sub.subscribe(keys.invalidations);
  }

  /** Tells the other nodes what this node's watcher saw; lost while Redis is away (their watchers still see it). */
  publish(path: string, fileVersion?: string): void {
    if (!this.link.up) return;
    const m: Invalidation = { node: this.self, path, ...(fileVersion ? { fileVersion } : {}) };
    this.link.cmd.publish(keys.invalidations, JSON.stringify(m)).catch(() => undefined);
  }
}
