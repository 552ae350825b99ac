// Shared fixtures of the engine tests: a temp storage, packages written into it, runtimes closed afterwards.
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStorage } from '../../src/storage/file-storage';
import { parsePackage } from '../../src/engine/package-parser';
import { PackageRuntime, type PackageRuntimeOptions } from '../../src/engine/package-runtime';
import type { PackageDef } from '../../src/engine/package-types';

export interface EngineFixture {
  dir: string;
  storage: FileStorage;
  scratchDir: string;
  write(rel: string, text: string): Promise<void>;
  def(text: string, file?: string): PackageDef;
  runtime(text: string, opts?: Partial<PackageRuntimeOptions>): PackageRuntime;
  cleanup(): Promise<void>;
}

export function engineFixture(): EngineFixture {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-engine-'));
  const storage = new FileStorage(path.join(dir, 'storage'));
  const scratchDir = path.join(dir, 'scratch');
  const runtimes: PackageRuntime[] = [];
  const def = (text: string, file = 'test.pkg.yaml') => {
    const { def, issues } = parsePackage(text, file);
    if (!def) throw new Error(`test package does not parse: ${JSON.stringify(issues)}`);
    return def;
  };
  return {
    dir,
    storage,
    scratchDir,
    async write(rel, text) {
      const abs = path.join(storage.root, rel);
      await fs.mkdir(path.dirname(abs), { recursive: true });
      await fs.writeFile(abs, text);
    },
    def,
    runtime(text, opts = {}) {
      const rt = new PackageRuntime({ def: def(text), storage, scratchDir, threads: 1, memoryLimit: '256MB', ...opts });
      runtimes.push(rt);
      return rt;
    },
    async cleanup() {
      await Promise.all(runtimes.map((r) => r.close()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
