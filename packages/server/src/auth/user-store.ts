// Users and their roles in SQLite.
import { isRole, sortRoles, type Role, type UserDto } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import type { Db } from '../db/database';
import { applyChange, type PreparedChange } from '../db/prepared-change';
import { hashPassword } from './password';

interface UserRow {
  name: string;
  password_hash: string;
  roles: string;
  blocked: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface StoredUser extends UserDto {
  passwordHash: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function toUser(r: UserRow): StoredUser {
  return {
    name: r.name,
    roles: sortRoles(JSON.parse(r.roles) as Role[]),
    blocked: r.blocked === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
    passwordHash: r.password_hash,
  };
}

export function publicUser(u: StoredUser): UserDto {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

export function checkRoles(roles: unknown, field = 'roles'): Role[] {
  if (!Array.isArray(roles) || !roles.every(isRole)) {
    throw new DomainError('VALIDATION_FAILED', `${field}: must be a list of admin, design, view, batch`, {
      issues: [{ field, message: 'must be a list of admin, design, view, batch' }],
    });
  }
  return sortRoles(roles);
}

export function checkPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || password.length < 8 || password.length > 1024) {
    throw new DomainError('VALIDATION_FAILED', `${field}: must be a string of 8 to 1024 characters`, {
      issues: [{ field, message: 'must be a string of 8 to 1024 characters' }],
    });
  }
  return password;
}

export interface UserChange {
  roles?: unknown;
  blocked?: unknown;
  password?: unknown;
}

export class UserStore {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  list(): StoredUser[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as UserRow[]).map(toUser);
  }

  find(name: string): StoredUser | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  get(name: string): StoredUser {
    const u = this.find(name);
    if (!u) throw new DomainError('USER_NOT_FOUND', `No user named "${name}"`);
    return u;
  }

  async create(name: unknown, password: unknown, roles: unknown): Promise<StoredUser> {
    return applyChange(this.db, await this.prepareCreate(name, password, roles));
  }

  async update(name: string, change: UserChange): Promise<StoredUser> {
    return applyChange(this.db, await this.prepareUpdate(name, change));
  }

  remove(name: string): void {
    applyChange(this.db, this.prepareRemove(name));
  }

  /** Checks and hashes now; the returned change inserts the user (refusing a name taken meanwhile). */
  async prepareCreate(name: unknown, password: unknown, roles: unknown): Promise<PreparedChange<StoredUser>> {
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'name: 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
        {
          issues: [{ field: 'name', message: '1-64 letters, digits, ".", "_", "@" or "-"' }],
        },
      );
    }
    const checkedRoles = checkRoles(roles);
    const hash = await hashPassword(checkPassword(password));
    this.refuseTaken(name);
    return {
      write: () => {
        this.refuseTaken(name);
        const now = new Date().toISOString();
        this.db
          .prepare(
            'INSERT INTO users(name, password_hash, roles, blocked, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
          )
          .run(name, hash, JSON.stringify(checkedRoles), now, now);
      },
      done: () => this.get(name),
    };
  }

  /**
   * Checks and hashes now; the returned change applies to the user as stored when it is written, and
   * checks the last administrator there (the hash is awaited between, another change may come first).
   */
  async prepareUpdate(name: string, change: UserChange): Promise<PreparedChange<StoredUser>> {
    this.get(name);
    const roles = change.roles !== undefined ? checkRoles(change.roles) : undefined;
    if (change.blocked !== undefined && typeof change.blocked !== 'boolean') {
      throw new DomainError('VALIDATION_FAILED', 'blocked: must be true or false', {
        issues: [{ field: 'blocked', message: 'must be true or false' }],
      });
    }
    const blocked = change.blocked as boolean | undefined;
    const hash = change.password !== undefined ? await hashPassword(checkPassword(change.password)) : undefined;
    return {
      write: () => {
        const user = this.get(name);
        const nextRoles = roles ?? user.roles;
        const nextBlocked = blocked ?? user.blocked;
        if (this.isActiveAdmin(user) && !(nextRoles.includes('admin') && !nextBlocked)) this.refuseLastAdmin(name);
        this.db
          .prepare('UPDATE users SET roles = ?, blocked = ?, password_hash = ?, updated_at = ? WHERE name = ?')
          .run(
            JSON.stringify(nextRoles),
            nextBlocked ? 1 : 0,
            hash ?? user.passwordHash,
            new Date().toISOString(),
            name,
          );
      },
      done: () => this.get(name),
    };
  }

  prepareRemove(name: string): PreparedChange<void> {
    this.get(name);
    return {
      write: () => {
        if (this.isActiveAdmin(this.get(name))) this.refuseLastAdmin(name);
        this.db.prepare('DELETE FROM users WHERE name = ?').run(name);
      },
      done: () => undefined,
    };
  }

  recordLogin(name: string): void {
    this.db.prepare('UPDATE users SET last_login_at = ? WHERE name = ?').run(new Date().toISOString(), name);
  }

  private isActiveAdmin(u: StoredUser): boolean {
    return u.roles.includes('admin') && !u.blocked;
  }

  /** Refuses to leave no active administrator: `name` is about to stop being one. */
  private refuseLastAdmin(name: string): void {
    if (this.list().filter((u) => this.isActiveAdmin(u)).length <= 1) {
      throw new DomainError('LAST_ADMIN', `"${name}" is the last active administrator; make another one first`);
    }
  }

  private refuseTaken(name: string): void {
    if (this.find(name)) throw new DomainError('USER_EXISTS', `A user named "${name}" exists already`);
  }
}
