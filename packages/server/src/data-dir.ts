// Lays out the data directory and seeds an empty file storage with the examples.
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Where everything of a data directory lives. */
export interface DataPaths {
  root: string;
  storage: string;
  database: string;
  logs: string;
  backups: string;
  scratch: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    storage: path.join(root, 'storage'),
    database: path.join(root, 'flowport.db'),
    logs: path.join(root, 'logs'),
    backups: path.join(root, 'backups'),
    scratch: path.join(root, 'scratch'),
  };
}

/** Creates missing folders; copies the examples into the storage only when the storage is new or empty. */
export function prepareDataDir(paths: DataPaths, examplesDir: string | null): { seeded: boolean } {
  for (const dir of [paths.root, paths.logs, paths.backups, paths.scratch]) mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(paths.storage) || readdirSync(paths.storage).length === 0;
  mkdirSync(paths.storage, { recursive: true });
  if (fresh && examplesDir && existsSync(examplesDir)) {
    cpSync(examplesDir, paths.storage, { recursive: true });
    return { seeded: true };
  }
  return { seeded: false };
}
