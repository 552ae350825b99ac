// Logged-in browser sessions: random cookie tokens with their CSRF token, kept in memory.
import { randomBytes } from 'node:crypto';
import type { Role } from '@flowport/protocol';
import { randomId, type Clock } from '../core/clock';

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

const IDLE_LIMIT_MS = 12 * 60 * 60 * 1000;

export class LoginSessions {
  private readonly byToken = new Map<string, LoginSession>();

  constructor(private readonly clock: Clock) {}

  create(user: string, roles: Role[], credential: string): LoginSession {
    const now = this.clock.now();
    const s: LoginSession = {
      token: randomBytes(32).toString('base64url'),
      id: randomId(),
      csrfToken: randomBytes(24).toString('base64url'),
      user,
      roles,
      credential,
      createdAt: now,
      lastSeenAt: now,
    };
    this.byToken.set(s.token, s);
    return s;
  }

  get(token: string | undefined): LoginSession | undefined {
    if (!token) return undefined;
    const s = this.byToken.get(token);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.lastSeenAt > IDLE_LIMIT_MS) {
      this.byToken.delete(token);
      return undefined;
    }
    s.lastSeenAt = now;
    return s;
  }

  remove(token: string): void {
    this.byToken.delete(token);
  }

  /** The users with at least one login. */
  users(): string[] {
    return [...new Set(Array.from(this.byToken.values(), (s) => s.user))];
  }

  /**
   * Brings a user's logins in line with the user: all end when `roles` is null or empty (blocked,
   * removed), those made with another password end, the others take the roles. Returns how many ended.
   */
  updateUser(user: string, roles: Role[] | null, credential?: string): number {
    let ended = 0;
    for (const [t, s] of this.byToken) {
      if (s.user !== user) continue;
      if (roles === null || roles.length === 0 || (credential !== undefined && s.credential !== credential)) {
        this.byToken.delete(t);
        ended++;
      } else s.roles = roles;
    }
    return ended;
  }

  /** Lets the login `token` of `user` carry on under a new password (the user changed it from there). */
  renew(token: string, user: string, credential: string): void {
    const s = this.byToken.get(token);
    if (s?.user === user) s.credential = credential;
  }
}
