// The PackageLoader contract run against the engine's loader (real files, real DuckDB runtimes).
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStorage } from '../storage';
import { describePackageLoaderContract } from '../../test/support/package-loader-contract';
import { EngineLoader } from './engine-loader';

function packageYaml(pkg: { name: string; version: string; references?: string[] }): string {
  const refs = (pkg.references ?? []).map((p, i) => `  - { alias: r${i}, path: ${p} }`);
  return [
    `name: ${pkg.name}`,
    `version: ${pkg.version}`,
    ...(refs.length ? ['references:', ...refs] : []),
    'nodes:',
    '  - { id: one, kind: sql, sql: SELECT 1 AS x }',
    '',
  ].join('\n');
}

describePackageLoaderContract('EngineLoader', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-loader-'));
  const storage = new FileStorage(path.join(dir, 'storage'));
  await fs.mkdir(storage.root, { recursive: true });
  const loader = new EngineLoader({
    storage,
    scratchDir: path.join(dir, 'scratch'),
    threads: () => 1,
    memory: () => ({ limit: '128MB', maxTemp: '128MB' }),
    resolveReference: () => {
      throw new Error('the contract runs no node that calls a reference');
    },
  });
  let writes = 0;
  return {
    loader,
    async write(rel, pkg) {
      const abs = path.join(storage.root, rel);
      await fs.mkdir(path.dirname(abs), { recursive: true });
      // A growing comment changes the size too, so the version changes even where mtimes are coarse.
      await fs.writeFile(abs, `#${'-'.repeat(++writes)}\n${packageYaml(pkg)}`);
    },
    remove: (rel) => fs.rm(path.join(storage.root, rel)),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
});
