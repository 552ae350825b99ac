// Logins (browser cookies and bearer tokens): random tokens with their CSRF token, kept in memory and in a store; the one place logins end, which it announces.
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@flowport/protocol';
import { randomId, type Clock } from '../shared/clock';

export interface LoginSession {
  token: string;
  /** Short public id; `<user>:<id>` names this login in the log and the audit log. */
  id: string;
  csrfToken: string;
  user: string;
  roles: Role[];
  /** A digest of the password hash the user logged in with: a changed password ends the login. */
  credential: string;
  createdAt: number;
  lastSeenAt: number;
}

/** A login as the store keeps it: its token only as a SHA-256 digest. */
export interface StoredLogin extends Omit<LoginSession, 'token'> {
  tokenHash: string;
}

/** Where logins outlive the process (SQLite in the server; nothing in some tests). */
export interface LoginStore {
  all(): StoredLogin[];
  /** Adds the login, or updates its roles, credential and last use. */
  put(login: StoredLogin): void;
  remove(tokenHash: string): void;
}

/** Why access ended: the login's own end (logout, idle), or a change of its user. */
export type AccessEndReason = 'logout' | 'idle' | 'blocked' | 'removed' | 'password' | 'demoted';

/**
 * Access that ended, for what was opened with it (live sockets, Studio sessions) to end too: one
 * login (`login`, `<user>:<id>`), or, after a change of the user, every login of the user and their
 * HTTP Basic use but the login `keep`. `roles` are the roles the user keeps (null: none of what
 * was opened with this access stays); what was opened with a role outside them ends.
 */
export interface AccessEnded {
  user: string;
  login?: string;
  keep?: string;
  roles: Role[] | null;
  reason: AccessEndReason;
}

interface Kept extends LoginSession {
  tokenHash: string;
  /** The last use the store has heard of. */
  savedSeenAt: number;
}

const IDLE_LIMIT_MS = 12 * 60 * 60 * 1000;
/** The store hears of a login's use at most this often: a write per request would cost every request. */
const SAVE_SEEN_EVERY_MS = 60 * 1000;

/** How often logins idle past the limit are looked for (tokens asked for and never used again, say). */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export class LoginSessions {
  /** Logins by their token, once made or presented since the start. */
  private readonly byToken = new Map<string, Kept>();
  /** Logins of an earlier run not presented yet, by the digest of their token (the store has no token). */
  private readonly restored = new Map<string, Kept>();
  private lastSweep: number;
  private readonly listeners: ((ended: AccessEnded) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly store?: LoginStore,
  ) {
    const now = clock.now();
    this.lastSweep = now;
    for (const l of store?.all() ?? []) {
      if (now - l.lastSeenAt > IDLE_LIMIT_MS) store!.remove(l.tokenHash);
      else this.restored.set(l.tokenHash, { ...l, token: '', savedSeenAt: l.lastSeenAt });
    }
  }

  /** Calls `listener` whenever access ends (the workspace closes what was opened with it). */
  onAccessEnded(listener: (ended: AccessEnded) => void): void {
    this.listeners.push(listener);
  }

  create(user: string, roles: Role[], credential: string): LoginSession {
    const now = this.clock.now();
    this.sweep(now);
    const token = randomBytes(32).toString('base64url');
    const s: Kept = {
      token,
      tokenHash: tokenHashOf(token),
      id: randomId(),
      csrfToken: randomBytes(24).toString('base64url'),
      user,
      roles,
      credential,
      createdAt: now,
      lastSeenAt: now,
      savedSeenAt: now,
    };
    this.byToken.set(token, s);
    this.save(s);
    return s;
  }

  get(token: string | undefined): LoginSession | undefined {
    if (!token) return undefined;
    const s = this.byToken.get(token) ?? this.takeRestored(token);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.lastSeenAt > IDLE_LIMIT_MS) {
      this.end(s, 'idle');
      return undefined;
    }
    s.lastSeenAt = now;
    if (now - s.savedSeenAt >= SAVE_SEEN_EVERY_MS) this.save(s);
    return s;
  }

  /** Logout. */
  remove(token: string): void {
    const s = this.byToken.get(token) ?? this.takeRestored(token);
    if (s) this.end(s, 'logout');
  }

  /** The users with at least one login. */
  users(): string[] {
    return [...new Set(Array.from(this.all(), (s) => s.user))];
  }

  /**
   * Brings a user's logins in line with the user: all end when `roles` is null or empty (blocked,
   * removed), those made with another password end, the others take the roles. Returns how many ended.
   */
  updateUser(user: string, roles: Role[] | null, credential: string | undefined, reason: AccessEndReason): number {
    let ended = 0;
    for (const s of [...this.all()]) {
      if (s.user !== user) continue;
      if (roles === null || roles.length === 0 || (credential !== undefined && s.credential !== credential)) {
        this.end(s, reason);
        ended++;
      } else if (!sameRoles(s.roles, roles)) {
        s.roles = roles;
        this.save(s);
      }
    }
    return ended;
  }

  /**
   * Announces that `user` lost access (blocked, removed, a new password, fewer roles): everything
   * opened with their logins or HTTP Basic ends, but what the login `keepToken` opened and, when
   * `roles` is given, what needs only roles in it.
   */
  revokeUser(user: string, reason: AccessEndReason, roles: Role[] | null, keepToken?: string): void {
    const kept = keepToken ? this.byToken.get(keepToken) : undefined;
    const keep = kept?.user === user ? `${user}:${kept.id}` : undefined;
    this.announce(keep ? { user, keep, roles, reason } : { user, roles, reason });
  }

  /** Lets the login `token` of `user` carry on under a new password (the user changed it from there). */
  renew(token: string, user: string, credential: string): void {
    const s = this.byToken.get(token);
    if (s?.user !== user) return;
    s.credential = credential;
    this.save(s);
  }

  /** Ends the logins idle past the limit, now and then: one never presented again would stay forever. */
  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const s of [...this.all()]) if (now - s.lastSeenAt > IDLE_LIMIT_MS) this.end(s, 'idle');
  }

  private *all(): Iterable<Kept> {
    yield* this.byToken.values();
    yield* this.restored.values();
  }

  /** A login of an earlier run, presented for the first time since the start. */
  private takeRestored(token: string): Kept | undefined {
    if (!this.restored.size) return undefined;
    const hash = tokenHashOf(token);
    const s = this.restored.get(hash);
    if (!s) return undefined;
    this.restored.delete(hash);
    s.token = token;
    this.byToken.set(token, s);
    return s;
  }

  private end(s: Kept, reason: AccessEndReason): void {
    if (s.token) this.byToken.delete(s.token);
    this.restored.delete(s.tokenHash);
    this.store?.remove(s.tokenHash);
    this.announce({ user: s.user, login: `${s.user}:${s.id}`, roles: null, reason });
  }

  /** A listener's failure is its own: the login has ended whatever it does. */
  private announce(ended: AccessEnded): void {
    for (const listener of this.listeners) {
      try {
        listener(ended);
      } catch {
        // The workspace logs its own failures; nothing here can undo the end.
      }
    }
  }

  private save(s: Kept): void {
    s.savedSeenAt = s.lastSeenAt;
    this.store?.put({
      tokenHash: s.tokenHash,
      id: s.id,
      csrfToken: s.csrfToken,
      user: s.user,
      roles: s.roles,
      credential: s.credential,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
    });
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
