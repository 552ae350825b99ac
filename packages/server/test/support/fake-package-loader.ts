// An in-memory package loader for the core's tests and benchmark: files, versions, and what is loaded.
import { DomainError } from '../../src/shared/domain-error';
import type { LoadedPackage, PackageLoader } from '../../src/core/package-loader';

export interface FakeHandle {
  serial: number;
  path: string | null;
  fileVersion: string | null;
  unloaded: boolean;
}

interface FakeFile {
  name: string;
  version: string;
  references: string[];
  revision: number;
  createdAt: number;
  savedAt: number;
}

/** Lets a test hold an operation on a path until it says so (to interleave operations). */
export type FakeGate = (op: 'currentVersion' | 'load', path: string) => Promise<void> | void;

export class FakePackageLoader implements PackageLoader<FakeHandle> {
  private readonly files = new Map<string, FakeFile>();
  private serial = 0;
  /** Handles loaded and not unloaded yet. */
  readonly loaded = new Set<FakeHandle>();
  loads = 0;
  doubleUnloads = 0;
  gate: FakeGate | undefined;

  /** Creates or changes a file; returns its new file version. */
  write(path: string, o: { name?: string; version?: string; references?: string[] } = {}, at = 0): string {
    const old = this.files.get(path);
    const file: FakeFile = {
      name: o.name ?? old?.name ?? path.replace(/\.pkg\.yaml$/, ''),
      version: o.version ?? old?.version ?? '1.0.0',
      references: o.references ?? old?.references ?? [],
      revision: (old?.revision ?? 0) + 1,
      createdAt: old?.createdAt ?? at,
      savedAt: at,
    };
    this.files.set(path, file);
    return this.versionOf(path, file);
  }

  remove(path: string): void {
    this.files.delete(path);
  }

  /** The file version a load would give now. */
  version(path: string): string {
    return this.versionOf(path, this.file(path));
  }

  async currentVersion(path: string): Promise<string> {
    await this.gate?.('currentVersion', path);
    return this.version(path);
  }

  /** Reads the file first and completes after the gate, like a load racing with a later change. */
  async load(path: string): Promise<LoadedPackage<FakeHandle>> {
    const f = this.files.get(path);
    await this.gate?.('load', path);
    if (!f) this.file(path);
    this.loads++;
    const fileVersion = this.versionOf(path, f!);
    return {
      name: f!.name,
      version: f!.version,
      fileVersion,
      createdAt: f!.createdAt,
      savedAt: f!.savedAt,
      references: [...f!.references],
      handle: this.handle(path, fileVersion),
    };
  }

  /** What an adapter would build for a draft or an edited source. */
  built(o: { name?: string; references?: string[]; path?: string | null; fileVersion?: string | null } = {}) {
    const loaded: LoadedPackage<FakeHandle> = {
      name: o.name ?? 'Draft',
      version: '1.0.0',
      fileVersion: o.fileVersion ?? null,
      createdAt: o.fileVersion ? 1 : null,
      savedAt: o.fileVersion ? 2 : null,
      references: o.references ?? [],
      handle: this.handle(o.path ?? null, o.fileVersion ?? null),
    };
    if (o.path !== undefined) loaded.path = o.path;
    return loaded;
  }

  unload(handle: FakeHandle): void {
    if (handle.unloaded) this.doubleUnloads++;
    handle.unloaded = true;
    this.loaded.delete(handle);
  }

  private handle(path: string | null, fileVersion: string | null): FakeHandle {
    const h: FakeHandle = { serial: ++this.serial, path, fileVersion, unloaded: false };
    this.loaded.add(h);
    return h;
  }

  private file(path: string): FakeFile {
    const f = this.files.get(path);
    if (!f) throw new DomainError('FILE_NOT_FOUND', `No file "${path}" in the storage`);
    return f;
  }

  private versionOf(path: string, f: FakeFile): string {
    return `${path}@${f.revision}`;
  }
}

/** A promise with its resolver, for gates. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
