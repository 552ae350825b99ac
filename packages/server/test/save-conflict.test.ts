// Studio saves through the real HTTP API: a file changed since it was opened answers 409; Created is kept.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlPackage, writePackage } from './helpers/hostile-helpers';
import { StudioClient } from './helpers/studio-client';
import { createUser, errorCode, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

let t: TestApp;
let dana: LoggedIn;
let erin: LoggedIn;

beforeAll(async () => {
  t = await makeTestApp({}, { watchStorage: false });
  const admin = await login(t.app);
  await createUser(t.app, admin, 'dana', ['design']);
  await createUser(t.app, admin, 'erin', ['design']);
  dana = await login(t.app, 'dana', 'user-password-1');
  erin = await login(t.app, 'erin', 'user-password-1');
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('saving over a changed file', () => {
  it('answers 409 naming the time when the file changed on disk, and overwrites when asked', async () => {
    writePackage(t.dataDir, 'c/disk.pkg.yaml', sqlPackage('Disk', 'a', 'select 1 as x'));
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('c/disk.pkg.yaml');
    expect(pkg.fileVersion).toEqual(expect.any(String));
    await sleep(20);
    writeFileSync(path.join(t.dataDir, 'storage', 'c/disk.pkg.yaml'), sqlPackage('Disk', 'a', 'select 2 as x'));

    const refused = await s.request('POST', `/packages/${pkg.id}/save`, { baseVersion: pkg.fileVersion });
    expect(refused.statusCode).toBe(409);
    expect(errorCode(refused)).toBe('SAVE_CONFLICT');
    expect(refused.json().error.details).toMatchObject({
      path: 'c/disk.pkg.yaml',
      savedBy: null,
      at: expect.any(String),
    });
    expect(refused.json().error.message).toContain('changed on disk at');

    const forced = await s.request('POST', `/packages/${pkg.id}/save`, { overwrite: true });
    expect(forced.statusCode).toBe(200);
    // Now the designer holds the saved version: the next save passes.
    const again = await s.request('POST', `/packages/${pkg.id}/save`, { baseVersion: forced.json().fileVersion });
    expect(again.statusCode).toBe(200);
  });

  it('names the other designer who saved since, and leaves the file as that designer saved it', async () => {
    writePackage(t.dataDir, 'c/shared.pkg.yaml', sqlPackage('Shared', 'a', 'select 1 as x'));
    const a = await StudioClient.open(t.app, dana);
    const b = await StudioClient.open(t.app, erin);
    const pa = await a.openPackage('c/shared.pkg.yaml');
    const pb = await b.openPackage('c/shared.pkg.yaml');
    await b.request('PUT', `/packages/${pb.id}/source`, { yaml: sqlPackage('Shared', 'a', 'select 3 as x') });
    expect((await b.request('POST', `/packages/${pb.id}/save`, { baseVersion: pb.fileVersion })).statusCode).toBe(200);

    await a.request('PUT', `/packages/${pa.id}/source`, { yaml: sqlPackage('Shared', 'a', 'select 4 as x') });
    const refused = await a.request('POST', `/packages/${pa.id}/save`, { baseVersion: pa.fileVersion });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details).toMatchObject({ savedBy: 'erin' });
    expect(refused.json().error.message).toContain('was saved by erin');
    const source = await t.app.inject({
      url: `/api/sessions/${b.sid}/packages/${pb.id}/source`,
      headers: erin.headers,
    });
    expect(source.json().yaml).toContain('select 3');

    // Save as another name is no conflict.
    const savedAs = await a.request('POST', `/packages/${pa.id}/save`, { path: 'c/shared-mine.pkg.yaml' });
    expect(savedAs.statusCode).toBe(200);
  });
});

describe('Created', () => {
  it('stays the time the file was first created under its path across two saves', async () => {
    writePackage(t.dataDir, 'c/created.pkg.yaml', sqlPackage('Created', 'a', 'select 1 as x'));
    const s = await StudioClient.open(t.app, dana);
    const pkg = await s.openPackage('c/created.pkg.yaml');
    expect(pkg.createdAt).toEqual(expect.any(String));
    let version = pkg.fileVersion;
    for (const sql of ['select 5 as x', 'select 6 as x']) {
      await sleep(30);
      await s.request('PUT', `/packages/${pkg.id}/source`, { yaml: sqlPackage('Created', 'a', sql) });
      const saved = (await s.request('POST', `/packages/${pkg.id}/save`, { baseVersion: version })).json();
      expect(saved.createdAt).toBe(pkg.createdAt);
      expect(saved.savedAt > pkg.createdAt!).toBe(true);
      version = saved.fileVersion;
    }
    // A new session opening it (a new load from the file) sees the same Created.
    const other = await StudioClient.open(t.app, erin);
    expect((await other.openPackage('c/created.pkg.yaml')).createdAt).toBe(pkg.createdAt);
  });
});
