// Logins kept in PostgreSQL: valid on every node; an ended login is announced so that the other nodes end it too.
import type { Role } from '@flowport/protocol';
import type pg from 'pg';
import type { LoginStore, StoredLogin } from '../../auth/login-sessions';
import { CHANNEL } from './pg-database';

interface Row {
  token_hash: string;
  id: string;
  csrf_token: string;
  user_name: string;
  roles: Role[];
  credential: string;
  created_at: string;
  last_seen_at: string;
}

const toLogin = (r: Row): StoredLogin => ({
  tokenHash: r.token_hash,
  id: r.id,
  csrfToken: r.csrf_token,
  user: r.user_name,
  roles: r.roles,
  credential: r.credential,
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
});

export class PostgresLoginStore implements LoginStore {
  constructor(private readonly pool: pg.Pool) {}

  async all(): Promise<StoredLogin[]> {
    return (await this.pool.query<Row>('SELECT * FROM logins')).rows.map(toLogin);
  }

  async find(tokenHash: string): Promise<StoredLogin | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM logins WHERE token_hash = $1', [tokenHash]);
    return rows[0] && toLogin(rows[0]);
  }

  async put(l: StoredLogin): Promise<void> {
    await this.pool.query(
      `INSERT INTO logins (token_hash, id, csrf_token, user_name, roles, credential, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT(token_hash) DO UPDATE SET roles = excluded.roles, credential = excluded.credential,
         last_seen_at = GREATEST(logins.last_seen_at, excluded.last_seen_at)`,
      [l.tokenHash, l.id, l.csrfToken, l.user, JSON.stringify(l.roles), l.credential, l.createdAt, l.lastSeenAt],
    );
  }

  /** Deletes the row and, when there was one, announces the end in the same statement. */
  async remove(tokenHash: string): Promise<void> {
    await this.pool.query(
      `WITH gone AS (DELETE FROM logins WHERE token_hash = $1 RETURNING token_hash)
       SELECT pg_notify($2, json_build_object('kind', 'login-ended', 'tokenHash', token_hash)::text) FROM gone`,
      [tokenHash, CHANNEL],
    );
  }
}
