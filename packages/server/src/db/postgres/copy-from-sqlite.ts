// Copies a single server's SQLite state (users, parameters, audit log, execution history, package files' records) into an empty PostgreSQL database, in one transaction.
import { existsSync } from 'node:fs';
import { DatabaseError, openDatabase } from '../database';
import { inTransaction, migrate, notify, openPool } from './pg-database';

export interface CopyCounts {
  users: number;
  parameters: number;
  auditEntries: number;
  executions: number;
  packageFiles: number;
}

/**
 * Refuses a database that has users or audit entries already: merging two servers' users would
 * silently pick one password of two. The audit entries keep their ids (and so their order), and
 * new ones follow them. Logins are not copied: everyone logs in once more on the cluster.
 */
export async function copyFromSqlite(file: string, url: string): Promise<CopyCounts> {
  if (!existsSync(file)) throw new DatabaseError(`There is no Flowport database at ${file}`);
  const sqlite = openDatabase(file);
  const pool = await openPool(url, () => {});
  try {
    await migrate(pool);
    const users = sqlite.prepare('SELECT * FROM users ORDER BY name').all() as Record<string, unknown>[];
    const params = sqlite.prepare('SELECT * FROM parameters').all() as Record<string, string>[];
    const audit = sqlite.prepare('SELECT * FROM audit_log ORDER BY id').all() as Record<string, unknown>[];
    // In their order (seq), so the copied history lists newest first as it did, and new rows follow it.
    const executions = sqlite.prepare('SELECT * FROM executions ORDER BY seq').all() as Record<string, unknown>[];
    // The storage moves with them (it becomes the cluster's mount): Created and who saved last stay.
    const files = sqlite.prepare('SELECT * FROM package_files ORDER BY path').all() as Record<string, unknown>[];
    return await inTransaction(pool, async (c) => {
      const { rows } = await c.query<{ users: string; audit: string }>(
        'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM audit_log) AS audit',
      );
      if (Number(rows[0]!.users) > 0 || Number(rows[0]!.audit) > 0)
        throw new DatabaseError(
          'The PostgreSQL database has users or audit entries already; copy into a new, empty database (before any node starts on it)',
        );
      for (const u of users)
        await c.query(
          `INSERT INTO users(name, password_hash, roles, blocked, created_at, updated_at, last_login_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [u.name, u.password_hash, u.roles, u.blocked === 1, u.created_at, u.updated_at, u.last_login_at],
        );
      for (const p of params)
        await c.query(
          `INSERT INTO parameters(key, value, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
          [p.key, p.value, p.updated_at],
        );
      for (const e of audit)
        await c.query(
          'INSERT INTO audit_log(id, at, actor, action, target, outcome, details) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [e.id, e.at, e.actor, e.action, e.target, e.outcome, e.details],
        );
      await c.query(
        "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), GREATEST((SELECT max(id) FROM audit_log), 1))",
      );
      for (const x of executions)
        await c.query(
          `INSERT INTO executions(id, "user", kind, package, path, node, started_at, ended_at, outcome, error, stop_reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            x.id,
            x.user,
            x.kind,
            x.package,
            x.path,
            x.node,
            x.started_at,
            x.ended_at,
            x.outcome,
            x.error,
            x.stop_reason,
          ],
        );
      for (const f of files)
        await c.query(
          'INSERT INTO package_files(path, created_at, saved_by, saved_at, saved_version) VALUES ($1, $2, $3, $4, $5)',
          [f.path, f.created_at, f.saved_by, f.saved_at, f.saved_version],
        );
      await notify(c, { kind: 'users' });
      await notify(c, { kind: 'parameters' });
      return {
        users: users.length,
        parameters: params.length,
        auditEntries: audit.length,
        executions: executions.length,
        packageFiles: files.length,
      };
    });
  } finally {
    sqlite.close();
    await pool.end();
  }
}
