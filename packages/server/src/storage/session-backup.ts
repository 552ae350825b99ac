// Writes the unsaved work of a closed session to the session backup folder (outside the storage).
import path from 'node:path';
import { writeFileAtomic } from './atomic-write';

/** Keeps names portable and inside their folder: anything but letters, digits, `.`, `-`, `_` becomes `_`. */
export function safeFileName(name: string, fallback = 'unnamed'): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120);
  return cleaned || fallback;
}

/**
 * Writes `<folder>/<session>/<UTC time>-<name>.pkg.yaml` atomically and returns its absolute path.
 * `folder` is the absolute backup folder of the data directory; `name` is the package name or path.
 */
export async function writeBackup(
  folder: string,
  sessionName: string,
  name: string,
  text: string,
  now = new Date(),
): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const base = safeFileName(name.replace(/\.pkg\.yaml$/, ''));
  const file = path.join(path.resolve(folder), safeFileName(sessionName, 'session'), `${stamp}-${base}.pkg.yaml`);
  await writeFileAtomic(file, text);
  return file;
}
