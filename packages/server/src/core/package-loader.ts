// The port through which the core loads and frees packages; the engine adapter implements it.
import type { ReferenceSite } from './reference-cycles';

/** A package as the engine loaded it: the metadata the core shows plus the engine's opaque handle. */
export interface LoadedPackage<H> {
  name: string;
  version: string;
  /** Opaque; changes whenever the file changes. Null for a draft. */
  fileVersion: string | null;
  /** Milliseconds since the epoch; null for a draft. */
  createdAt: number | null;
  savedAt: number | null;
  /** Storage paths of the DIRECT references. */
  references: string[];
  /**
   * Storage path, only read by `replaceLoaded` (a draft saved, or "save as"): `undefined` keeps the
   * instance's path. `load(path)` results need not set it.
   */
  path?: string | null;
  handle: H;
}

export interface LoadOptions {
  pooled?: boolean;
}

export interface PackageLoader<H> {
  /**
   * The current fileVersion of a file; throws (or rejects with) DomainError FILE_NOT_FOUND. A
   * loader that knows it at once answers a string: every pool checkout asks, and the core then
   * hands out a pooled instance without waiting.
   */
  currentVersion(path: string): string | Promise<string>;
  /** `pooled`: the instance is for the pool (Integrator and batch calls), which may be made differently. */
  load(path: string, opts?: LoadOptions): Promise<LoadedPackage<H>>;
  /**
   * Frees the engine resources of a handle; never throws. The core calls it right after aborting
   * the handle's executions, so the engine must cope with a handle whose run is still unwinding.
   */
  unload(handle: H): void | Promise<void>;
  /** Where the package of `handle` declares its reference to `path` (for errors naming the line); optional. */
  referenceSite?(handle: H, path: string): ReferenceSite | undefined;
}
