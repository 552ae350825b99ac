// Users and their roles: the store port the auth code uses (implemented in db/ for SQLite and db/postgres/), and the checks both apply.
import { isRole, sortRoles, type Role, type UserDto } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import type { PreparedChange } from '../core/prepared-change';
import { hashPassword } from './password';

export interface StoredUser extends UserDto {
  passwordHash: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

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

/**
 * Where users are kept. Reads are synchronous (SQLite reads its file; PostgreSQL a cache of every
 * user kept fresh by NOTIFY), so a request's checks cost no round trip; `load` reads the database
 * itself (a password login, where a user added on another node a moment ago must be found).
 */
export interface UserStore {
  count(): number;
  list(): StoredUser[];
  find(name: string): StoredUser | undefined;
  get(name: string): StoredUser;
  /** The user as stored now, not as cached. */
  load(name: string): Promise<StoredUser | undefined>;
  /** Reads every user again (after another process or node changed some). */
  refresh(): Promise<void>;
  create(name: unknown, password: unknown, roles: unknown): Promise<StoredUser>;
  update(name: string, change: UserChange): Promise<StoredUser>;
  remove(name: string): Promise<void>;
  /** Creates the user only while there is none at all, atomically: of two nodes starting at once one does. */
  createFirst(name: string, password: string, roles: Role[]): Promise<boolean>;
  prepareCreate(name: unknown, password: unknown, roles: unknown): Promise<PreparedChange<StoredUser>>;
  /**
   * Checks and hashes now; the returned change applies to the user as stored when it is written, and
   * checks the last administrator there (the hash is awaited between, another change may come first).
   */
  prepareUpdate(name: string, change: UserChange): Promise<PreparedChange<StoredUser>>;
  prepareRemove(name: string): PreparedChange<void>;
  recordLogin(name: string): void;
}

/** A new user's fields checked and the password hashed, before anything is written. */
export async function checkNewUser(
  name: unknown,
  password: unknown,
  roles: unknown,
): Promise<{ name: string; hash: string; roles: Role[] }> {
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
  return { name, hash, roles: checkedRoles };
}

/** A change's fields checked and a new password hashed, before anything is written. */
export async function checkUserChange(
  change: UserChange,
): Promise<{ roles?: Role[]; blocked?: boolean; hash?: string }> {
  const roles = change.roles !== undefined ? checkRoles(change.roles) : undefined;
  if (change.blocked !== undefined && typeof change.blocked !== 'boolean') {
    throw new DomainError('VALIDATION_FAILED', 'blocked: must be true or false', {
      issues: [{ field: 'blocked', message: 'must be true or false' }],
    });
  }
  const hash = change.password !== undefined ? await hashPassword(checkPassword(change.password)) : undefined;
  return { roles, blocked: change.blocked as boolean | undefined, hash };
}

export const isActiveAdmin = (u: Pick<StoredUser, 'roles' | 'blocked'>): boolean =>
  u.roles.includes('admin') && !u.blocked;

/**
 * Refuses to leave no active administrator: `user`, as stored inside the change's transaction, is
 * about to become `next` (undefined: removed); `activeAdmins` counts them there.
 */
export function refuseLastAdmin(
  user: StoredUser,
  next: Pick<StoredUser, 'roles' | 'blocked'> | undefined,
  activeAdmins: number,
): void {
  if (!isActiveAdmin(user) || (next && isActiveAdmin(next))) return;
  if (activeAdmins <= 1)
    throw new DomainError('LAST_ADMIN', `"${user.name}" is the last active administrator; make another one first`);
}

export const userTaken = (name: string) => new DomainError('USER_EXISTS', `A user named "${name}" exists already`);
export const userNotFound = (name: string) => new DomainError('USER_NOT_FOUND', `No user named "${name}"`);
