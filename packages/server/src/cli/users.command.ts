// `flowport users ...`: manage users in the data directory's database (works while the server runs).
import { ROLES, isRole, type Role } from '@flowport/protocol';
import { publicUser } from '../auth/user-store';
import { loadConfig } from '../config/config';
import { dataPaths } from '../data-dir';
import { openState } from '../db/open-state';
import type { PreparedChange } from '../core/prepared-change';
import { DATA_DIR_OPTION, parse, UsageError } from './args';

export const USERS_HELP = `Usage: flowport users <command> [options] [--data-dir DIR | --database-url URL]

Commands:
  list                               List users with their roles
  add NAME --roles R1,R2 [--password-env VAR]
                                     Add a user; the password is read from VAR or generated and printed
  set-roles NAME R1,R2               Replace a user's roles
  passwd NAME [--password-env VAR]   Set a new password (from VAR, or generated and printed)
  block NAME | unblock NAME          Block or unblock a user
  remove NAME                        Remove a user
Roles: ${ROLES.join(', ')}
`;

function parseRoles(text: string | undefined): Role[] {
  if (!text) throw new UsageError(`give the roles as a comma-separated list of ${ROLES.join(', ')}`);
  const roles = text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length) throw new UsageError(`unknown role(s) ${bad.join(', ')}; use ${ROLES.join(', ')}`);
  return roles as Role[];
}

function passwordFrom(envVar: string | undefined): { password: string; generated: boolean } {
  if (envVar) {
    const v = process.env[envVar];
    if (!v) throw new UsageError(`environment variable ${envVar} is empty or not set`);
    return { password: v, generated: false };
  }
  return {
    password: Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 10),
    generated: true,
  };
}

export async function usersCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...DATA_DIR_OPTION,
    roles: { type: 'string' },
    'password-env': { type: 'string' },
  });
  const [sub, name, extra] = positionals;
  if (values.help || !sub) {
    process.stdout.write(USERS_HELP);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(values as Record<string, string | boolean | undefined>);
  const state = await openState({ databaseUrl: config.databaseUrl, databaseFile: dataPaths(config.dataDir).database });
  const { users, audit } = state;
  const need = () => {
    if (!name) throw new UsageError(`"users ${sub}" needs a user name`);
    return name;
  };
  // The change and its audit entry in one transaction; a refusal (the last administrator) is recorded too.
  const audited = <T>(
    action: string,
    details: Record<string, unknown> | null,
    prepare: () => PreparedChange<T> | Promise<PreparedChange<T>>,
  ) => audit.attempt({ actor: 'cli', action, target: need(), details }, prepare);
  try {
    switch (sub) {
      case 'list':
        for (const u of users.list().map(publicUser)) {
          process.stdout.write(
            `${u.name.padEnd(24)} ${u.roles.join(',').padEnd(24)} ${u.blocked ? 'blocked' : 'active'}\n`,
          );
        }
        return 0;
      case 'add': {
        const { password, generated } = passwordFrom(values['password-env'] as string | undefined);
        const roles = parseRoles(values.roles as string | undefined);
        await audited('user.create', { roles }, () => users.prepareCreate(need(), password, roles));
        process.stdout.write(`User ${need()} added.${generated ? ` Password: ${password}` : ''}\n`);
        return 0;
      }
      case 'set-roles': {
        const roles = parseRoles(extra ?? (values.roles as string | undefined));
        await audited('user.update', { roles }, () => users.prepareUpdate(need(), { roles }));
        process.stdout.write(`Roles of ${need()} set.\n`);
        return 0;
      }
      case 'passwd': {
        const { password, generated } = passwordFrom(values['password-env'] as string | undefined);
        await audited('user.update', { passwordReset: true }, () => users.prepareUpdate(need(), { password }));
        process.stdout.write(`Password of ${need()} changed.${generated ? ` New password: ${password}` : ''}\n`);
        return 0;
      }
      case 'block':
      case 'unblock':
        await audited('user.update', { blocked: sub === 'block' }, () =>
          users.prepareUpdate(need(), { blocked: sub === 'block' }),
        );
        process.stdout.write(`User ${need()} ${sub}ed.\n`);
        return 0;
      case 'remove':
        await audited('user.remove', null, () => users.prepareRemove(need()));
        process.stdout.write(`User ${need()} removed.\n`);
        return 0;
      default:
        throw new UsageError(`unknown command "users ${sub}"; see flowport users --help`);
    }
  } finally {
    await state.close();
  }
}
