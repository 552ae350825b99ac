// Package files' records in PostgreSQL, one per storage path for every node: cached here for synchronous reads, refreshed on NOTIFY; a save checked and recorded under a lock in one transaction.
import type pg from 'pg';
import { KeyedQueue } from '../../shared/keyed-queue';
import type { FlowportSave, PackageFileStore } from '../../workspace/package-files';
import { CHANNEL, FILE_SAVE_LOCK, inTransaction } from './pg-database';

interface Row {
  path: string;
  created_at: string | number;
  saved_by: string | null;
  saved_at: string | number | null;
  saved_version: string | null;
}

interface Entry {
  createdMs: number;
  save: FlowportSave | undefined;
}

const toEntry = (r: Row): Entry => ({
  createdMs: Number(r.created_at),
  save:
    r.saved_by === null || r.saved_at === null || r.saved_version === null
      ? undefined
      : { user: r.saved_by, atMs: Number(r.saved_at), fileVersion: r.saved_version },
});

/** Announces a path's change in the statement that makes it (inside a transaction: on its commit). */
const announce = (path: string, node: string) =>
  `pg_notify('${CHANNEL}', json_build_object('kind', 'package-file', 'path', ${path}, 'from', ${node}::text)::text)`;

export class PostgresPackageFileStore implements PackageFileStore {
  /** Changed per path by every local write: a re-read begun before one must not overwrite it. */
  private readonly writes = new Map<string, number>();
  /** This node's saves of a path wait here, not each on a pool client of its own. */
  private readonly saving = new KeyedQueue();
  /** Creation times being stored in the background, awaited by `settled` (before the pool closes). */
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly node: string,
    private cache: Map<string, Entry>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** `node` names this process in the announcements, so it does not read its own records again. */
  static async open(pool: pg.Pool, node: string, onError: (err: unknown) => void): Promise<PostgresPackageFileStore> {
    return new PostgresPackageFileStore(pool, node, await readAll(pool), onError);
  }

  createdAt(path: string, seenCreatedMs: number): number {
    const e = this.cache.get(path);
    if (e && e.createdMs <= seenCreatedMs) return e.createdMs;
    const created = Math.round(seenCreatedMs);
    this.set(path, { createdMs: created, save: e?.save });
    // Not awaited (a listing asks synchronously); a node that knew an earlier time keeps it, and it
    // comes back here. A save writes its creation time again, awaited, in its own transaction.
    const write = this.pool
      .query<{ created_at: string }>(
        `WITH w AS (
           INSERT INTO package_files (path, created_at) VALUES ($1, $2)
           ON CONFLICT (path) DO UPDATE SET created_at = LEAST(package_files.created_at, excluded.created_at)
           RETURNING created_at)
         SELECT w.created_at, ${announce('$1::text', '$3')} FROM w`,
        [path, created, this.node],
      )
      .then(({ rows }) => {
        const stored = Number(rows[0]!.created_at);
        const now = this.cache.get(path);
        if (now && stored < now.createdMs) this.set(path, { ...now, createdMs: stored });
      })
      .catch(this.onError)
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
    return created;
  }

  lastSave(path: string): FlowportSave | undefined {
    return this.cache.get(path)?.save;
  }

  save(path: string, write: () => Promise<FlowportSave>): Promise<void> {
    return this.saving.run(path, () =>
      inTransaction(this.pool, async (c) => {
        // Every node's save of this path waits here until the one before has committed its record.
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [FILE_SAVE_LOCK, path]);
        const { rows } = await c.query<Row>('SELECT * FROM package_files WHERE path = $1', [path]);
        const cached = this.cache.get(path);
        if (rows[0]) {
          const stored = toEntry(rows[0]);
          // A creation time seen here and still being stored may be the earlier one.
          const createdMs = Math.min(stored.createdMs, cached?.createdMs ?? Infinity);
          this.set(path, { createdMs, save: stored.save });
        } else if (cached) this.set(path, { ...cached, save: undefined });
        const save = await write();
        const createdMs = this.cache.get(path)?.createdMs ?? Math.round(save.atMs);
        const { rows: saved } = await c.query<Row>(
          `WITH w AS (
             INSERT INTO package_files (path, created_at, saved_by, saved_at, saved_version) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (path) DO UPDATE SET created_at = LEAST(package_files.created_at, excluded.created_at),
               saved_by = excluded.saved_by, saved_at = excluded.saved_at, saved_version = excluded.saved_version
             RETURNING *)
           SELECT w.*, ${announce('w.path', '$6')} FROM w`,
          [path, createdMs, save.user, Math.floor(save.atMs), save.fileVersion, this.node],
        );
        this.set(path, toEntry(saved[0]!));
      }),
    );
  }

  /** Another node announced a change of `path`'s record: it is read again. */
  async heard(path: string, from: string): Promise<void> {
    if (from === this.node) return;
    const before = this.writes.get(path);
    const { rows } = await this.pool.query<Row>('SELECT * FROM package_files WHERE path = $1', [path]);
    if (this.writes.get(path) !== before || !rows[0]) return;
    this.cache.set(path, toEntry(rows[0]));
  }

  /** Every record read again, after announcements were missed. */
  async reload(): Promise<void> {
    const before = new Map(this.writes);
    const all = await readAll(this.pool);
    // What this node wrote meanwhile is newer than what was read.
    for (const [path, n] of this.writes) if (before.get(path) !== n) all.set(path, this.cache.get(path)!);
    this.cache = all;
  }

  /** Resolves once the creation times being stored are stored (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private set(path: string, e: Entry): void {
    this.cache.set(path, e);
    this.writes.set(path, (this.writes.get(path) ?? 0) + 1);
  }
}

async function readAll(db: pg.Pool): Promise<Map<string, Entry>> {
  const { rows } = await db.query<Row>('SELECT * FROM package_files');
  return new Map(rows.map((r) => [r.path, toEntry(r)]));
}
