// The backups of unsaved work as a catalog: each backup file has a `.json` beside it saying whose, what and why.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BackupDto } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import { writeFileAtomic } from './atomic-write';
import { writeBackup } from './session-backup';

/** What a backup's sidecar records; the folder name alone cannot say (names are made file-safe). */
export interface BackupMeta {
  user: string;
  session: string;
  name: string;
  path: string | null;
  reason: string;
  by: string | null;
}

const META = '.json';

/** Writes the backup and its sidecar; answers the backup's id (`<session folder>/<file>`). */
export async function writeCatalogued(
  folder: string,
  meta: BackupMeta,
  text: string,
  now = new Date(),
): Promise<string> {
  const file = await writeBackup(folder, meta.session, meta.path ?? meta.name, text, now);
  await writeFileAtomic(file + META, JSON.stringify({ ...meta, at: now.toISOString() }));
  return path.relative(path.resolve(folder), file).split(path.sep).join('/');
}

/** Every backup with a readable sidecar, newest first (a backup written before sidecars existed is left out). */
export async function listBackups(folder: string): Promise<BackupDto[]> {
  const root = path.resolve(folder);
  const out: BackupDto[] = [];
  let sessions: string[];
  try {
    sessions = await fs.readdir(root);
  } catch {
    return [];
  }
  for (const dir of sessions) {
    let files: string[];
    try {
      files = await fs.readdir(path.join(root, dir));
    } catch {
      continue; // not a folder
    }
    for (const f of files) {
      if (!f.endsWith('.pkg.yaml')) continue;
      const file = path.join(root, dir, f);
      try {
        const meta = JSON.parse(await fs.readFile(file + META, 'utf8')) as BackupMeta & { at: string };
        const st = await fs.stat(file);
        out.push({
          id: `${dir}/${f}`,
          file: f,
          user: meta.user,
          session: meta.session,
          name: meta.name,
          path: meta.path,
          reason: meta.reason,
          by: meta.by,
          at: meta.at,
          size: st.size,
        });
      } catch {
        // no sidecar or a damaged one: not listed
      }
    }
  }
  return out.sort((a, b) => b.at.localeCompare(a.at));
}

/** The backup of `id`, refused when `id` is not one (no path may leave the backup folder). */
export async function findBackup(folder: string, id: unknown): Promise<BackupDto & { file: string }> {
  if (typeof id !== 'string' || !/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\.pkg\.yaml$/.test(id) || id.includes('..'))
    throw new DomainError('BAD_REQUEST', 'Send the id of a backup as GET /api/backups lists it');
  const found = (await listBackups(folder)).find((b) => b.id === id);
  if (!found) throw new DomainError('NOT_FOUND', `No backup "${id}"; it may have been discarded`);
  return found;
}

export async function readBackup(folder: string, id: string): Promise<string> {
  return fs.readFile(path.join(path.resolve(folder), ...id.split('/')), 'utf8');
}

export async function removeBackup(folder: string, id: string): Promise<void> {
  const file = path.join(path.resolve(folder), ...id.split('/'));
  await fs.rm(file, { force: true });
  await fs.rm(file + META, { force: true });
}
