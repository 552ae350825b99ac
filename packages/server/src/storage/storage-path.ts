// Syntax checks of storage-relative paths, before any file system access.
import { DomainError } from '../shared/domain-error';

export const MAX_PATH_LENGTH = 1024;
/** File systems refuse a longer name (NAME_MAX on Linux and macOS; NTFS counts 255 UTF-16 units). */
export const MAX_SEGMENT_BYTES = 255;
/** The whole path in UTF-8, so the storage root plus it stays well inside PATH_MAX (4096). */
export const MAX_PATH_BYTES = 2048;

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
  const bytes = Buffer.byteLength(relPath, 'utf8');
  if (bytes > MAX_PATH_BYTES) {
    throw new DomainError('PATH_INVALID', `The path is ${bytes} bytes long in UTF-8; the limit is ${MAX_PATH_BYTES}.`, {
      path: relPath.slice(0, 100),
      bytes,
      limit: MAX_PATH_BYTES,
    });
  }
  const segments = relPath.split('/').filter((s) => s !== '' && s !== '.');
  for (const [index, segment] of segments.entries()) {
    const length = Buffer.byteLength(segment, 'utf8');
    if (length > MAX_SEGMENT_BYTES) {
      throw new DomainError(
        'PATH_INVALID',
        `Part ${index + 1} of the path ("${segment.slice(0, 40)}…") is ${length} bytes long; a file or folder name may have at most ${MAX_SEGMENT_BYTES} bytes (UTF-8): choose a shorter name.`,
        { path: relPath.slice(0, 100), segment: index + 1, bytes: length, limit: MAX_SEGMENT_BYTES },
      );
    }
  }
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
