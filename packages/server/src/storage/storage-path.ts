// Syntax checks of storage-relative paths, before any file system access.
import { DomainError } from '../core/domain-error';

export const MAX_PATH_LENGTH = 1024;

/**
 * The `/`-separated segments of a storage path, with `.` and empty segments dropped.
 * Refuses what could name something outside the root or be read differently on another system.
 */
export function pathSegments(relPath: string): string[] {
  if (typeof relPath !== 'string')
    throw new DomainError('PATH_INVALID', 'The path must be a string relative to the storage root.');
  if (relPath.length > MAX_PATH_LENGTH) {
    throw new DomainError(
      'PATH_INVALID',
      `The path is ${relPath.length} characters long; the limit is ${MAX_PATH_LENGTH}.`,
      { path: relPath.slice(0, 100) },
    );
  }
  if (relPath.includes('\0')) {
    throw new DomainError('PATH_INVALID', 'The path contains a NUL character; remove it.', { path: relPath });
  }
  if (relPath.includes('\\')) {
    throw new DomainError('PATH_INVALID', `The path "${relPath}" contains a backslash; separate folders with "/".`, {
      path: relPath,
    });
  }
  if (relPath.startsWith('/') || /^[A-Za-z]:/.test(relPath) || relPath.startsWith('~')) {
    throw new DomainError(
      'PATH_OUTSIDE_STORAGE',
      `The path "${relPath}" is absolute; give a path relative to the storage root, e.g. credit/scoring.pkg.yaml.`,
      { path: relPath },
    );
  }
  const segments = relPath.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new DomainError(
      'PATH_OUTSIDE_STORAGE',
      `The path "${relPath}" contains "..", which could leave the file storage; name the file from the storage root instead.`,
      { path: relPath },
    );
  }
  return segments;
}

/** The canonical form of a storage path: segments joined by `/`, no leading slash. */
export function normalizeStoragePath(relPath: string): string {
  return pathSegments(relPath).join('/');
}

export function isPackagePath(relPath: string): boolean {
  return relPath.endsWith('.pkg.yaml');
}
