// Package files' lasting facts in the data directory's SQLite file: first creation time and the last save through Flowport, by storage path.
import { KeyedQueue } from '../shared/keyed-queue';
import type { FlowportSave, PackageFileStore } from '../workspace/package-files';
import type { Db } from './database';

interface Row {
  created_at: number;
  saved_by: string | null;
  saved_at: number | null;
  saved_version: string | null;
}

export class SqlitePackageFileStore implements PackageFileStore {
  /** Every listing and load asks; the answers change only through this store, so they are cached. */
  private readonly cache = new Map<string, Row>();
  /** One save of a path at a time: this process is the only one that saves through Flowport here. */
  private readonly saving = new KeyedQueue();
  private readonly select;
  private readonly upsertCreated;
  private readonly upsertSaved;

  constructor(db: Db) {
    this.select = db.prepare('SELECT created_at, saved_by, saved_at, saved_version FROM package_files WHERE path = ?');
    this.upsertCreated = db.prepare(
      `INSERT INTO package_files (path, created_at) VALUES (?, ?)
       ON CONFLICT(path) DO UPDATE SET created_at = MIN(created_at, excluded.created_at)`,
    );
    this.upsertSaved = db.prepare(
      `INSERT INTO package_files (path, created_at, saved_by, saved_at, saved_version) VALUES (@path, @atMs, @user, @atMs, @fileVersion)
       ON CONFLICT(path) DO UPDATE SET saved_by = excluded.saved_by, saved_at = excluded.saved_at,
         saved_version = excluded.saved_version`,
    );
  }

  private row(path: string): Row | undefined {
    let r = this.cache.get(path);
    if (!r) {
      r = this.select.get(path) as Row | undefined;
      if (r) this.cache.set(path, r);
    }
    return r;
  }

  createdAt(path: string, seenCreatedMs: number): number {
    const r = this.row(path);
    if (r && r.created_at <= seenCreatedMs) return r.created_at;
    const created = Math.round(seenCreatedMs);
    this.upsertCreated.run(path, created);
    this.cache.set(path, { ...(r ?? { saved_by: null, saved_at: null, saved_version: null }), created_at: created });
    return created;
  }

  lastSave(path: string): FlowportSave | undefined {
    const r = this.row(path);
    if (!r || r.saved_by === null || r.saved_at === null || r.saved_version === null) return undefined;
    return { user: r.saved_by, atMs: r.saved_at, fileVersion: r.saved_version };
  }

  /** Another process committed to the file: what is cached may be old. */
  forget(): void {
    this.cache.clear();
  }

  save(path: string, write: () => Promise<FlowportSave>): Promise<void> {
    return this.saving.run(path, async () => {
      this.cache.delete(path); // read afresh from the file
      const save = await write();
      this.upsertSaved.run({ path, ...save, atMs: Math.round(save.atMs) });
      this.cache.delete(path);
    });
  }
}
