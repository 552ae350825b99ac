// DuckDB's memory figures: parsed sizes, and a real database that holds more after it stores a table.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDuckDbSize } from './duckdb-memory';
import { DuckDbDatabase } from './duckdb-runtime';

describe('parseDuckDbSize', () => {
  it('reads the sizes DuckDB prints and configures', () => {
    expect(parseDuckDbSize('953.6 MiB')).toBe(Math.round(953.6 * 2 ** 20));
    expect(parseDuckDbSize('1GB')).toBe(1e9);
    expect(parseDuckDbSize('512 KiB')).toBe(512 * 1024);
    expect(parseDuckDbSize('0 bytes')).toBe(0);
    expect(parseDuckDbSize('lots')).toBeNaN();
    expect(parseDuckDbSize('80%')).toBeNaN();
  });
});

describe('DuckDbDatabase.memory', () => {
  let dir: string;
  let db: DuckDbDatabase;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-duckdb-memory-'));
    db = await DuckDbDatabase.create({ allowedDirectories: [dir], threads: 1, connections: 1, memoryLimit: '256MB' });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says what the database holds and its limit, and more once a table is stored', async () => {
    const before = await db.memory();
    expect(before?.limitBytes).toBeGreaterThan(240e6);
    expect(before?.limitBytes).toBeLessThanOrEqual(256e6);
    await db.withConnection((c) => c.script('CREATE TABLE t AS SELECT range AS x FROM range(500000)'));
    const after = await db.memory();
    expect(after!.usedBytes).toBeGreaterThan(before!.usedBytes + 1_000_000);
  });

  it('never waits for a busy connection, and answers nothing once closed', async () => {
    await db.withConnection(async () => {
      expect(await db.memory()).toBeUndefined();
    });
    expect(await db.memory()).toBeDefined();
    db.close();
    expect(await db.memory()).toBeUndefined();
  });
});
