import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interruptOnAbort, interruptUntilDone } from './duckdb-interrupt';

// Long enough that, uninterrupted, it would still be running when the test times out.
const LONG = 'SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3';

let db: DuckDBInstance;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', { threads: '1' });
});
afterAll(() => db.closeSync());

describe('interrupting DuckDB', () => {
  it('stops a statement whose interrupt landed before the statement began (one interrupt alone is lost)', async () => {
    const conn = await db.connect();
    // Interrupted first, the statement started after: DuckDB clears the interrupt as it begins.
    const done = interruptUntilDone(conn);
    try {
      await expect(conn.run(LONG)).rejects.toThrow(/INTERRUPT/i);
    } finally {
      done();
    }
    // Once done, the connection runs again undisturbed.
    expect((await conn.runAndReadAll('SELECT 42 AS x')).getRows()).toEqual([[42]]);
    conn.closeSync();
  }, 20_000);

  it('interrupts on abort until the work has returned, and not after', async () => {
    const conn = await db.connect();
    const controller = new AbortController();
    const stop = interruptOnAbort(conn, controller.signal);
    controller.abort();
    await expect(conn.run(LONG)).rejects.toThrow(/INTERRUPT/i);
    stop();
    await new Promise((r) => setTimeout(r, 50));
    expect((await conn.runAndReadAll('SELECT count(*) AS n FROM range(3000000)')).getRows()).toEqual([[3000000n]]);
    conn.closeSync();
  }, 20_000);
});
