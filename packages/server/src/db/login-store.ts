// Logins kept in SQLite, so a restart of the server does not log everyone out; each write is done before its promise is made.
import type { Role } from '@flowport/protocol';
import type { LoginStore, StoredLogin } from '../auth/login-sessions';
import type { Db } from './database';

interface Row {
  token_hash: string;
  id: string;
  csrf_token: string;
  user: string;
  roles: string;
  credential: string;
  created_at: number;
  last_seen_at: number;
}

export class SqliteLoginStore implements LoginStore {
  private readonly upsert;
  private readonly drop;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO logins (token_hash, id, csrf_token, user, roles, credential, created_at, last_seen_at)
       VALUES (@tokenHash, @id, @csrfToken, @user, @roles, @credential, @createdAt, @lastSeenAt)
       ON CONFLICT(token_hash) DO UPDATE SET roles = excluded.roles, credential = excluded.credential,
         last_seen_at = excluded.last_seen_at`,
    );
    this.drop = db.prepare('DELETE FROM logins WHERE token_hash = ?');
  }

  async all(): Promise<StoredLogin[]> {
    return this.rows(this.db.prepare('SELECT * FROM logins').all() as Row[]);
  }

  async find(tokenHash: string): Promise<StoredLogin | undefined> {
    return this.rows(this.db.prepare('SELECT * FROM logins WHERE token_hash = ?').all(tokenHash) as Row[])[0];
  }

  private rows(rows: Row[]): StoredLogin[] {
    const out: StoredLogin[] = [];
    for (const r of rows) {
      let roles: Role[];
      try {
        roles = JSON.parse(r.roles) as Role[];
      } catch {
        continue; // an unreadable row is a login that ends; the user logs in again
      }
      out.push({
        tokenHash: r.token_hash,
        id: r.id,
        csrfToken: r.csrf_token,
        user: r.user,
        roles,
        credential: r.credential,
        createdAt: r.created_at,
        lastSeenAt: r.last_seen_at,
      });
    }
    return out;
  }

  async put(login: StoredLogin): Promise<void> {
    this.upsert.run({ ...login, roles: JSON.stringify(login.roles) });
  }

  async remove(tokenHash: string): Promise<void> {
    this.drop.run(tokenHash);
  }
}
