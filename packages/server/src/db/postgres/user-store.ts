// Users and their roles in PostgreSQL: every user cached here for synchronous reads, the cache refreshed on NOTIFY.
import { sortRoles, type Role } from '@flowport/protocol';
import type pg from 'pg';
import type { PreparedChange, Tx } from '../../core/prepared-change';
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
} from '../../auth/user-store';
import { clientOf, inTransaction, notify, USERS_LOCK } from './pg-database';

interface UserRow {
  name: string;
  password_hash: string;
  roles: Role[];
  blocked: boolean;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

const toUser = (r: UserRow): StoredUser => ({
  name: r.name,
  roles: sortRoles(r.roles),
  blocked: r.blocked,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastLoginAt: r.last_login_at,
  passwordHash: r.password_hash,
});

async function readAll(db: pg.Pool | pg.ClientBase): Promise<Map<string, StoredUser>> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users ORDER BY name');
  return new Map(rows.map((r) => [r.name, toUser(r)]));
}

/** Inside a user change's transaction: other changes of users wait, so the last-administrator check holds. */
async function lockUsers(c: pg.ClientBase): Promise<Map<string, StoredUser>> {
  await c.query('SELECT pg_advisory_xact_lock($1)', [USERS_LOCK]);
  return readAll(c);
}

const activeAdmins = (users: Map<string, StoredUser>) => [...users.values()].filter(isActiveAdmin).length;

export class PostgresUserStore implements UserStore {
  private constructor(
    private readonly pool: pg.Pool,
    private cache: Map<string, StoredUser>,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async open(pool: pg.Pool, onError: (err: unknown) => void): Promise<PostgresUserStore> {
    return new PostgresUserStore(pool, await readAll(pool), onError);
  }

  count(): number {
    return this.cache.size;
  }

  list(): StoredUser[] {
    return [...this.cache.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  find(name: string): StoredUser | undefined {
    return this.cache.get(name);
  }

  get(name: string): StoredUser {
    const u = this.find(name);
    if (!u) throw userNotFound(name);
    return u;
  }

  async load(name: string): Promise<StoredUser | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE name = $1', [name]);
    const user = rows[0] && toUser(rows[0]);
    if (user) this.cache.set(name, user);
    else this.cache.delete(name);
    return user;
  }

  async refresh(): Promise<void> {
    this.cache = await readAll(this.pool);
  }

  async create(name: unknown, password: unknown, roles: unknown): Promise<StoredUser> {
    return this.apply(await this.prepareCreate(name, password, roles));
  }

  async update(name: string, change: UserChange): Promise<StoredUser> {
    return this.apply(await this.prepareUpdate(name, change));
  }

  async remove(name: string): Promise<void> {
    return this.apply(this.prepareRemove(name));
  }

  async createFirst(name: string, password: string, roles: Role[]): Promise<boolean> {
    const user = await checkNewUser(name, password, roles);
    const created = await inTransaction(this.pool, async (c) => {
      if ((await lockUsers(c)).size > 0) return undefined;
      return this.insert(c, user);
    });
    if (created) this.cache.set(created.name, created);
    return created !== undefined;
  }

  async prepareCreate(name: unknown, password: unknown, roles: unknown): Promise<PreparedChange<StoredUser>> {
    const user = await checkNewUser(name, password, roles);
    if (await this.load(user.name)) throw userTaken(user.name);
    let created: StoredUser | undefined;
    return {
      write: async (tx) => {
        const c = clientOf(tx);
        if ((await lockUsers(c)).has(user.name)) throw userTaken(user.name);
        created = await this.insert(c, user);
      },
      done: () => {
        this.cache.set(created!.name, created!);
        return created!;
      },
    };
  }

  async prepareUpdate(name: string, change: UserChange): Promise<PreparedChange<StoredUser>> {
    if (!(await this.load(name))) throw userNotFound(name);
    const { roles, blocked, hash } = await checkUserChange(change);
    let updated: StoredUser | undefined;
    return {
      write: async (tx) => {
        const c = clientOf(tx);
        const users = await lockUsers(c);
        const user = users.get(name);
        if (!user) throw userNotFound(name);
        const next = { roles: roles ?? user.roles, blocked: blocked ?? user.blocked };
        refuseLastAdmin(user, next, activeAdmins(users));
        const { rows } = await c.query<UserRow>(
          'UPDATE users SET roles = $1, blocked = $2, password_hash = $3, updated_at = $4 WHERE name = $5 RETURNING *',
          [JSON.stringify(next.roles), next.blocked, hash ?? user.passwordHash, new Date().toISOString(), name],
        );
        updated = toUser(rows[0]!);
        await notify(c, { kind: 'users' });
      },
      done: () => {
        this.cache.set(name, updated!);
        return updated!;
      },
    };
  }

  prepareRemove(name: string): PreparedChange<void> {
    this.get(name);
    return {
      write: async (tx: Tx) => {
        const c = clientOf(tx);
        const users = await lockUsers(c);
        const user = users.get(name);
        if (!user) throw userNotFound(name);
        refuseLastAdmin(user, undefined, activeAdmins(users));
        await c.query('DELETE FROM users WHERE name = $1', [name]);
        await notify(c, { kind: 'users' });
      },
      done: () => {
        this.cache.delete(name);
      },
    };
  }

  recordLogin(name: string): void {
    const at = new Date().toISOString();
    const cached = this.cache.get(name);
    if (cached) this.cache.set(name, { ...cached, lastLoginAt: at });
    // Not announced: the other nodes need not hear of it; its failure loses only the time shown.
    this.pool.query('UPDATE users SET last_login_at = $1 WHERE name = $2', [at, name]).catch(this.onError);
  }

  private async apply<T>(change: PreparedChange<T>): Promise<T> {
    await inTransaction(this.pool, (c) => Promise.resolve(change.write(c)));
    return change.done();
  }

  private async insert(c: pg.ClientBase, user: { name: string; hash: string; roles: Role[] }): Promise<StoredUser> {
    const now = new Date().toISOString();
    const { rows } = await c.query<UserRow>(
      'INSERT INTO users(name, password_hash, roles, blocked, created_at, updated_at) VALUES ($1, $2, $3, false, $4, $5) RETURNING *',
      [user.name, user.hash, JSON.stringify(user.roles), now, now],
    );
    await notify(c, { kind: 'users' });
    return toUser(rows[0]!);
  }
}
