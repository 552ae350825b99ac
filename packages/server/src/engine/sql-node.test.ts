import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remember, REMEMBERED_SQL } from './sql-node';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

/** A package whose `out` node is `sql`, and a `tables` node counting the tables `out` made. */
const withSql = (sql: string, variables = '') => `name: sized
variables:
  probe: { type: integer, default: 0 }
${variables}
nodes:
  - { id: rows, kind: input, columns: { a: integer, t: string } }
  - id: out
    kind: sql
    inputs: [rows]
    sql: |
${sql
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
  - id: tables
    kind: sql
    sql: SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '__r_out%' AND $probe IS NOT NULL
`;

const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ a: from + i, t: `it's ${from + i}` }));
let probes = 0;
/** How many tables `out` has made so far (a new probe value each time, so the count is not reused). */
const tables = async (rt: ReturnType<EngineFixture['runtime']>) =>
  (await rt.run({ node: 'tables', variables: { probe: ++probes } })).rows?.[0].n;

describe('SQL node results', () => {
  it('makes a table the first time, then keeps a result that stays small as literal rows', async () => {
    const rt = fx.runtime(withSql('SELECT a * 2 AS b, t FROM rows ORDER BY a DESC'));
    for (let call = 0; call < 4; call++) {
      const out = await rt.run({ node: 'out', inputs: { rows: rows(3, call * 10) } });
      expect(out.rows).toEqual([2, 1, 0].map((i) => ({ b: 2 * (call * 10 + i), t: `it's ${call * 10 + i}` })));
    }
    expect(await tables(rt)).toBe(1);
  });

  it('reads inputs of any row count, none included, from one kept statement per count', async () => {
    const rt = fx.runtime(withSql('SELECT a * 2 AS b, t FROM rows ORDER BY a DESC'));
    for (const n of [2, 0, 1, 0, 2, 1]) {
      const out = await rt.run({ node: 'out', inputs: { rows: rows(n, 10 * n) } });
      expect(out.total).toBe(n);
      expect(out.rows).toEqual(
        rows(n, 10 * n)
          .map((r) => ({ b: 2 * r.a, t: r.t }))
          .reverse(),
      );
      expect(out.columns?.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR']);
    }
    expect(await tables(rt)).toBe(1);
  });

  it('goes back to a table when the result grows, in the query order and complete', async () => {
    const rt = fx.runtime(withSql('SELECT a * 2 AS b, t FROM rows ORDER BY a DESC'));
    await rt.run({ node: 'out', inputs: { rows: rows(3) } });
    await rt.run({ node: 'out', inputs: { rows: rows(3, 5) } });
    const big = await rt.run({ node: 'out', inputs: { rows: rows(250) } });
    expect(big.total).toBe(250);
    expect(big.rows?.map((r) => r.b)).toEqual(Array.from({ length: 250 }, (_, i) => 2 * (249 - i)));
    expect(await tables(rt)).toBe(2);
    // Small again: a table once more (it was large last time), then literal rows.
    await rt.run({ node: 'out', inputs: { rows: rows(2, 7) } });
    expect((await rt.run({ node: 'out', inputs: { rows: rows(2, 9) } })).rows).toEqual([
      { b: 20, t: "it's 10" },
      { b: 18, t: "it's 9" },
    ]);
    expect(await tables(rt)).toBe(3);
  });

  it('keeps a result with types literal rows cannot hold in a table, with its values', async () => {
    const rt = fx.runtime(
      withSql("SELECT a::DECIMAL(10,2) / 3 AS d, [a] AS l, TIMESTAMP '2024-01-01' AS ts FROM rows"),
    );
    for (let call = 0; call < 3; call++) {
      const out = await rt.run({ node: 'out', inputs: { rows: rows(1, 3 + call) } });
      expect(out.rows).toEqual([{ d: (3 + call) / 3, l: [3 + call], ts: '2024-01-01T00:00:00Z' }]);
    }
    expect(await tables(rt)).toBe(3);
  });

  it('runs SQL that ends with a semicolon or a comment, run after run', async () => {
    for (const sql of ['SELECT count(*) AS n FROM rows;', 'SELECT count(*) AS n FROM rows -- how many']) {
      const rt = fx.runtime(withSql(sql));
      for (let n = 1; n <= 3; n++)
        expect((await rt.run({ node: 'out', inputs: { rows: rows(n) } })).rows).toEqual([{ n }]);
    }
  });

  it('runs SQL with its own WITH clause as literal rows, and SQL naming an input by schema as a table', async () => {
    const own = fx.runtime(withSql('WITH doubled AS (SELECT a * 2 AS b FROM rows) SELECT max(b) AS s FROM doubled'));
    for (let n = 1; n <= 3; n++)
      expect((await own.run({ node: 'out', inputs: { rows: rows(n) } })).rows).toEqual([{ s: 2 * (n - 1) }]);
    expect(await tables(own)).toBe(1);
    // Inputs are views while a table is made and CTEs in the query that skips the table: a name only
    // a view has (its schema) sends such SQL back to making a table, run after run.
    const bySchema = fx.runtime(withSql('SELECT count(*) AS n FROM temp.main.rows'));
    for (let n = 1; n <= 4; n++)
      expect((await bySchema.run({ node: 'out', inputs: { rows: rows(n) } })).rows).toEqual([{ n }]);
    expect(await tables(bySchema)).toBe(4);
  });

  it('binds variables on every run, small results included', async () => {
    const rt = fx.runtime(
      withSql(
        'SELECT a * $factor AS b, $label AS label, typeof($label) AS tl FROM rows ORDER BY a',
        '  factor: { type: integer, default: 2 }\n  label: { type: string, default: x }',
      ),
    );
    const labels = ['plain', `it's "quoted" \\ -- not a comment`, "'); DROP TABLE x; --", 'nul \u0000 inside'];
    for (const [i, factor] of [2, 3, 5, 7].entries()) {
      const label = labels[i];
      const out = await rt.run({ node: 'out', inputs: { rows: rows(2) }, variables: { factor, label } });
      expect(out.rows).toEqual([
        { b: 0, label, tl: 'VARCHAR' },
        { b: factor, label, tl: 'VARCHAR' },
      ]);
    }
    expect(await tables(rt)).toBe(1);
  });

  it('reports an error of the package SQL the same way whether the last result was small or not', async () => {
    const rt = fx.runtime(withSql('SELECT CAST(t AS INTEGER) AS x FROM rows'));
    await expect(rt.run({ node: 'out', inputs: { rows: [{ a: 1, t: '7' }] } })).resolves.toMatchObject({
      rows: [{ x: 7 }],
    });
    await expect(rt.run({ node: 'out', inputs: { rows: [{ a: 1, t: '8' }] } })).resolves.toMatchObject({
      rows: [{ x: 8 }],
    });
    await expect(rt.run({ node: 'out', inputs: { rows: [{ a: 1, t: 'eight' }] } })).rejects.toThrow(
      /Could not convert string 'eight'/,
    );
    await expect(rt.run({ node: 'out', inputs: { rows: [{ a: 1, t: '9' }] } })).resolves.toMatchObject({
      rows: [{ x: 9 }],
    });
  });

  it('starts its memory of SQL texts over once it holds the most it keeps', () => {
    const texts = new Set<string>();
    for (let i = 0; i < REMEMBERED_SQL; i++) remember(texts, `SELECT ${i}`);
    remember(texts, 'SELECT 0');
    expect(texts.size).toBe(REMEMBERED_SQL);
    remember(texts, 'SELECT new');
    expect([...texts]).toEqual(['SELECT new']);
  });
});
