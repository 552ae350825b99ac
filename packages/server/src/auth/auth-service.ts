// Logging in by password (form, HTTP Basic) and resolving the caller of a request.
import { createHash } from 'node:crypto';
import type { Role } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import type { LoginLimiter } from './login-limiter';
import type { AccessEndReason, LoginSession, LoginSessions } from './login-sessions';
import { DUMMY_HASH_PROMISE, verifyPassword } from './password';
import type { StoredUser, UserStore } from './user-store';

export interface Principal {
  user: string;
  roles: Role[];
  via: 'cookie' | 'basic' | 'bearer';
  /** `<user>:<id>` of the login, as written in the log. */
  sessionName: string;
  /** Present for cookie logins; state-changing requests must echo it. */
  csrfToken?: string;
  loginToken?: string;
}

/** A digest of a password hash: a login remembers it, so a changed password ends the login. */
function credentialOf(user: StoredUser): string {
  return createHash('sha256').update(user.passwordHash).digest('base64url');
}

/** What access a user gives, as last seen here: a change that takes some away ends what was opened with it. */
interface UserAccess {
  roles: Role[];
  blocked: boolean;
  credential: string;
}

const accessOf = (u: StoredUser): UserAccess => ({ roles: u.roles, blocked: u.blocked, credential: credentialOf(u) });

/** What a change of a user took away, if anything (unblocking, a new role: nothing). */
function accessLost(before: UserAccess | undefined, after: UserAccess | undefined): AccessEndReason | undefined {
  if (!before) return undefined;
  if (!after) return 'removed';
  if (after.blocked && !before.blocked) return 'blocked';
  if (after.credential !== before.credential) return 'password';
  if (before.roles.some((r) => !after.roles.includes(r))) return 'demoted';
  return undefined;
}

const sameAccess = (a: UserAccess, b: UserAccess) =>
  a.blocked === b.blocked &&
  a.credential === b.credential &&
  a.roles.length === b.roles.length &&
  a.roles.every((r, i) => r === b.roles[i]);

export class AuthService {
  /**
   * Every user's access as this process last saw it (at syncUsers, at each login, at each change),
   * so that a change made anywhere (the API, `flowport users`) is compared with what was in use.
   * Empty at first: the first syncUsers brings logins kept from the last run in line with the users.
   */
  private readonly known = new Map<string, UserAccess>();
  /**
   * Users this process is changing now: their change is applied by userChanged once committed, with
   * the login it was made from. A sync that hears of the committed change first (its own NOTIFY can
   * come before the commit's answer) leaves them alone, else it would end that login too.
   */
  private readonly changing = new Map<string, number>();

  constructor(
    private readonly users: UserStore,
    private readonly limiter: LoginLimiter,
    readonly sessions: LoginSessions,
    /** One node of several sharing the logins (PostgreSQL): changes synced from elsewhere may have renewed a login. */
    private readonly cluster = false,
  ) {}

  /**
   * Checks a password. Unknown user and wrong password give the same error and take the same time,
   * so names cannot be enumerated; every failure counts against the account and the client, and
   * the attempt holds its place in both limits from before the hash is computed.
   */
  async verify(username: unknown, password: unknown, client: string): Promise<{ user: string; roles: Role[] }> {
    const user = await this.check(username, password, client);
    return { user: user.name, roles: user.roles };
  }

  private async check(username: unknown, password: unknown, client: string): Promise<StoredUser> {
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      username.length > 200 ||
      password.length > 1024
    ) {
      throw new DomainError('BAD_REQUEST', 'Send {"username": "...", "password": "..."} as JSON strings');
    }
    // Reserved before anything is awaited: parallel guesses each take a place, and past the limit
    // the rest are refused without their password being judged.
    const attempt = this.limiter.reserve(username, client);
    try {
      const dummy = await DUMMY_HASH_PROMISE;
      // From the database, not a cache: a user added on another node a moment ago logs in here.
      const user = await this.users.load(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? dummy);
      if (!user || !ok) {
        attempt.failed();
        throw new DomainError('INVALID_CREDENTIALS', 'Wrong user name or password');
      }
      if (user.blocked)
        throw new DomainError('ACCOUNT_BLOCKED', `The account "${user.name}" is blocked; ask an administrator`);
      if (user.roles.length === 0)
        throw new DomainError('NO_ROLE', `The account "${user.name}" has no role; ask an administrator`);
      attempt.succeeded();
      // A change made elsewhere and not applied yet (`flowport users` within the last second) is
      // applied before this login, which then starts from the user as stored.
      this.apply(user.name, user);
      this.users.recordLogin(user.name);
      return user;
    } finally {
      attempt.released(); // nothing after failed() or succeeded(); the place back on any other way out
    }
  }

  /** Whether a user of this name exists: the log names a refused login's user only then. */
  exists(name: string): boolean {
    return this.users.find(name) !== undefined;
  }

  /**
   * Brings a user's logins in line with the stored user after a change: they end when the user was
   * blocked, removed or left without a role, or (each) when the password changed; the others take
   * the stored roles. `keep`, the login the change was made from, survives a change of its own
   * user's password. Returns how many logins ended.
   */
  userChanged(name: string, keep?: string): number {
    return this.apply(name, this.users.find(name), keep);
  }

  /** Runs this process's change of user `name` (write, then userChanged), with syncs of that user held off meanwhile. */
  async whileChanging<T>(name: string, change: () => Promise<T>): Promise<T> {
    this.changing.set(name, (this.changing.get(name) ?? 0) + 1);
    try {
      return await change();
    } finally {
      const left = this.changing.get(name)! - 1;
      if (left) this.changing.set(name, left);
      else this.changing.delete(name);
    }
  }

  /**
   * The same for every user, when another process (`flowport users`) may have changed users.
   * Returns the users who lost logins.
   */
  syncUsers(): string[] {
    const stored = new Map(this.users.list().map((u) => [u.name, u]));
    const names = new Set([...stored.keys(), ...this.known.keys(), ...this.sessions.users()]);
    return [...names].filter(
      (name) => !this.changing.has(name) && this.apply(name, stored.get(name), undefined, this.cluster) > 0,
    );
  }

  /**
   * Brings the logins of `name` in line with `user` as stored (see userChanged) and, when the
   * change took access away, announces it so that what was opened with it ends too.
   */
  private apply(name: string, user: StoredUser | undefined, keep?: string, elsewhere = false): number {
    const before = this.known.get(name);
    const after = user && accessOf(user);
    if (after) this.known.set(name, after);
    else this.known.delete(name);
    if (before && after && sameAccess(before, after)) return 0;
    const roles = after && !after.blocked && after.roles.length ? after.roles : null;
    if (keep && after) this.sessions.renew(keep, name, after.credential);
    const lost = accessLost(before, after);
    // Without an earlier view (logins kept from the last run) the logins still follow the user.
    const reason = lost ?? (!after ? 'removed' : after.blocked ? 'blocked' : roles ? 'password' : 'demoted');
    const ended = this.sessions.updateUser(name, roles, after?.credential, reason, elsewhere);
    if (lost) {
      const kept = lost === 'demoted' ? (roles ?? []) : null;
      this.sessions.revokeUser(name, lost, kept, lost === 'password' ? keep : undefined);
    }
    return ended;
  }

  async login(username: unknown, password: unknown, client: string) {
    const user = await this.check(username, password, client);
    return this.sessions.open(user.name, user.roles, credentialOf(user));
  }

  /** Resolves the caller from the Authorization header or the session cookie; undefined when anonymous. */
  /**
   * The caller of a request, or undefined without credentials. At once for a bearer token or a
   * cookie; a promise only for HTTP Basic (the password hash). Bad credentials throw (or reject).
   */
  resolve(
    authorization: string | undefined,
    cookieToken: string | undefined,
    client: string,
  ): Principal | undefined | Promise<Principal | undefined> {
    if (authorization) {
      const [scheme, value = ''] = authorization.split(' ', 2);
      if (scheme?.toLowerCase() === 'basic') {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i < 0) throw new DomainError('UNAUTHENTICATED', 'Malformed HTTP Basic credentials');
        return this.verify(decoded.slice(0, i), decoded.slice(i + 1), client).then((who): Principal =>
          Object.assign({}, who, { via: 'basic' as const, sessionName: `${who.user}:basic` }),
        );
      }
      if (scheme?.toLowerCase() === 'bearer') {
        const principal = this.fromLogin(value, 'bearer');
        const known = (p: Principal | undefined): Principal => {
          if (!p) throw new DomainError('UNAUTHENTICATED', 'The bearer token is unknown or expired; log in again');
          return p;
        };
        return principal instanceof Promise ? principal.then(known) : known(principal);
      }
      throw new DomainError('UNAUTHENTICATED', `Unsupported authorization scheme "${scheme}"; use Basic or Bearer`);
    }
    return cookieToken ? this.fromLogin(cookieToken, 'cookie') : undefined;
  }

  /**
   * The login of a token: at once when known here (the Integrator's hot path costs no round trip);
   * else looked for in the store (a login made on another node), checked against its user as stored.
   */
  private fromLogin(token: string, via: 'bearer' | 'cookie'): Principal | undefined | Promise<Principal | undefined> {
    const s = this.sessions.get(token);
    if (s) return principalOf(s, via);
    return this.sessions.lookup(token).then(async (found) => {
      if (!found) return undefined;
      if (found.fromStore) {
        const user = await this.users.load(found.session.user);
        const ok = user && !user.blocked && user.roles.length > 0 && credentialOf(user) === found.session.credential;
        if (!ok) {
          this.sessions.remove(token);
          return undefined;
        }
        this.apply(user.name, user);
      }
      return principalOf(found.session, via);
    });
  }
}

function principalOf(s: LoginSession, via: 'bearer' | 'cookie'): Principal {
  const base = { user: s.user, roles: s.roles, loginToken: s.token, sessionName: `${s.user}:${s.id}` };
  return via === 'bearer' ? { ...base, via } : { ...base, via, csrfToken: s.csrfToken };
}
