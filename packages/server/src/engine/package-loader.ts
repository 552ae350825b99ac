// Reads a package file from the storage and parses it; gives the core what it needs to register an instance.
import type { PackageIssue } from '@flowport/protocol';
import type { FileStat, FileStorage } from '../storage/file-storage';
import { normalizeStoragePath } from '../storage/storage-path';
import { MAX_PACKAGE_BYTES } from './package-parser';
import { parsePackageOffThread } from './parse-pool';
import { fieldPath, positionOf } from './package-positions';
import type { PackageDef } from './package-types';

export interface LoadedPackageFile {
  path: string;
  text: string;
  /** Present when the file matches the schema; `issues` may still hold graph problems. */
  def?: PackageDef;
  issues: PackageIssue[];
  /** With `def`: the graph's issues, checked already (see ParseResult). */
  graphIssues?: PackageIssue[];
  stat: FileStat;
}

/** Reads (size-limited, FILE_TOO_LARGE before parsing) and parses a package from the storage, off the event loop when large. */
export async function loadPackage(storage: FileStorage, relPath: string): Promise<LoadedPackageFile> {
  const path = normalizeStoragePath(relPath);
  const { text, stat } = await storage.readText(path, MAX_PACKAGE_BYTES);
  const { def, issues, graphIssues } = await parsePackageOffThread(text, path);
  return { path, text, def, issues, graphIssues, stat };
}

export interface PackageSummary {
  name: string;
  version: string;
  /** Storage paths of the referenced packages, in declaration order, without duplicates. */
  references: string[];
}

export function describePackage(def: PackageDef): PackageSummary {
  const refs: string[] = [];
  for (const r of def.references) {
    const p = normalizeStoragePath(r.path);
    if (!refs.includes(p)) refs.push(p);
  }
  return { name: def.name, version: def.version, references: refs };
}

/** Where `def` declares its (first) reference to the storage path `relPath`: line, column and field. */
export function referenceSite(
  def: PackageDef,
  relPath: string,
): { line?: number; column?: number; field: string } | undefined {
  const i = def.references.findIndex((r) => normalizeStoragePath(r.path) === relPath);
  if (i < 0) return undefined;
  const segments = ['references', i, 'path'];
  const pos = positionOf(def.positions, segments);
  return { line: pos?.line, column: pos?.column, field: fieldPath(segments) };
}
