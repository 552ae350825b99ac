// The file storage: every access confined to one root folder (no `..`, absolute paths or symlinks out).
import { mkdirSync, promises as fs, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { StorageEntry, StorageListing } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import { writeFileAtomic } from './atomic-write';
import { isPackagePath, normalizeStoragePath, pathSegments } from './storage-path';

/** Default limit for readText: package files are small; anything larger is refused unread. */
export const DEFAULT_READ_LIMIT = 5 * 1024 * 1024;

export interface FileStat {
  /** Canonical storage path. */
  path: string;
  size: number;
  /** ISO time the file was first created under this path (kept across atomic saves when a store is given). */
  createdAt: string;
  /** ISO time of the last save (modification time). */
  savedAt: string;
  createdAtMs: number;
  savedAtMs: number;
  /** Changes whenever the file is replaced or modified; atomic saves always change it (new inode). */
  fileVersion: string;
}

/** How many checked storage paths `versionNow` remembers (every Integrator call checks one). */
const LEXICAL_PATHS = 1024;

export class FileStorage {
  /** Absolute real path of the root, without a trailing separator. */
  readonly root: string;
  /** Storage paths as given → canonical and absolute lexical path (pure string work, asked per call). */
  private readonly lexical = new Map<string, { rel: string; abs: string }>();

  /**
   * `created` keeps the creation time of a path across saves: an atomic save renames a new file over
   * the old one, so its birth time is the save's. Carrying the birth time through the rename is not
   * possible (no system call sets it), so the first time seen under a path is remembered instead.
   */
  constructor(
    root: string,
    private readonly created?: (path: string, seenCreatedMs: number) => number,
  ) {
    if (!path.isAbsolute(root))
      throw new DomainError('PATH_INVALID', `The storage root "${root}" must be an absolute path.`);
    mkdirSync(root, { recursive: true });
    this.root = realpathSync(root);
  }

  /**
   * The absolute real path for a storage path. The file need not exist; its nearest existing
   * ancestor is resolved through symlinks and must stay inside the root.
   */
  async resolve(relPath: string): Promise<string> {
    const segments = pathSegments(relPath);
    const remainder: string[] = [];
    let existing = path.join(this.root, ...segments);
    for (;;) {
      try {
        const real = await fs.realpath(existing);
        if (real !== this.root && !real.startsWith(this.root + path.sep)) {
          throw new DomainError(
            'PATH_OUTSIDE_STORAGE',
            `The path "${relPath}" leads outside the file storage through a symbolic link; use a path to a file inside the storage.`,
            { path: relPath },
          );
        }
        return remainder.length ? path.join(real, ...remainder.reverse()) : real;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw mapFsError(err, relPath);
        if (existing === this.root) throw err; // the root itself vanished
        remainder.push(path.basename(existing));
        existing = path.dirname(existing);
      }
    }
  }

  /** The storage path of an absolute path inside the root, or undefined when outside. */
  relative(absPath: string): string | undefined {
    const rel = path.relative(this.root, absPath);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  async list(dir = ''): Promise<StorageListing> {
    const base = normalizeStoragePath(dir);
    const abs = await this.resolve(base);
    let dirents;
    try {
      dirents = await fs.readdir(abs, { withFileTypes: true });
    } catch (err) {
      throw mapFsError(err, base);
    }
    const entries: StorageEntry[] = [];
    for (const d of dirents) {
      if (d.name.startsWith('.')) continue; // temp files of atomic saves, dot folders
      const rel = base ? `${base}/${d.name}` : d.name;
      let st: Stats;
      try {
        st = await fs.stat(await this.resolve(rel));
      } catch {
        continue; // broken links and links out of the root are not shown
      }
      if (st.isDirectory())
        entries.push({ name: d.name, path: rel, type: 'folder', modifiedAt: st.mtime.toISOString() });
      else if (st.isFile()) {
        entries.push({
          name: d.name,
          path: rel,
          type: isPackagePath(d.name) ? 'package' : 'file',
          size: st.size,
          modifiedAt: st.mtime.toISOString(),
        });
      }
    }
    const rank = { folder: 0, package: 1, file: 2 } as const;
    entries.sort((a, b) => rank[a.type] - rank[b.type] || a.name.localeCompare(b.name));
    return { path: base, entries };
  }

  async exists(relPath: string): Promise<boolean> {
    try {
      await fs.stat(await this.resolve(relPath));
      return true;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      return false;
    }
  }

  async stat(relPath: string): Promise<FileStat> {
    const rel = normalizeStoragePath(relPath);
    try {
      return this.toFileStat(rel, await fs.stat(await this.resolve(rel)));
    } catch (err) {
      throw mapFsError(err, rel);
    }
  }

  /**
   * A file's version now, by one synchronous stat of its lexical path: cheaper than a realpath and
   * a trip through the thread pool, and the pool checks it on every checkout. Safe without the
   * symlink check: any change (a swapped link included) changes the version, and the reload that
   * follows reads through `resolve`, which refuses a path that leads outside.
   */
  versionNow(relPath: string): string {
    let known = this.lexical.get(relPath);
    if (!known) {
      const rel = normalizeStoragePath(relPath);
      known = { rel, abs: path.join(this.root, ...pathSegments(rel)) };
      if (this.lexical.size >= LEXICAL_PATHS) this.lexical.clear();
      this.lexical.set(relPath, known);
    }
    try {
      return fileVersionOf(statSync(known.abs));
    } catch (err) {
      throw mapFsError(err, known.rel);
    }
  }

  /** Reads a UTF-8 file, refusing it unread (FILE_TOO_LARGE) when over `maxBytes`. */
  async readText(relPath: string, maxBytes = DEFAULT_READ_LIMIT): Promise<{ text: string; stat: FileStat }> {
    const rel = normalizeStoragePath(relPath);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(await this.resolve(rel), 'r');
      const st = await handle.stat();
      if (st.isDirectory()) throw new DomainError('PATH_INVALID', `"${rel}" is a folder, not a file.`, { path: rel });
      if (st.size > maxBytes) {
        throw new DomainError('FILE_TOO_LARGE', `"${rel}" has ${st.size} bytes; the limit is ${maxBytes} bytes.`, {
          path: rel,
          bytes: st.size,
          limit: maxBytes,
        });
      }
      const text = await handle.readFile('utf8');
      return { text, stat: this.toFileStat(rel, st) };
    } catch (err) {
      throw mapFsError(err, rel);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /** Saves atomically (temp file + fsync + rename); a failed save leaves the old file intact. */
  async writeText(relPath: string, text: string): Promise<FileStat> {
    const rel = normalizeStoragePath(relPath);
    if (!rel) throw new DomainError('PATH_INVALID', 'A file name is needed, not the storage root.');
    const abs = await this.resolve(rel);
    try {
      const st = await fs.stat(abs).catch(() => undefined);
      if (st?.isDirectory())
        throw new DomainError(
          'PATH_INVALID',
          `"${rel}" is a folder; choose a file name such as ${rel}/package.pkg.yaml.`,
          { path: rel },
        );
      // The replaced file's creation is noted before it goes, were the path never seen before.
      if (st) this.createdOf(rel, st);
      await writeFileAtomic(abs, text);
      return this.toFileStat(rel, await fs.stat(abs));
    } catch (err) {
      throw mapFsError(err, rel);
    }
  }

  private createdOf(rel: string, st: Stats): number {
    const born = st.birthtimeMs > 0 ? st.birthtimeMs : st.ctimeMs;
    return this.created ? this.created(rel, born) : born;
  }

  private toFileStat(rel: string, st: Stats): FileStat {
    const created = this.createdOf(rel, st);
    return {
      path: rel,
      size: st.size,
      createdAt: new Date(created).toISOString(),
      savedAt: st.mtime.toISOString(),
      createdAtMs: created,
      savedAtMs: st.mtimeMs,
      fileVersion: fileVersionOf(st),
    };
  }

  /** Creates a folder (and its parents) inside the storage; returns its absolute path. */
  async mkdir(relPath: string): Promise<string> {
    const abs = await this.resolve(relPath);
    try {
      await fs.mkdir(abs, { recursive: true });
    } catch (err) {
      throw mapFsError(err, relPath);
    }
    return abs;
  }
}

function fileVersionOf(st: Stats): string {
  return `${Math.round(st.mtimeMs * 1000).toString(36)}-${st.size.toString(36)}-${st.ino.toString(36)}`;
}

function mapFsError(err: unknown, rel: string): unknown {
  if (err instanceof DomainError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new DomainError('FILE_NOT_FOUND', `No file or folder "${rel}" in the storage.`, { path: rel });
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return new DomainError('PATH_INVALID', `A part of "${rel}" is a file, not a folder.`, { path: rel });
  if (code === 'EISDIR') return new DomainError('PATH_INVALID', `"${rel}" is a folder, not a file.`, { path: rel });
  // Names are checked before any access (storage-path.ts); these are the file system's own limits.
  if (code === 'ENAMETOOLONG')
    return new DomainError('PATH_INVALID', `"${rel}" is too long a path for the file system; choose shorter names.`, {
      path: rel,
    });
  if (code === 'ELOOP')
    return new DomainError('PATH_INVALID', `"${rel}" leads through a loop of symbolic links.`, { path: rel });
  return err;
}
