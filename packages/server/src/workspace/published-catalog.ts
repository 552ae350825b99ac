// The packages of the storage with published nodes, parsed once per file version, plus result columns seen on calls.
import type { Logger } from 'pino';
import type { ColumnInfo, PackageDef } from '../engine';
import { loadPackage } from '../engine';
import type { FileStorage } from '../storage';

export interface PublishedPackage {
  path: string;
  fileVersion: string;
  def: PackageDef;
}

export interface CatalogView {
  packages: PublishedPackage[];
  /** Changes whenever a package file or a learned result shape changes. */
  signature: string;
  /** Result columns of a node seen on the last successful call of this file version. */
  columnsOf(path: string, node: string): ColumnInfo[] | undefined;
}

interface FileEntry {
  fileVersion: string;
  def?: PackageDef;
}

/** Folders deeper than this are not searched for packages. */
const MAX_DEPTH = 12;

export class PublishedCatalog {
  private readonly files = new Map<string, FileEntry>();
  private readonly learned = new Map<string, ColumnInfo[]>();
  private learnedVersion = 0;
  private pending?: Promise<CatalogView>;

  constructor(
    private readonly storage: FileStorage,
    private readonly log: Logger,
  ) {}

  /** Walks the storage (re-parsing only files whose version changed); concurrent callers share one walk. */
  view(): Promise<CatalogView> {
    this.pending ??= this.walk().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Records the result columns a call returned; the next document includes them. */
  learn(path: string, fileVersion: string | null, node: string, columns: ColumnInfo[]): void {
    if (fileVersion === null) return;
    const key = `${path}\n${fileVersion}\n${node}`;
    const before = this.learned.get(key);
    if (before && sameColumns(before, columns)) return;
    this.learned.set(
      key,
      columns.map((c) => ({ name: c.name, type: c.type })),
    );
    this.learnedVersion++;
  }

  private async walk(): Promise<CatalogView> {
    const found: string[] = [];
    await this.collect('', 0, found);
    const seen = new Set<string>();
    const packages: PublishedPackage[] = [];
    for (const path of found.sort()) {
      let entry: FileEntry;
      try {
        const { fileVersion } = await this.storage.stat(path);
        const cached = this.files.get(path);
        if (cached && cached.fileVersion === fileVersion) entry = cached;
        else {
          const file = await loadPackage(this.storage, path);
          entry = { fileVersion: file.stat.fileVersion, def: file.issues.length === 0 ? file.def : undefined };
          this.files.set(path, entry);
        }
      } catch (err) {
        this.log.debug({ path, err: (err as Error).message }, 'package left out of the OpenAPI document');
        continue;
      }
      seen.add(path);
      if (entry.def && entry.def.nodes.some((n) => n.access === 'published')) {
        packages.push({ path, fileVersion: entry.fileVersion, def: entry.def });
      }
    }
    for (const path of [...this.files.keys()]) if (!seen.has(path)) this.files.delete(path);
    const current = new Set(packages.map((p) => `${p.path}\n${p.fileVersion}\n`));
    for (const key of [...this.learned.keys()]) {
      if (!current.has(key.slice(0, key.lastIndexOf('\n') + 1))) this.learned.delete(key);
    }
    const versions = new Map(packages.map((p) => [p.path, p.fileVersion]));
    return {
      packages,
      signature: `${packages.map((p) => `${p.path}@${p.fileVersion}`).join('|')}#${this.learnedVersion}`,
      columnsOf: (path, node) => this.learned.get(`${path}\n${versions.get(path)}\n${node}`),
    };
  }

  private async collect(dir: string, depth: number, out: string[]): Promise<void> {
    if (depth > MAX_DEPTH) return;
    let listing;
    try {
      listing = await this.storage.list(dir);
    } catch (err) {
      this.log.debug({ dir, err: (err as Error).message }, 'storage folder skipped for the OpenAPI document');
      return;
    }
    for (const e of listing.entries) {
      if (e.type === 'package') out.push(e.path);
      else if (e.type === 'folder') await this.collect(e.path, depth + 1, out);
    }
  }
}

/** Same names and types in the same order (asked on every successful call, so without copies). */
function sameColumns(a: ColumnInfo[], b: ColumnInfo[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && c.type === b[i].type);
}
