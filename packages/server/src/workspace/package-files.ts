// The port of the package files' lasting facts by storage path (first creation, last save through Flowport), as the Studio's saves use it.

/** The last save of a file made through Flowport (the Studio), to name who changed it. */
export interface FlowportSave {
  user: string;
  atMs: number;
  fileVersion: string;
}

/**
 * Stored on SQLite (db/sqlite-package-file-store.ts) or, for every node of a cluster, PostgreSQL
 * (db/postgres/package-file-store.ts). The reads are synchronous (every listing and load asks) and
 * answered from a cache; a save's record is awaited.
 */
export interface PackageFileStore {
  /** The creation time kept for `path`, recording `seenCreatedMs` when the path is new (or earlier). */
  createdAt(path: string, seenCreatedMs: number): number;
  /** The last save of `path` through Flowport, as known here. */
  lastSave(path: string): FlowportSave | undefined;
  /**
   * Runs `write` as the only save of `path` on every node (in a cluster, under a lock in the
   * PostgreSQL transaction that records it), and records the save it returns before letting go.
   * Before `write` runs, the record of `path` is read afresh, so that `createdAt` and `lastSave`
   * inside it answer what is stored, not what this node heard of: the version check made in
   * `write` holds against every node's saves. A `write` that throws records nothing.
   */
  save(path: string, write: () => Promise<FlowportSave>): Promise<void>;
}
