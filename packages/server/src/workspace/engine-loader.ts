// The core's package loader over the file storage and the DuckDB engine.
import path from 'node:path';
import type { PackageIssue } from '@flowport/protocol';
import type { LoadedPackage, LoadOptions, PackageLoader, ReferenceSite } from '../core';
import { DomainError } from '../shared/domain-error';
import {
  describePackage,
  loadPackage,
  PackageRuntime,
  parsePackageOffThread,
  referenceSite,
  type ParseResult,
  type ReferenceDef,
} from '../engine';
import type { FileStorage } from '../storage';
import type { EngineHandle } from './engine-handle';

/** A package as the core keeps it, with the engine's handle. */
export type LoadedForCore = LoadedPackage<EngineHandle>;

export interface EngineLoaderOptions {
  storage: FileStorage;
  scratchDir: string;
  /** DuckDB memory limit and spill limit of a package instance, asked when it loads (from the memory budget). */
  memory?: () => { limit: string; maxTemp: string };
  /** DuckDB threads of a package instance, asked when it loads (server parameters: pooled or not). */
  threads?: (pooled: boolean) => number;
  /** Which runtime serves a reference of the package whose handle is given; decided by the core. */
  resolveReference: (from: EngineHandle, ref: ReferenceDef) => PackageRuntime;
}

export class EngineLoader implements PackageLoader<EngineHandle> {
  constructor(private readonly opts: EngineLoaderOptions) {}

  currentVersion(relPath: string): string {
    return this.opts.storage.versionNow(relPath);
  }

  async load(relPath: string, opts: LoadOptions = {}): Promise<LoadedForCore> {
    const file = await loadPackage(this.opts.storage, relPath);
    const handle = this.handleFor(file.path, file.text, file, opts.pooled ?? false);
    return {
      ...this.describe(handle, file.path),
      fileVersion: file.stat.fileVersion,
      createdAt: file.stat.createdAtMs,
      savedAt: file.stat.savedAtMs,
    };
  }

  /** A draft or edited source, parsed without touching the storage (off the event loop when large). */
  async fromText(text: string, label: string, relPath: string | null): Promise<LoadedForCore> {
    const parsed = await parsePackageOffThread(text, relPath ?? label);
    const handle = this.handleFor(relPath, text, parsed);
    return { ...this.describe(handle, relPath ?? label), fileVersion: null, createdAt: null, savedAt: null };
  }

  referenceSite(handle: EngineHandle, relPath: string): ReferenceSite | undefined {
    return handle.def ? referenceSite(handle.def, relPath) : undefined;
  }

  unload(handle: EngineHandle): Promise<void> {
    return handle.runtime?.close().catch(() => undefined) ?? Promise.resolve();
  }

  private handleFor(relPath: string | null, text: string, parsed: ParseResult, pooled = false): EngineHandle {
    const { def, issues, graphIssues } = parsed;
    const handle: EngineHandle = { path: relPath, text, def, issues: [...issues] };
    if (def) {
      const memory = this.opts.memory?.();
      handle.runtime = new PackageRuntime({
        def,
        storage: this.opts.storage,
        scratchDir: this.opts.scratchDir,
        memoryLimit: memory?.limit,
        maxTempDirectorySize: memory?.maxTemp,
        threads: this.opts.threads?.(pooled),
        resolveReference: (_alias, ref) => this.opts.resolveReference(handle, ref),
        graphIssues,
      });
      // When the parser checked the graph, its issues hold the graph's already.
      if (!graphIssues) {
        const key = (i: PackageIssue) => `${i.line}:${i.column}:${i.field}:${i.message}`;
        const seen = new Set(handle.issues.map(key));
        for (const issue of handle.runtime.issues) if (!seen.has(key(issue))) handle.issues.push(issue);
      }
    }
    return handle;
  }

  private describe(handle: EngineHandle, label: string) {
    if (!handle.def) {
      return { name: path.posix.basename(label).replace(/\.pkg\.yaml$/, ''), version: '0.0.0', references: [], handle };
    }
    const summary = describePackage(handle.def);
    return { name: summary.name, version: summary.version, references: summary.references, handle };
  }
}

export function requireRuntime(handle: EngineHandle): PackageRuntime {
  if (!handle.runtime || handle.issues.length > 0) {
    const first = handle.issues[0];
    throw new DomainError(
      'PACKAGE_INVALID',
      first
        ? `The package has errors; first: ${first.line ? `line ${first.line}: ` : ''}${first.message}`
        : 'The package has errors.',
      { issues: handle.issues },
    );
  }
  return handle.runtime;
}
