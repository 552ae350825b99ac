// The PackageLoader port's contract, one suite run against every implementation (the fake and the engine's).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PackageLoader } from '../../src/core';
import { isDomainError } from '../../src/shared/domain-error';

/** What the suite needs besides the loader: a way to put files where it reads them. */
export interface LoaderUnderTest<H> {
  loader: PackageLoader<H>;
  /** Creates or changes the package file at `path` (each call changes its content). */
  write(path: string, pkg: { name: string; version: string; references?: string[] }): Promise<void>;
  remove(path: string): Promise<void>;
  cleanup?(): Promise<void>;
}

async function codeOf(act: () => unknown): Promise<string | undefined> {
  try {
    await act();
  } catch (err) {
    return isDomainError(err) ? err.code : `not a DomainError: ${String(err)}`;
  }
  return undefined;
}

/** Registers the contract's tests; call it once per implementation with a factory of fresh loaders. */
export function describePackageLoaderContract<H>(name: string, newLoader: () => Promise<LoaderUnderTest<H>>): void {
  describe(`PackageLoader contract: ${name}`, () => {
    let t: LoaderUnderTest<H>;
    beforeEach(async () => {
      t = await newLoader();
    });
    afterEach(async () => {
      await t.cleanup?.();
    });

    it('loads a file: its name, version, direct references and the file version currentVersion gives', async () => {
      await t.write('lib/common.pkg.yaml', { name: 'Common', version: '1.0.0' });
      await t.write('app/main.pkg.yaml', { name: 'Main', version: '2.1.0', references: ['lib/common.pkg.yaml'] });
      const loaded = await t.loader.load('app/main.pkg.yaml');
      expect(loaded).toMatchObject({ name: 'Main', version: '2.1.0', references: ['lib/common.pkg.yaml'] });
      expect(loaded.fileVersion).toBe(await t.loader.currentVersion('app/main.pkg.yaml'));
      expect(loaded.handle).toBeDefined();
      await t.loader.unload(loaded.handle);
    });

    it('gives a new file version when the file changes, and the same one while it does not', async () => {
      await t.write('a.pkg.yaml', { name: 'A', version: '1.0.0' });
      const before = await t.loader.currentVersion('a.pkg.yaml');
      expect(await t.loader.currentVersion('a.pkg.yaml')).toBe(before);
      await t.write('a.pkg.yaml', { name: 'A', version: '1.0.1' });
      const after = await t.loader.currentVersion('a.pkg.yaml');
      expect(after).not.toBe(before);
      const loaded = await t.loader.load('a.pkg.yaml');
      expect(loaded).toMatchObject({ version: '1.0.1', fileVersion: after });
      await t.loader.unload(loaded.handle);
    });

    it('refuses a missing file with FILE_NOT_FOUND, from currentVersion and from load', async () => {
      expect(await codeOf(() => t.loader.currentVersion('nowhere.pkg.yaml'))).toBe('FILE_NOT_FOUND');
      expect(await codeOf(() => t.loader.load('nowhere.pkg.yaml'))).toBe('FILE_NOT_FOUND');
      await t.write('gone.pkg.yaml', { name: 'Gone', version: '1.0.0' });
      await t.remove('gone.pkg.yaml');
      expect(await codeOf(() => t.loader.currentVersion('gone.pkg.yaml'))).toBe('FILE_NOT_FOUND');
    });

    it('gives every load its own handle, and unloading never throws, not even twice', async () => {
      await t.write('a.pkg.yaml', { name: 'A', version: '1.0.0' });
      const first = await t.loader.load('a.pkg.yaml');
      const second = await t.loader.load('a.pkg.yaml');
      expect(second.handle).not.toBe(first.handle);
      await t.loader.unload(first.handle);
      await t.loader.unload(second.handle);
      expect(await codeOf(() => t.loader.unload(first.handle))).toBeUndefined();
    });
  });
}
