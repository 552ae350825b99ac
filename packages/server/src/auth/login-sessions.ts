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
  createdAt: number;
  lastSeenAt: number;
}

const IDLE_LIMIT_MS = 12 * 60 * 60 * 1000;

export class LoginSessions {
  private readonly byToken = new Map<string, LoginSession>();

  constructor(private readonly clock: Clock) {}

  create(user: string, roles: Role[]): LoginSession {
    const now = this.clock.now();
    const s: LoginSession = {
      token: randomBytes(32).toString('base64url'),
      id: randomId(),
      csrfToken: randomBytes(24).toString('base64url'),
      user,
      roles,
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

  /** Ends every login of a user (blocked, removed) or updates their roles. */
  updateUser(user: string, roles: Role[] | null): void {
    for (const [t, s] of this.byToken) {
      if (s.user !== user) continue;
      if (roles === null || roles.length === 0) this.byToken.delete(t);
      else s.roles = roles;
    }
  }
}
