// `flowport migrate-data --from DATA_DIR --to postgres://…`: moves a single server's users, parameters, audit log, execution history and package files' records into a cluster's database.
import path from 'node:path';
import { dataPaths } from '../data-dir';
import { copyFromSqlite } from '../db/postgres/copy-from-sqlite';
import { parse, UsageError } from './args';

export const MIGRATE_DATA_HELP = `Usage: flowport migrate-data --from DATA_DIR --to postgres://user:password@host:5432/db

Copies the users (with their password hashes, roles and blocks), the server parameters, the audit
log, the execution history and the package files' records (Created, who saved last) of a single
server's data directory into a new, empty PostgreSQL database, in one transaction.
Stop the server first; logins are not copied (everyone logs in again). The PostgreSQL URL may also
come from FLOWPORT_DATABASE_URL.
`;

export async function migrateDataCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { from: { type: 'string' }, to: { type: 'string' } }, false);
  if (values.help) {
    process.stdout.write(MIGRATE_DATA_HELP);
    return 0;
  }
  const from = values.from as string | undefined;
  const to = (values.to as string | undefined) ?? process.env.FLOWPORT_DATABASE_URL;
  if (!from) throw new UsageError('give the data directory to copy from with --from DATA_DIR');
  if (!to || !/^postgres(ql)?:\/\/./.test(to)) throw new UsageError('give the database with --to postgres://…');
  const counts = await copyFromSqlite(dataPaths(path.resolve(from)).database, to);
  process.stdout.write(
    `Copied ${counts.users} users, ${counts.parameters} parameters, ${counts.auditEntries} audit entries, ${counts.executions} executions and ${counts.packageFiles} package file records.\n`,
  );
  return 0;
}
