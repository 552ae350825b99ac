// Users and their roles in SQLite (the embedded default).
import { sortRoles, type Role } from '@flowport/protocol';
import type { PreparedChange } from '../core/prepared-change';
import {
  checkNewUser,
  checkUserChange,
  isActiveAdmin,
  refuseLastAdmin,
  userNotFound,
  userTaken,
  type StoredUser,
  type UserChange,
  type UserStore,
} from '../auth/user-store';
import { applySqliteChange, type Db } from './database';

interface UserRow {
  name: string;
  password_hash: string;
  roles: string;
  blocked: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

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

export class SqliteUserStore implements UserStore {
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
    if (!u) throw userNotFound(name);
    return u;
  }

  async load(name: string): Promise<StoredUser | undefined> {
    return this.find(name); // SQLite reads the file itself: nothing is cached
  }

  async refresh(): Promise<void> {}

  async create(name: unknown, password: unknown, roles: unknown): Promise<StoredUser> {
    return applySqliteChange(this.db, await this.prepareCreate(name, password, roles));
  }

  async update(name: string, change: UserChange): Promise<StoredUser> {
    return applySqliteChange(this.db, await this.prepareUpdate(name, change));
  }

  async remove(name: string): Promise<void> {
    applySqliteChange(this.db, this.prepareRemove(name));
  }

  async createFirst(name: string, password: string, roles: Role[]): Promise<boolean> {
    const user = await checkNewUser(name, password, roles);
    return this.db
      .transaction(() => {
        if (this.count() > 0) return false;
        this.insert(user);
        return true;
      })
      .immediate();
  }

  async prepareCreate(name: unknown, password: unknown, roles: unknown): Promise<PreparedChange<StoredUser>> {
    const user = await checkNewUser(name, password, roles);
    if (this.find(user.name)) throw userTaken(user.name);
    return {
      write: () => {
        if (this.find(user.name)) throw userTaken(user.name);
        this.insert(user);
      },
      done: () => this.get(user.name),
    };
  }

  async prepareUpdate(name: string, change: UserChange): Promise<PreparedChange<StoredUser>> {
    this.get(name);
    const { roles, blocked, hash } = await checkUserChange(change);
    return {
      write: () => {
        const user = this.get(name);
        const next = { roles: roles ?? user.roles, blocked: blocked ?? user.blocked };
        refuseLastAdmin(user, next, this.activeAdmins());
        this.db
          .prepare('UPDATE users SET roles = ?, blocked = ?, password_hash = ?, updated_at = ? WHERE name = ?')
          .run(
            JSON.stringify(next.roles),
            next.blocked ? 1 : 0,
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
        refuseLastAdmin(this.get(name), undefined, this.activeAdmins());
        this.db.prepare('DELETE FROM users WHERE name = ?').run(name);
      },
      done: () => undefined,
    };
  }

  recordLogin(name: string): void {
    this.db.prepare('UPDATE users SET last_login_at = ? WHERE name = ?').run(new Date().toISOString(), name);
  }

  private activeAdmins(): number {
    return this.list().filter(isActiveAdmin).length;
  }

  private insert(user: { name: string; hash: string; roles: Role[] }): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        'INSERT INTO users(name, password_hash, roles, blocked, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
      )
      .run(user.name, user.hash, JSON.stringify(user.roles), now, now);
  }
}
