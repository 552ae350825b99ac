// GET /api/health/ready through the real app: 200 while the database and storage answer, 503 naming the part that does not.
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({}, { watchStorage: false });
});
afterAll(async () => {
  await t.close();
});

const ready = () => t.app.inject({ url: '/api/health/ready' });
const storage = () => path.join(t.dataDir, 'storage');
const database = () => path.join(t.dataDir, 'flowport.db');

/** Expects a 503 in the API's error format naming exactly `failing`, and no path of the server. */
async function expectNotReady(failing: string[]) {
  const res = await ready();
  expect(res.statusCode).toBe(503);
  const { error } = res.json();
  expect(error).toMatchObject({ code: 'NOT_READY', details: { failing } });
  expect(error.message).toContain(failing.join(', '));
  for (const name of failing)
    expect(error.details.checks[name]).toMatchObject({ ok: false, error: expect.any(String) });
  expect(res.body).not.toContain(t.dataDir);
  // Liveness is another question: the process still answers.
  expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  return error.details.checks as Record<string, { ok: boolean; error?: string }>;
}

describe('readiness', () => {
  it('is 200 with every check passed, without a login, and leaves no probe file behind', async () => {
    const res = await ready();
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      status: 'ready',
      checks: { database: { ok: true, ms: expect.any(Number) }, storage: { ok: true, ms: expect.any(Number) } },
    });
    expect(readdirSync(storage()).filter((f) => f.startsWith('.flowport-ready'))).toEqual([]);
  });

  it('is 503 when the storage cannot be written: its folder replaced by a file', async () => {
    const moved = `${storage()}.moved`;
    renameSync(storage(), moved);
    writeFileSync(storage(), 'not a folder');
    try {
      const checks = await expectNotReady(['storage']);
      expect(checks.storage!.error).toBe('ENOTDIR');
      expect(checks.database!.ok).toBe(true);
    } finally {
      rmSync(storage());
      renameSync(moved, storage());
    }
    expect((await ready()).statusCode).toBe(200);
  });

  it('is 503 when the storage folder is gone', async () => {
    const moved = `${storage()}.moved`;
    renameSync(storage(), moved);
    try {
      expect((await expectNotReady(['storage'])).storage!.error).toBe('ENOENT');
    } finally {
      renameSync(moved, storage());
    }
    expect((await ready()).statusCode).toBe(200);
  });

  it('is 503 when the database file is removed, and ready again when it is back', async () => {
    const moved = `${database()}.moved`;
    renameSync(database(), moved);
    try {
      expect((await expectNotReady(['database'])).database!.error).toBe('the database file is gone');
    } finally {
      renameSync(moved, database());
    }
    expect((await ready()).statusCode).toBe(200);
  });

  it('is 503 when the database file is replaced by another', async () => {
    const moved = `${database()}.moved`;
    renameSync(database(), moved);
    writeFileSync(database(), '');
    try {
      expect((await expectNotReady(['database'])).database!.error).toMatch(/replaced/);
    } finally {
      rmSync(database());
      renameSync(moved, database());
    }
  });

  it('is 503 naming both when the database connection is closed and the storage is gone', async () => {
    const moved = `${storage()}.moved`;
    renameSync(storage(), moved);
    t.app.services.db!.close();
    try {
      const checks = await expectNotReady(['database', 'storage']);
      expect(checks.database!.error).toBe('the database connection is closed');
    } finally {
      renameSync(moved, storage());
    }
  });
});
