// Per-user limits: how many Studio sessions a user, and how many packages one session, may have open.
import { topRole, type Role, type ServerParameters } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';

/** The limits, by the keys of the server parameters that set them (named so in the errors). */
export type UserLimits = Pick<
  ServerParameters,
  'userSessionLimit' | 'adminSessionLimit' | 'sessionPackageLimit' | 'adminSessionPackageLimit'
>;

export const NO_USER_LIMITS: UserLimits = {
  userSessionLimit: Infinity,
  adminSessionLimit: Infinity,
  sessionPackageLimit: Infinity,
  adminSessionPackageLimit: Infinity,
};

/** Who a limit is for, as the refusal says it: administrators have limits of their own. */
const GROUP: Record<Role, string> = {
  admin: 'administrators',
  design: 'workflow designers',
  view: 'report viewers',
  batch: 'batch users',
};

function groupOf(roles: readonly Role[]): string {
  const top = topRole(roles);
  return top ? GROUP[top] : 'users without a role';
}

/** Refuses one more Studio session to a user who already has `open` of them. */
export function checkSessionLimit(open: number, roles: readonly Role[], limits: UserLimits): void {
  const key = roles.includes('admin') ? 'adminSessionLimit' : 'userSessionLimit';
  const max = limits[key];
  if (open < max) return;
  throw new DomainError(
    'LIMIT_REACHED',
    `You have ${open} open sessions (the limit is ${max} for ${groupOf(roles)}); close one in the Studio ` +
      `or ask an administrator to raise the server parameter ${key}`,
    { limit: key, open, max },
  );
}

/** Refuses one more package to a Studio session that already has `open` of its own. */
export function checkPackageLimit(open: number, roles: readonly Role[], limits: UserLimits): void {
  const key = roles.includes('admin') ? 'adminSessionPackageLimit' : 'sessionPackageLimit';
  const max = limits[key];
  if (open < max) return;
  throw new DomainError(
    'LIMIT_REACHED',
    `This session has ${open} open packages (the limit is ${max} per session for ${groupOf(roles)}); ` +
      `close one before opening another, or ask an administrator to raise the server parameter ${key}`,
    { limit: key, open, max },
  );
}
