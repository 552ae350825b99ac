// Writes a file so that readers see the old content or the new one, never a half-written file.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Names of the temporary files written here: `.<target name>.<pid>-<8 hex>.tmp` (removed at start if left over). */
export const TEMP_NAME_RE = /^\..*\.(\d+)-[0-9a-f]{8}\.tmp$/s;

/** The longest file name file systems take, in bytes; the temporary name must fit too. */
const NAME_MAX = 255;

/**
 * The temporary name used beside `target`; hidden (leading dot) and ending in .tmp so watchers skip
 * it. The target's name is shortened in it when needed: a name of 255 bytes is allowed, its temp is longer.
 */
export function tempNameFor(target: string): string {
  const suffix = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  let base = path.basename(target);
  const room = NAME_MAX - 1 - Buffer.byteLength(suffix);
  if (Buffer.byteLength(base) > room)
    base = Buffer.from(base)
      .subarray(0, room)
      .toString('utf8')
      .replace(/\uFFFD+$/, '');
  return path.join(path.dirname(target), `.${base}${suffix}`);
}

/** Temp file in the same folder (same file system, so rename is atomic), fsync, rename, fsync the folder. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const temp = tempNameFor(target);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Makes the rename durable; some file systems refuse to open folders, which is harmless. */
async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
