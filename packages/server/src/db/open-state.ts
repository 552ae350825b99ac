// Opens the shared state the configuration names: PostgreSQL with --database-url, else the data directory's SQLite file.
import type { Db } from './database';
import { openPostgresState, type PostgresStateOptions } from './postgres/postgres-state';
import type { SharedState } from './shared-state';
import { openSqliteState } from './sqlite-state';

export async function openState(
  where: { databaseUrl: string | null; databaseFile: string },
  options: PostgresStateOptions = {},
): Promise<SharedState & { db?: Db }> {
  return where.databaseUrl ? openPostgresState(where.databaseUrl, options) : openSqliteState(where.databaseFile);
}
