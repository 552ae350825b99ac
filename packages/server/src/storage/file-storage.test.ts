import { mkdtempSync, promises as fs, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import { FileStorage } from './file-storage';

let dir: string;
let storage: FileStorage;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-storage-'));
  storage = new FileStorage(path.join(dir, 'root'));
  await fs.mkdir(path.join(storage.root, 'credit'), { recursive: true });
  await fs.writeFile(path.join(storage.root, 'credit/scoring.pkg.yaml'), 'name: s\n');
  await fs.writeFile(path.join(dir, 'secret.txt'), 'outside');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'resolved';
}

describe('FileStorage confinement', () => {
  it('resolves a relative path inside the root', async () => {
    expect(await storage.resolve('credit/scoring.pkg.yaml')).toBe(path.join(storage.root, 'credit/scoring.pkg.yaml'));
    expect(await storage.resolve('./credit//new.pkg.yaml')).toBe(path.join(storage.root, 'credit/new.pkg.yaml'));
  });

  it('refuses paths with ".." even when they would stay inside', async () => {
    expect(await codeOf(storage.resolve('../secret.txt'))).toMatch(/^PATH_OUTSIDE_STORAGE: .*"\.\."/);
    expect(await codeOf(storage.resolve('credit/../credit/scoring.pkg.yaml'))).toMatch(/^PATH_OUTSIDE_STORAGE/);
  });

  it('refuses absolute paths and says how to fix them', async () => {
    expect(await codeOf(storage.resolve('/etc/passwd'))).toMatch(
      /^PATH_OUTSIDE_STORAGE: .*absolute; give a path relative/,
    );
    expect(await codeOf(storage.readText(path.join(dir, 'secret.txt')))).toMatch(/^PATH_OUTSIDE_STORAGE/);
  });

  it('refuses NUL characters and backslashes', async () => {
    expect(await codeOf(storage.resolve('credit/a\0.pkg.yaml'))).toMatch(/^PATH_INVALID: .*NUL/);
    expect(await codeOf(storage.resolve('credit\\..\\..\\secret.txt'))).toMatch(/^PATH_INVALID: .*backslash/);
  });

  it('refuses a symlinked file that points outside the root', async () => {
    symlinkSync(path.join(dir, 'secret.txt'), path.join(storage.root, 'link.txt'));
    expect(await codeOf(storage.readText('link.txt'))).toMatch(/^PATH_OUTSIDE_STORAGE: .*symbolic link/);
  });

  it('refuses a symlinked folder that points outside, also for files not yet there', async () => {
    symlinkSync(dir, path.join(storage.root, 'escape'));
    expect(await codeOf(storage.readText('escape/secret.txt'))).toMatch(/^PATH_OUTSIDE_STORAGE/);
    expect(await codeOf(storage.writeText('escape/new.pkg.yaml', 'x'))).toMatch(/^PATH_OUTSIDE_STORAGE/);
    await expect(fs.stat(path.join(dir, 'new.pkg.yaml'))).rejects.toThrow();
  });

  it('follows symlinks that stay inside the root', async () => {
    symlinkSync(path.join(storage.root, 'credit'), path.join(storage.root, 'alias'));
    expect((await storage.readText('alias/scoring.pkg.yaml')).text).toBe('name: s\n');
  });

  it('hides links out of the root from listings', async () => {
    symlinkSync(path.join(dir, 'secret.txt'), path.join(storage.root, 'out.txt'));
    const listing = await storage.list('');
    expect(listing.entries.map((e) => e.name)).toEqual(['credit']);
  });
});

describe('FileStorage files', () => {
  it('lists folders first, then packages, then other files, skipping hidden files', async () => {
    await fs.writeFile(path.join(storage.root, 'credit/data.csv'), 'a\n1\n');
    await fs.writeFile(path.join(storage.root, 'credit/.scoring.pkg.yaml.1-ab.tmp'), 'partial');
    await fs.mkdir(path.join(storage.root, 'credit/sub'));
    const listing = await storage.list('credit');
    expect(listing.path).toBe('credit');
    expect(listing.entries.map((e) => [e.type, e.path])).toEqual([
      ['folder', 'credit/sub'],
      ['package', 'credit/scoring.pkg.yaml'],
      ['file', 'credit/data.csv'],
    ]);
  });

  it('reports a missing file as FILE_NOT_FOUND', async () => {
    expect(await codeOf(storage.stat('nope.pkg.yaml'))).toMatch(/^FILE_NOT_FOUND/);
    expect(await codeOf(storage.list('nope'))).toMatch(/^FILE_NOT_FOUND/);
  });

  it('refuses to read a file over the limit without reading it', async () => {
    await fs.writeFile(path.join(storage.root, 'big.pkg.yaml'), Buffer.alloc(50 * 1024 * 1024, 0x61));
    expect(await codeOf(storage.readText('big.pkg.yaml'))).toMatch(/^FILE_TOO_LARGE/);
  });

  it('gives creation and save times and a version that changes on save', async () => {
    const first = await storage.writeText('new/pkg.pkg.yaml', 'name: a\n');
    expect(first.path).toBe('new/pkg.pkg.yaml');
    expect(Date.parse(first.createdAt)).not.toBeNaN();
    expect(Date.parse(first.savedAt)).not.toBeNaN();
    const second = await storage.writeText('new/pkg.pkg.yaml', 'name: b\n');
    expect(second.fileVersion).not.toBe(first.fileVersion);
    expect((await storage.stat('new/pkg.pkg.yaml')).fileVersion).toBe(second.fileVersion);
    expect((await storage.readText('new/pkg.pkg.yaml')).text).toBe('name: b\n');
  });

  it('saves atomically, leaving no temporary file behind', async () => {
    await storage.writeText('credit/scoring.pkg.yaml', 'name: new\n');
    expect(await fs.readdir(path.join(storage.root, 'credit'))).toEqual(['scoring.pkg.yaml']);
  });

  it('refuses to overwrite a folder', async () => {
    expect(await codeOf(storage.writeText('credit', 'x'))).toMatch(/^PATH_INVALID: .*folder/);
  });

  it('keeps the old file when a save fails', async () => {
    await fs.writeFile(path.join(storage.root, 'credit/blocker'), 'a file, not a folder');
    expect(await codeOf(storage.writeText('credit/blocker/x.pkg.yaml', 'x'))).toMatch(/^PATH_INVALID/);
    expect((await storage.readText('credit/blocker')).text).toBe('a file, not a folder');
    expect((await fs.readdir(path.join(storage.root, 'credit'))).sort()).toEqual(['blocker', 'scoring.pkg.yaml']);
  });
});

describe('FileStorage name limits', () => {
  it('saves a name of 255 bytes (its temporary name shortened to fit) and refuses one of 256, naming both', async () => {
    const longest = `${'n'.repeat(255 - '.pkg.yaml'.length)}.pkg.yaml`;
    await storage.writeText(`credit/${longest}`, 'name: long\n');
    expect((await storage.readText(`credit/${longest}`)).text).toBe('name: long\n');
    const message = await codeOf(storage.writeText(`credit/x${longest}`, 'x'));
    expect(message).toMatch(/^PATH_INVALID: Part 2 of the path \("x?n+…"\) is 256 bytes long; .* at most 255 bytes/);
    expect(await codeOf(storage.list(`${'a'.repeat(300)}/b`))).toMatch(/^PATH_INVALID: Part 1 .* 300 bytes long/);
  });

  it('counts bytes, not characters: 128 Cyrillic letters are 256 bytes', async () => {
    expect(await codeOf(storage.stat(`${'ж'.repeat(128)}.pkg.yaml`))).toMatch(/is 265 bytes long/);
    expect(await codeOf(storage.stat(`${'ж'.repeat(100)}.pkg.yaml`))).toMatch(/^FILE_NOT_FOUND/);
  });

  it('refuses a whole path over 2048 bytes', async () => {
    // 706 characters, within the 1024 of MAX_PATH_LENGTH, but three bytes each.
    const deep = Array.from({ length: 7 }, () => '中'.repeat(100)).join('/');
    expect(await codeOf(storage.stat(deep))).toMatch(
      /^PATH_INVALID: The path is 2106 bytes long in UTF-8; the limit is 2048/,
    );
  });

  it('says a loop of symbolic links is a bad path (ELOOP), not an internal error', async () => {
    symlinkSync(path.join(storage.root, 'b'), path.join(storage.root, 'a'));
    symlinkSync(path.join(storage.root, 'a'), path.join(storage.root, 'b'));
    expect(await codeOf(storage.readText('a/x.pkg.yaml'))).toMatch(/^PATH_INVALID: .*loop of symbolic links/);
    expect(await codeOf(storage.writeText('a/x.pkg.yaml', 'x'))).toMatch(/^PATH_INVALID/);
    expect(await codeOf(storage.list('a'))).toMatch(/^PATH_INVALID/);
  });
});
