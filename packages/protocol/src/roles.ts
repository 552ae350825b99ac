// The four fixed roles, most privileged first, and how the most privileged one is picked.

export const ROLES = ['admin', 'design', 'view', 'batch'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administration',
  design: 'Workflow design',
  view: 'Report viewing',
  batch: 'Batch execution',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The most privileged of the given roles, or null when there is none. */
export function topRole(roles: readonly Role[]): Role | null {
  for (const r of ROLES) if (roles.includes(r)) return r;
  return null;
}

/** Roles sorted most privileged first, without duplicates. */
export function sortRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}
