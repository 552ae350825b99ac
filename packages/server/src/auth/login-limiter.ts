// Failed-login counting per account and per client, with a lockout time (both server parameters).
import type { Clock } from '../core/clock';

interface Counter {
  failures: number;
  lockedUntil: number;
}

export class LoginLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: () => { attempts: number; lockoutSeconds: number },
  ) {}

  /** Milliseconds left of a lockout on the account or the client, or 0. */
  lockedFor(user: string, client: string): number {
    const now = this.clock.now();
    let left = 0;
    for (const key of [`u:${user}`, `c:${client}`]) {
      const c = this.counters.get(key);
      if (c && c.lockedUntil > now) left = Math.max(left, c.lockedUntil - now);
    }
    return left;
  }

  fail(user: string, client: string): void {
    const now = this.clock.now();
    const { attempts, lockoutSeconds } = this.limits();
    for (const key of [`u:${user}`, `c:${client}`]) {
      const c = this.counters.get(key) ?? { failures: 0, lockedUntil: 0 };
      if (c.lockedUntil && c.lockedUntil <= now) {
        c.failures = 0;
        c.lockedUntil = 0;
      }
      c.failures += 1;
      if (c.failures >= attempts) c.lockedUntil = now + lockoutSeconds * 1000;
      this.counters.set(key, c);
    }
    if (this.counters.size > 100_000) this.prune(now);
  }

  succeed(user: string, client: string): void {
    this.counters.delete(`u:${user}`);
    this.counters.delete(`c:${client}`);
  }

  private prune(now: number): void {
    for (const [k, c] of this.counters) if (c.lockedUntil <= now && c.failures === 0) this.counters.delete(k);
  }
}
