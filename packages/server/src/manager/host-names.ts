// Reverse DNS for the Session Manager's Host column: cached, with a short timeout, never awaited by a page.
import { promises as dns } from 'node:dns';
import { LRUCache } from 'lru-cache';

export type Reverse = (ip: string) => Promise<string[]>;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Resolves loopback without the network (it is always localhost), then asks the system resolver. */
const systemReverse: Reverse = async (ip) => (LOOPBACK.has(ip) ? ['localhost'] : dns.reverse(ip));

export class HostNames {
  private readonly cache: LRUCache<string, string>;
  private readonly pending = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(ip: string, name: string) => void>();

  constructor(
    private readonly reverse: Reverse = systemReverse,
    private readonly timeoutMs = 1500,
    ttlMs = 10 * 60 * 1000,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: ttlMs });
  }

  /** The cached name, or undefined; starts a lookup in the background when none is cached. */
  lookup(ip: string): string | undefined {
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    if (!this.pending.has(ip)) this.pending.set(ip, this.resolve(ip));
    return undefined;
  }

  /** Waits for a lookup (tests and the snapshot endpoint's bounded wait). */
  async settle(ip: string): Promise<string | undefined> {
    this.lookup(ip);
    await this.pending.get(ip);
    return this.cache.get(ip);
  }

  onResolved(listener: (ip: string, name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async resolve(ip: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), this.timeoutMs);
      });
      const names = await Promise.race([this.reverse(ip), timeout]);
      // An address without a name shows as itself, so it is not looked up again on every refresh.
      const name = names[0] ?? ip;
      this.cache.set(ip, name);
      for (const l of this.listeners) l(ip, name);
    } catch {
      this.cache.set(ip, ip);
    } finally {
      clearTimeout(timer);
      this.pending.delete(ip);
    }
  }
}
