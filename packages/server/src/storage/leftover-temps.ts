// Finds and removes the temporary files of atomic writes that a killed process left behind.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TEMP_NAME_RE } from './atomic-write';

/** A temp file of another live process younger than this may be a write in progress: it is left alone. */
const IN_PROGRESS_MS = 10 * 60_000;

export interface LeftoverCleanup {
  removed: string[];
  /** Temp files of another running process, young enough to be a write in progress. */
  kept: string[];
  failed: { file: string; error: string }[];
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // not written yet (this runs at start): a process before us had our pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes, in `folder` and every folder below it (symbolic links are not followed), the files named
 * as the atomic writer names its temporary files, and nothing else. Called at start, before anything
 * is written: each such file is what a killed save left, the saved file itself being intact.
 */
export async function removeLeftoverTemps(folder: string, now = Date.now()): Promise<LeftoverCleanup> {
  const result: LeftoverCleanup = { removed: [], kept: [], failed: [] };
  const pending = [folder];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        result.failed.push({ file: dir, error: (err as Error).message });
      continue;
    }
    for (const e of entries) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) {
        pending.push(file);
        continue;
      }
      const match = e.isFile() ? TEMP_NAME_RE.exec(e.name) : null;
      if (!match) continue;
      try {
        if (alive(Number(match[1])) && now - (await fs.stat(file)).mtimeMs < IN_PROGRESS_MS) {
          result.kept.push(file);
          continue;
        }
        await fs.rm(file, { force: true });
        result.removed.push(file);
      } catch (err) {
        result.failed.push({ file, error: (err as Error).message });
      }
    }
  }
  return result;
}
