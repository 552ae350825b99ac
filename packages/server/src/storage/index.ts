// Public surface of the file storage.
export { FileStorage, DEFAULT_READ_LIMIT, type FileStat } from './file-storage';
export { StorageWatcher, type StorageWatcherEvents, type StorageWatcherOptions } from './storage-watcher';
export { writeBackup, safeFileName } from './session-backup';
export { writeFileAtomic } from './atomic-write';
export { removeLeftoverTemps, type LeftoverCleanup } from './leftover-temps';
export { pathSegments, normalizeStoragePath, isPackagePath } from './storage-path';
export { writeCatalogued, listBackups, findBackup, readBackup, removeBackup, type BackupMeta } from './backup-catalog';
