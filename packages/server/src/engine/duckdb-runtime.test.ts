import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuckDbDatabase, type LockedConnection } from './duckdb-runtime';
import { materializedPage } from './json-values';
import { bindParameters } from './sql-parameters';

let dir: string;
let db: DuckDbDatabase;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-duckdb-'));
  db = await DuckDbDatabase.create({ allowedDirectories: [dir], threads: 1, connections: 1 });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `sql` as a kept statement with `$k` bound, and answers its rows. */
const select = (conn: LockedConnection, sql: string, k: number) =>
  conn
    .runPrepared(sql, (stmt) => bindParameters(stmt, { k: { type: 'integer', value: k } }))
    .then((r) => materializedPage(r).rows);

describe('statements a connection keeps prepared', () => {
  it('are prepared once per text and run with the values bound each time', async () => {
    await db.withConnection(async (conn) => {
      const prepare = vi.spyOn(conn.raw, 'prepare');
      const sql = 'SELECT CAST($k AS BIGINT) * 2 AS twice';
      for (let k = 1; k <= 3; k++) expect(await select(conn, sql, k)).toEqual([{ twice: 2 * k }]);
      expect(prepare).toHaveBeenCalledTimes(1);
      expect(await select(conn, `${sql}, 1 AS one`, 4)).toEqual([{ twice: 8, one: 1 }]);
      expect(prepare).toHaveBeenCalledTimes(2);
    });
  });

  it('follow the tables they read, and are prepared afresh when a table went away', async () => {
    await db.withConnection(async (conn) => {
      const sql = 'SELECT x + CAST($k AS BIGINT) AS y FROM main.t';
      await conn.script('CREATE TABLE main.t AS SELECT 1 AS x');
      expect(await select(conn, sql, 10)).toEqual([{ y: 11 }]);
      await conn.script('DROP TABLE main.t; CREATE TABLE main.t AS SELECT 5 AS x');
      expect(await select(conn, sql, 10)).toEqual([{ y: 15 }]);
      await conn.script('DROP TABLE main.t');
      await expect(select(conn, sql, 10)).rejects.toThrow(/Catalog Error: Table with name t does not exist/);
      await conn.script('CREATE TABLE main.t AS SELECT 7 AS x');
      expect(await select(conn, sql, 10)).toEqual([{ y: 17 }]);
    });
  });

  it('are at most 64 per connection, the least recently run given up first', async () => {
    await db.withConnection(async (conn) => {
      const prepare = vi.spyOn(conn.raw, 'prepare');
      const text = (i: number) => `SELECT CAST($k AS BIGINT) + ${i} AS v`;
      for (let i = 0; i < 65; i++) await select(conn, text(i), 0);
      expect(prepare).toHaveBeenCalledTimes(65);
      expect(await select(conn, text(64), 1)).toEqual([{ v: 65 }]); // kept
      expect(prepare).toHaveBeenCalledTimes(65);
      expect(await select(conn, text(0), 1)).toEqual([{ v: 1 }]); // given up: prepared again
      expect(prepare).toHaveBeenCalledTimes(66);
    });
  });

  it('stop at once when the run is cancelled, and the connection stays usable', async () => {
    await db.withConnection(async (conn) => {
      const ctl = new AbortController();
      const slow = 'SELECT count(*) AS n FROM range(CAST($k AS BIGINT)) a, range(100000) b WHERE a.range + b.range < 0';
      const run = conn.runPrepared(slow, (stmt) => bindParameters(stmt, { k: { type: 'integer', value: 1e9 } }), {
        signal: ctl.signal,
      });
      setTimeout(() => ctl.abort('test'), 50);
      await expect(run).rejects.toMatchObject({ code: 'EXECUTION_CANCELLED' });
      expect(await select(conn, 'SELECT CAST($k AS BIGINT) AS k', 3)).toEqual([{ k: 3 }]);
    });
  });
});

describe('closing a database with work in flight', () => {
  it('frees nothing under a running statement or measurement: the statement settles, a waiting caller is refused', async () => {
    for (let round = 0; round < 5; round++) {
      const busy = await DuckDbDatabase.create({ allowedDirectories: [dir], threads: 1, connections: 1 });
      let started!: () => void;
      const running = new Promise<void>((r) => (started = r));
      const long = busy.withConnection(async (conn) => {
        const q = conn.script('SELECT count(*) FROM range(300000000) t(i) WHERE i % 7 = 3');
        started();
        return q;
      });
      await running;
      const waiting = busy.withConnection(async () => 'never');
      const measured = busy.memoryBytes();
      const refused = expect(waiting).rejects.toMatchObject({ code: 'EXECUTION_CANCELLED' });
      // Cancelled, or done when the interrupt came before DuckDB began the statement: either way it settles.
      const settled = long.then(
        () => 'done',
        (err: Error) => (/cancelled/i.test(err.message) ? 'cancelled' : err.message),
      );
      busy.close();
      expect(['cancelled', 'done']).toContain(await settled);
      await refused;
      expect(await measured).toBeGreaterThanOrEqual(0);
      expect(await busy.memoryBytes()).toBe(0);
    }
  });
});
