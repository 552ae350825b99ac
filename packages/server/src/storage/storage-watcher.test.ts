import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { FileStorage } from './file-storage';
import { StorageWatcher } from './storage-watcher';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-watch-'));
  const storage = new FileStorage(dir);
  await fs.mkdir(path.join(storage.root, 'lib'));
  await fs.writeFile(path.join(storage.root, 'lib/common.pkg.yaml'), 'name: c\n');
  const watcher = new StorageWatcher(storage.root, { stabilityMs: 20 });
  await watcher.start();
  const events: string[] = [];
  watcher.on('change', (p) => events.push(`change ${p}`));
  watcher.on('unlink', (p) => events.push(`unlink ${p}`));
  cleanups.push(async () => {
    await watcher.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  return { storage, events };
}

async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

it('reports atomic saves, new packages and removals with storage-relative paths', async () => {
  const { storage, events } = await setup();
  await storage.writeText('lib/common.pkg.yaml', 'name: c2\n');
  await storage.writeText('credit/new.pkg.yaml', 'name: n\n');
  await until(() => events.includes('change lib/common.pkg.yaml') && events.includes('change credit/new.pkg.yaml'));
  await fs.rm(path.join(storage.root, 'credit/new.pkg.yaml'));
  await until(() => events.includes('unlink credit/new.pkg.yaml'));
  expect(events).toEqual(
    expect.arrayContaining(['change lib/common.pkg.yaml', 'change credit/new.pkg.yaml', 'unlink credit/new.pkg.yaml']),
  );
});

it('ignores files that are not packages, and temporary files', async () => {
  const { storage, events } = await setup();
  await storage.writeText('data/x.csv', 'a\n');
  await fs.writeFile(path.join(storage.root, 'lib/.common.pkg.yaml.1-x.tmp'), 'partial');
  await storage.writeText('lib/marker.pkg.yaml', 'name: m\n');
  await until(() => events.includes('change lib/marker.pkg.yaml'));
  expect(events).toEqual(['change lib/marker.pkg.yaml']);
});

it('stops reporting once closed', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-watch-'));
  const watcher = new StorageWatcher(dir, { stabilityMs: 0 });
  await watcher.start();
  const events: string[] = [];
  watcher.on('change', (p) => events.push(p));
  await watcher.close();
  await fs.writeFile(path.join(dir, 'late.pkg.yaml'), 'x');
  await new Promise((r) => setTimeout(r, 200));
  expect(events).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
});
