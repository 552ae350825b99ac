// Failed-login limits per account and per client: a place is reserved before the password is checked, so parallel guesses cannot pass the limit.
import type { Clock } from '../shared/clock';
import { DomainError } from '../shared/domain-error';

/** One login attempt holding a place on its account and its client until it is settled (once; later calls do nothing). */
export interface LoginAttempt {
  /** Wrong password or unknown user: the place becomes a failure of the account and of the client. */
  failed(): void;
  /** Right password: the place is given back, and the account's failures from this client are forgotten. */
  succeeded(): void;
  /** No password was judged (bad input, a blocked account, an error): the place is given back. */
  released(): void;
}

/**
 * The failures of one account (`u:`) or one client (`c:`) in its window, by the other side of each
 * failure (the client of an account's failure, the account of a client's), so that a success can
 * take back exactly its own account's failures from its own client and nothing else.
 */
interface Counter {
  failures: number;
  /** Places reserved and not settled yet: each may still become a failure, so each counts now. */
  pending: number;
  byOther: Map<string, number>;
  /** When the window's first failure happened; a window without a lock lasts the lockout time. */
  since: number;
  lockedUntil: number;
}

/** Past this many counters, those holding nothing are dropped (unknown names make one each). */
const PRUNE_AT = 100_000;

/** A refused attempt waiting for places held by attempts in flight is told to retry after this. */
const IN_FLIGHT_RETRY_MS = 1000;

/** Told of every judged wrong password and of every lockout it begins (the metrics listen). */
export interface LoginLimiterListener {
  loginFailed(): void;
  lockoutBegan(): void;
}

export class LoginLimiter {
  private readonly counters = new Map<string, Counter>();
  /** The next size that prunes: twice what a prune left, so a flood of live counters is not scanned on every attempt. */
  private pruneAt = PRUNE_AT;

  constructor(
    private readonly clock: Clock,
    private readonly limits: () => { attempts: number; lockoutSeconds: number },
    private readonly listener?: LoginLimiterListener,
  ) {}

  /**
   * Reserves a place for checking `user`'s password from `client`, or throws LOGIN_LOCKED when
   * either is locked or its failures and attempts in flight already reach the limit: with the
   * limit at 5, at most 5 wrong passwords per account and per client are ever judged in a window,
   * however many arrive at once.
   */
  reserve(user: string, client: string): LoginAttempt {
    const now = this.clock.now();
    const { attempts, lockoutSeconds } = this.limits();
    const lockoutMs = lockoutSeconds * 1000;
    const account = this.counter(`u:${user}`, now, lockoutMs);
    const from = this.counter(`c:${client}`, now, lockoutMs);
    const lockedMs = Math.max(account.lockedUntil - now, from.lockedUntil - now, 0);
    if (lockedMs > 0) throw locked('Too many failed logins', lockedMs);
    if (Math.max(account.failures + account.pending, from.failures + from.pending) >= attempts)
      throw locked('Too many logins in progress for this account or from this address', IN_FLIGHT_RETRY_MS);
    account.pending++;
    from.pending++;
    let settled = false;
    const settle = (outcome: 'failed' | 'succeeded' | 'released') => {
      if (settled) return;
      settled = true;
      account.pending--;
      from.pending--;
      if (outcome === 'failed') this.fail(account, client, from, user);
      else if (outcome === 'succeeded') this.forget(account, client, from, user);
      if (this.counters.size > this.pruneAt) this.prune();
    };
    return {
      failed: () => settle('failed'),
      succeeded: () => settle('succeeded'),
      released: () => settle('released'),
    };
  }

  /** The counter under `key`, brought up to `now`. */
  private counter(key: string, now: number, lockoutMs: number): Counter {
    let c = this.counters.get(key);
    if (!c) {
      c = { failures: 0, pending: 0, byOther: new Map(), since: now, lockedUntil: 0 };
      this.counters.set(key, c);
    }
    refresh(c, now, lockoutMs);
    return c;
  }

  private fail(account: Counter, client: string, from: Counter, user: string): void {
    const now = this.clock.now();
    const { attempts, lockoutSeconds } = this.limits();
    let lockoutBegan = false;
    for (const [c, other] of [
      [account, client],
      [from, user],
    ] as const) {
      // A window or lock that ended while this attempt was in flight: the failure starts a new one.
      refresh(c, now, lockoutSeconds * 1000);
      if (c.failures === 0) c.since = now;
      c.failures++;
      c.byOther.set(other, (c.byOther.get(other) ?? 0) + 1);
      if (c.failures >= attempts && c.lockedUntil <= now) {
        c.lockedUntil = now + lockoutSeconds * 1000;
        lockoutBegan = true;
      }
    }
    this.listener?.loginFailed();
    if (lockoutBegan) this.listener?.lockoutBegan();
  }

  /**
   * A success takes back the account's failures from this client, in both counters, and nothing
   * more: another account's failures from this client stay (one address cannot spray accounts by
   * logging into its own between guesses), and a lock stays until it ends.
   */
  private forget(account: Counter, client: string, from: Counter, user: string): void {
    const now = this.clock.now();
    for (const [c, other] of [
      [account, client],
      [from, user],
    ] as const) {
      if (c.lockedUntil > now) continue;
      const own = c.byOther.get(other) ?? 0;
      c.failures = Math.max(0, c.failures - own);
      c.byOther.delete(other);
    }
  }

  /** Drops the counters that hold nothing any more: no place in flight, no lock, no failure in a window. */
  private prune(): void {
    const now = this.clock.now();
    const lockoutMs = this.limits().lockoutSeconds * 1000;
    for (const [key, c] of this.counters) {
      if (c.pending > 0 || c.lockedUntil > now) continue;
      if (c.failures === 0 || c.lockedUntil > 0 || now - c.since >= lockoutMs) this.counters.delete(key);
    }
    this.pruneAt = Math.max(PRUNE_AT, 2 * this.counters.size);
  }
}

/** Forgets a counter's failures once its lock ended, or its window passed without a lock. */
function refresh(c: Counter, now: number, lockoutMs: number): void {
  const lockEnded = c.lockedUntil > 0 && c.lockedUntil <= now;
  const windowPassed = c.lockedUntil === 0 && c.failures > 0 && now - c.since >= lockoutMs;
  if (lockEnded || windowPassed) {
    c.failures = 0;
    c.byOther.clear();
    c.lockedUntil = 0;
  }
}

function locked(why: string, ms: number): DomainError {
  const seconds = Math.ceil(ms / 1000);
  return new DomainError('LOGIN_LOCKED', `${why}; try again in ${seconds} s`, { retryAfterSeconds: seconds });
}
