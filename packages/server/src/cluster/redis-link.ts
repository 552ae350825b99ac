// The two Redis connections of a node (commands and subscriptions) and whether both are up: down is "degraded".
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export class RedisLink {
  /** Commands and publications; fails at once while Redis is away (nothing piles up to send later). */
  readonly cmd: Redis;
  /** Subscriptions only (a subscribed connection takes no other command); ioredis subscribes again on reconnect. */
  readonly sub: Redis;
  private readonly listeners = new Set<(up: boolean) => void>();
  private wasUp = false;

  constructor(url: string, log: Logger) {
    const retryStrategy = (times: number) => Math.min(100 * times, 1000);
    this.cmd = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, lazyConnect: true });
    this.sub = new Redis(url, { maxRetriesPerRequest: null, retryStrategy, lazyConnect: true });
    let lastError = '';
    for (const c of [this.cmd, this.sub]) {
      c.on('ready', () => this.check());
      c.on('close', () => this.check());
      c.on('end', () => this.check());
      c.on('error', (err: Error) => {
        // Said once per kind of failure, not at every reconnection attempt.
        if (err.message !== lastError) log.warn({ err }, 'Redis connection failed; the cluster view is degraded');
        lastError = err.message;
      });
    }
    this.onChange((up) => {
      if (up) lastError = '';
      log.info(
        { redis: up ? 'up' : 'down' },
        up ? 'Redis reached: cluster view live' : 'Redis lost: cluster view degraded',
      );
    });
  }

  get up(): boolean {
    return this.cmd.status === 'ready' && this.sub.status === 'ready';
  }

  /** Connects both; resolves when tried (a Redis that is away at start leaves the node degraded, retrying). */
  async connect(): Promise<void> {
    await Promise.allSettled([this.cmd.connect(), this.sub.connect()]);
  }

  onChange(listener: (up: boolean) => void): void {
    this.listeners.add(listener);
  }

  private check(): void {
    const up = this.up;
    if (up === this.wasUp) return;
    this.wasUp = up;
    for (const l of this.listeners) l(up);
  }

  close(): void {
    this.cmd.disconnect();
    this.sub.disconnect();
  }
}
