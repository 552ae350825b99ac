// Logging in by password (form, HTTP Basic) and resolving the caller of a request.
import { createHash } from 'node:crypto';
import type { Role } from '@flowport/protocol';
import { DomainError } from '../core/domain-error';
import type { LoginLimiter } from './login-limiter';
import type { LoginSessions } from './login-sessions';
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

export class AuthService {
  constructor(
    private readonly users: UserStore,
    private readonly limiter: LoginLimiter,
    readonly sessions: LoginSessions,
  ) {}

  /**
   * Checks a password. Unknown user and wrong password give the same error and take the same time,
   * so names cannot be enumerated; every failure counts against the account and the client.
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
    const lockedMs = this.limiter.lockedFor(username, client);
    if (lockedMs > 0) {
      throw new DomainError('LOGIN_LOCKED', `Too many failed logins; try again in ${Math.ceil(lockedMs / 1000)} s`, {
        retryAfterSeconds: Math.ceil(lockedMs / 1000),
      });
    }
    const user = this.users.find(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok) {
      this.limiter.fail(username, client);
      throw new DomainError('INVALID_CREDENTIALS', 'Wrong user name or password');
    }
    if (user.blocked)
      throw new DomainError('ACCOUNT_BLOCKED', `The account "${user.name}" is blocked; ask an administrator`);
    if (user.roles.length === 0)
      throw new DomainError('NO_ROLE', `The account "${user.name}" has no role; ask an administrator`);
    this.limiter.succeed(username, client);
    this.users.recordLogin(user.name);
    return user;
  }

  /**
   * Brings a user's logins in line with the stored user after a change: they end when the user was
   * blocked, removed or left without a role, or (each) when the password changed; the others take
   * the stored roles. `keep`, the login the change was made from, survives a change of its own
   * user's password. Returns how many logins ended.
   */
  userChanged(name: string, keep?: string): number {
    const user = this.users.find(name);
    const roles = user && !user.blocked && user.roles.length ? user.roles : null;
    const credential = user && credentialOf(user);
    if (keep && credential) this.sessions.renew(keep, name, credential);
    return this.sessions.updateUser(name, roles, credential);
  }

  /**
   * The same for every user with a login, when another process (`flowport users`) may have changed
   * users. Returns the users who lost logins.
   */
  syncUsers(): string[] {
    return this.sessions.users().filter((name) => this.userChanged(name) > 0);
  }

  async login(username: unknown, password: unknown, client: string) {
    const user = await this.check(username, password, client);
    return this.sessions.create(user.name, user.roles, credentialOf(user));
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
  ): Principal | undefined | Promise<Principal> {
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
        const s = this.sessions.get(value);
        if (!s) throw new DomainError('UNAUTHENTICATED', 'The bearer token is unknown or expired; log in again');
        return { user: s.user, roles: s.roles, via: 'bearer', loginToken: s.token, sessionName: `${s.user}:${s.id}` };
      }
      throw new DomainError('UNAUTHENTICATED', `Unsupported authorization scheme "${scheme}"; use Basic or Bearer`);
    }
    const s = this.sessions.get(cookieToken);
    if (!s) return undefined;
    return {
      user: s.user,
      roles: s.roles,
      via: 'cookie',
      csrfToken: s.csrfToken,
      loginToken: s.token,
      sessionName: `${s.user}:${s.id}`,
    };
  }
}
