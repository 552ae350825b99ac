import { mkdtempSync, promises as fs, symlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempNameFor, TEMP_NAME_RE } from './atomic-write';
import { removeLeftoverTemps } from './leftover-temps';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-leftovers-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.relative(root, path.join(e.parentPath, e.name)));
  }
  return out.sort();
}

describe('leftover temporary files', () => {
  it('matches the names the atomic writer makes, a shortened long name included', () => {
    expect(path.basename(tempNameFor('/s/credit/scoring.pkg.yaml'))).toMatch(TEMP_NAME_RE);
    const long = path.basename(tempNameFor(`/s/${'ж'.repeat(120)}.pkg.yaml`));
    expect(long).toMatch(TEMP_NAME_RE);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
  });

  it('removes the writer’s temporary files in every folder and nothing else', async () => {
    await fs.mkdir(path.join(dir, 'credit/deep'), { recursive: true });
    const write = (rel: string) => fs.writeFile(path.join(dir, rel), 'x');
    await write('credit/scoring.pkg.yaml');
    // Pids above the kernel's maximum: temporary files of no live process.
    await write('credit/.scoring.pkg.yaml.99999998-0badc0de.tmp');
    await write('credit/deep/.big.pkg.yaml.99999999-aaaaaaaa.tmp');
    // This process's own pid: it runs at start, before anything is written, so an earlier process had it.
    await write(`credit/${path.basename(tempNameFor(path.join(dir, 'credit/x.parquet')))}`);
    // Look-alikes that the writer never makes stay.
    await write('credit/notes.tmp');
    await write('credit/.hidden.tmp');
    await write('credit/.x.pkg.yaml.12-XYZ.tmp');
    // A link to another folder is not followed.
    const outside = mkdtempSync(path.join(os.tmpdir(), 'flowport-outside-'));
    await fs.writeFile(path.join(outside, '.a.pkg.yaml.7-00000000.tmp'), 'x');
    symlinkSync(outside, path.join(dir, 'link'));

    const result = await removeLeftoverTemps(dir);
    expect(result.removed).toHaveLength(3);
    expect(result.kept).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(await files(dir)).toEqual([
      'credit/.hidden.tmp',
      'credit/.x.pkg.yaml.12-XYZ.tmp',
      'credit/notes.tmp',
      'credit/scoring.pkg.yaml',
    ]);
    expect(await fs.readdir(outside)).toEqual(['.a.pkg.yaml.7-00000000.tmp']);
    await fs.rm(outside, { recursive: true, force: true });
  });

  it('keeps a young temporary file of another live process (a save in progress), removes an old one', async () => {
    const parent = process.ppid; // alive while this test runs, and not this process
    const young = path.join(dir, `.a.pkg.yaml.${parent}-00000001.tmp`);
    const old = path.join(dir, `.b.pkg.yaml.${parent}-00000002.tmp`);
    await fs.writeFile(young, 'x');
    await fs.writeFile(old, 'x');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(old, hourAgo, hourAgo);
    const result = await removeLeftoverTemps(dir);
    expect(result.kept).toEqual([young]);
    expect(result.removed).toEqual([old]);
  });

  it('takes a missing folder as having nothing to remove', async () => {
    expect(await removeLeftoverTemps(path.join(dir, 'none'))).toEqual({ removed: [], kept: [], failed: [] });
  });
});
