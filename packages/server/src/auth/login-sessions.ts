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

/**
 * Where logins outlive the process and are shared by the nodes of a cluster (SQLite or PostgreSQL
 * in the server, implemented in db/; nothing in some tests). SQLite does each write before its
 * promise is made; PostgreSQL's writes follow in the background, their failures told to `onError`.
 */
export interface LoginStore {
  all(): Promise<StoredLogin[]>;
  /** One login by the digest of its token: one made on another node since this one started. */
  find(tokenHash: string): Promise<StoredLogin | undefined>;
  /** Adds the login, or updates its roles, credential and last use. */
  put(login: StoredLogin): Promise<void>;
  remove(tokenHash: string): Promise<void>;
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

/** How many ended logins are remembered against a late store read. */
const ENDED_KEPT = 10_000;

const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export class LoginSessions {
  /** Logins by their token, once made or presented since the start. */
  private readonly byToken = new Map<string, Kept>();
  /** Logins of an earlier run not presented yet, by the digest of their token (the store has no token). */
  private readonly restored = new Map<string, Kept>();
  /** Digests of the latest logins ended here, oldest first. */
  private readonly ended = new Set<string>();
  private lastSweep: number;
  private readonly listeners: ((ended: AccessEnded) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly store?: LoginStore,
    /** Hears of a store write that failed (the login itself carries on in memory). */
    private readonly onStoreError: (err: unknown) => void = () => {},
    /**
     * The store is shared by the nodes of a cluster: a login idle here may be in use on another
     * node, so it ends here only, its row (whose last use every node writes) judged at its next use.
     */
    private readonly shared = false,
  ) {
    this.lastSweep = clock.now();
  }

  /** Takes in the logins kept by the store (an earlier run, the other nodes), ending those idle past the limit. */
  async restore(): Promise<void> {
    if (!this.store) return;
    const now = this.clock.now();
    for (const l of await this.store.all()) {
      if (now - l.lastSeenAt > IDLE_LIMIT_MS) this.write(this.store.remove(l.tokenHash));
      else if (!this.restored.has(l.tokenHash)) this.restored.set(l.tokenHash, this.keep(l));
    }
  }

  /**
   * The login of `token`, looked for in the store too when it is not known here (made on another
   * node). `fromStore` says it came from there: the caller checks it against its user as stored.
   */
  async lookup(token: string | undefined): Promise<{ session: LoginSession; fromStore: boolean } | undefined> {
    const known = this.get(token);
    if (known) return { session: known, fromStore: false };
    if (!token || !this.store) return undefined;
    const hash = tokenHashOf(token);
    if (this.ended.has(hash)) return undefined;
    const stored = await this.store.find(hash);
    if (this.ended.has(hash)) return undefined; // ended while its row was read
    if (!stored || this.restored.has(hash)) {
      const s = this.get(token); // restored meanwhile, or still unknown
      return s && { session: s, fromStore: false };
    }
    this.restored.set(hash, this.keep(stored));
    const s = this.get(token);
    return s && { session: s, fromStore: true };
  }

  /** A login ended elsewhere (logged out on another node): it ends here too, with what was opened with it. */
  forget(tokenHash: string): void {
    const s = [...this.all()].find((k) => k.tokenHash === tokenHash);
    if (s) this.end(s, 'logout', false);
  }

  /** Calls `listener` whenever access ends (the workspace closes what was opened with it). */
  onAccessEnded(listener: (ended: AccessEnded) => void): void {
    this.listeners.push(listener);
  }

  create(user: string, roles: Role[], credential: string): LoginSession {
    return this.make(user, roles, credential).session;
  }

  /**
   * Creates a login and resolves once the store has it: its token is answered only then, so that
   * another node of a cluster finds it at its first use there.
   */
  async open(user: string, roles: Role[], credential: string): Promise<LoginSession> {
    const { session, saved } = this.make(user, roles, credential);
    await saved;
    return session;
  }

  private make(user: string, roles: Role[], credential: string): { session: LoginSession; saved: Promise<void> } {
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
    return { session: s, saved: this.save(s) };
  }

  get(token: string | undefined): LoginSession | undefined {
    if (!token) return undefined;
    const s = this.byToken.get(token) ?? this.takeRestored(token);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.lastSeenAt > IDLE_LIMIT_MS) {
      this.end(s, 'idle', !this.shared);
      return undefined;
    }
    s.lastSeenAt = now;
    if (now - s.savedSeenAt >= SAVE_SEEN_EVERY_MS) void this.save(s);
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
  updateUser(
    user: string,
    roles: Role[] | null,
    credential: string | undefined,
    reason: AccessEndReason,
    /**
     * For a password changed on another node: a login made with another password ends here but stays
     * stored, since that node may have renewed it (the login the change was made from); its next
     * use anywhere is judged against the user as stored.
     */
    keepStoredOnPassword = false,
  ): number {
    let ended = 0;
    for (const s of [...this.all()]) {
      if (s.user !== user) continue;
      const lost = roles === null || roles.length === 0;
      if (lost || (credential !== undefined && s.credential !== credential)) {
        this.end(s, reason, lost || !keepStoredOnPassword);
        ended++;
      } else if (!sameRoles(s.roles, roles)) {
        s.roles = roles;
        void this.save(s);
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
    void this.save(s);
  }

  /** Ends the logins idle past the limit, now and then: one never presented again would stay forever. */
  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const s of [...this.all()]) if (now - s.lastSeenAt > IDLE_LIMIT_MS) this.end(s, 'idle', !this.shared);
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

  /** Ends a login here; `stored`: removed from the store too (else the store's row is left as it is). */
  private end(s: Kept, reason: AccessEndReason, stored = true): void {
    if (s.token) this.byToken.delete(s.token);
    this.restored.delete(s.tokenHash);
    if (stored && this.store) {
      // The store's removal may still be on its way: a lookup meanwhile must not bring the login back.
      this.ended.add(s.tokenHash);
      if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.values().next().value!);
      this.write(this.store.remove(s.tokenHash));
    }
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

  private keep(l: StoredLogin): Kept {
    return { ...l, token: '', savedSeenAt: l.lastSeenAt };
  }

  private write(done: Promise<void>): void {
    done.catch((err: unknown) => this.onStoreError(err));
  }

  /** Stores the login in the background; the promise (never rejecting) says when it is done. */
  private save(s: Kept): Promise<void> {
    s.savedSeenAt = s.lastSeenAt;
    if (!this.store) return Promise.resolve();
    return this.store
      .put({
        tokenHash: s.tokenHash,
        id: s.id,
        csrfToken: s.csrfToken,
        user: s.user,
        roles: s.roles,
        credential: s.credential,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
      })
      .catch((err: unknown) => this.onStoreError(err));
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
