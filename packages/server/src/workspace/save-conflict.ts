// A Studio save never silently overwrites: the file must still be the version the designer opened.
import type { FileChange } from '@flowport/protocol';
import { DomainError, isDomainError } from '../shared/domain-error';
import { normalizeStoragePath, type FileStat, type FileStorage } from '../storage';
import type { PackageFileStore } from './package-files';

/** Who made the file as it is now: the last save through Flowport if it made this version, else its mtime. */
export function describeChange(
  files: PackageFileStore | undefined,
  stat: FileStat | undefined,
  path: string,
): FileChange {
  if (!stat) return { savedBy: null, at: null, removed: true };
  const last = files?.lastSave(path);
  if (last && last.fileVersion === stat.fileVersion)
    return { savedBy: last.user, at: new Date(last.atMs).toISOString(), removed: false };
  return { savedBy: null, at: stat.savedAt, removed: false };
}

/** The file's stat now, or undefined when it is gone (a removed file is recreated by the save, overwriting nothing). */
export async function statIfAny(storage: FileStorage, path: string): Promise<FileStat | undefined> {
  try {
    return await storage.stat(path);
  } catch (err) {
    if (isDomainError(err) && err.code === 'FILE_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * Throws SAVE_CONFLICT when the file at `path` is no longer `baseVersion` (like a failed If-Match).
 * A draft's first save, or a save to a file that is gone, has nothing to overwrite.
 */
export async function checkSaveConflict(
  storage: FileStorage,
  files: PackageFileStore | undefined,
  path: string,
  baseVersion: string | null,
): Promise<void> {
  if (baseVersion === null) return;
  const now = await statIfAny(storage, path);
  if (!now || now.fileVersion === baseVersion) return;
  const change = describeChange(files, now, path);
  const who = change.savedBy ? `was saved by ${change.savedBy} at ${change.at}` : `changed on disk at ${change.at}`;
  throw new DomainError(
    'SAVE_CONFLICT',
    `"${path}" ${who}, after you opened it: reload it, overwrite it or save your version under another name`,
    { path, savedBy: change.savedBy, at: change.at, fileVersion: now.fileVersion },
  );
}

/**
 * Writes `text` to `path` unless the file is no longer `baseVersion` (null: no check), as the only
 * save of the path on every node (the check and the write inside the store's hold), and records who
 * saved which version before answering with the file's stat.
 */
export async function saveChecked(
  storage: FileStorage,
  files: PackageFileStore | undefined,
  path: string,
  text: string,
  o: { user: string; baseVersion: string | null },
): Promise<FileStat> {
  const write = async () => {
    await checkSaveConflict(storage, files, path, o.baseVersion);
    return storage.writeText(path, text);
  };
  if (!files) return write();
  let stat: FileStat | undefined;
  await files.save(normalizeStoragePath(path), async () => {
    stat = await write();
    // Whole milliseconds, as the answer's ISO time shows them (mtimeMs has a fraction; PostgreSQL keeps BIGINT).
    return { user: o.user, atMs: Math.floor(stat.savedAtMs), fileVersion: stat.fileVersion };
  });
  return stat!;
}
