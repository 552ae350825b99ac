import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JSON_ROWS_CHARS } from './node-executor';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

describe('results kept as literal rows', () => {
  it('makes no table for an input kept as its JSON text, and one for an input beyond JSON_ROWS_CHARS', async () => {
    const rt = fx.runtime(`name: tables
nodes:
  - { id: rows, kind: input, columns: { k: integer, s: string } }
  - id: out
    kind: sql
    inputs: [rows]
    sql: SELECT count(*) AS n, (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__r_rows%') AS tables FROM rows
`);
    const rows = (n: number, s = '') => Array.from({ length: n }, (_, k) => ({ k, s }));
    expect((await rt.run({ node: 'out', inputs: { rows: rows(5) } })).rows).toEqual([{ n: 5, tables: 0 }]);
    expect((await rt.run({ node: 'out', inputs: { rows: [] } })).rows).toEqual([{ n: 0, tables: 0 }]);
    expect((await rt.run({ node: 'out', inputs: { rows: rows(1500) } })).rows).toEqual([{ n: 1500, tables: 0 }]);
    const long = 'x'.repeat(Math.ceil(JSON_ROWS_CHARS / 1000));
    expect((await rt.run({ node: 'out', inputs: { rows: rows(1000, long) } })).rows).toEqual([{ n: 1000, tables: 1 }]);
  });

  it('exports results kept as literal rows (an input, a small SQL result) like table results', async () => {
    const rt = fx.runtime(`name: lit
nodes:
  - { id: rows, kind: input, columns: { n: integer, s: string } }
  - { id: up, kind: sql, inputs: [rows], sql: "SELECT n, upper(s) AS s FROM rows ORDER BY n" }
  - { id: raw, kind: export, input: rows, file: out/raw.csv }
  - { id: upper, kind: export, input: up, file: out/upper.csv }
`);
    const csv = (name: string) => fs.readFile(path.join(fx.storage.root, `out/${name}.csv`), 'utf8');
    // The second run finds `up` small from the first, so both exported results are literal rows then.
    for (const [i, rows] of [
      [{ n: 1, s: "it's" }],
      [
        { n: 2, s: 'b,"c"' },
        { n: 1, s: 'a' },
      ],
    ].entries()) {
      await rt.run({ inputs: { rows } });
      const sorted = [...rows].sort((a, b) => a.n - b.n);
      expect(await csv('upper'), `run ${i}`).toBe(
        `n,s\n${sorted.map((r) => `${r.n},${/[,"]/.test(r.s) ? `"${r.s.toUpperCase().replaceAll('"', '""')}"` : r.s.toUpperCase()}`).join('\n')}\n`,
      );
      expect(await csv('raw'), `run ${i}`).toBe(
        `n,s\n${rows.map((r) => `${r.n},${/[,"]/.test(r.s) ? `"${r.s.replaceAll('"', '""')}"` : r.s}`).join('\n')}\n`,
      );
    }
  });
});
