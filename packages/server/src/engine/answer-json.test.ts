// Answers written as JSON (answer: 'json'): the same values as the rows, kept results reused, a node reading an answered result, and DuckDB's writing of every value type.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbDatabase } from './duckdb-runtime';
import { columnAliases, isSequence, rowWriter } from './answer-writer';
import { materializedPage } from './json-values';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

const PACKAGE = `name: answers
nodes:
  - { id: req, kind: input, columns: { x: integer, label: string } }
  - id: mapped
    kind: sql
    inputs: [req]
    sql: SELECT x * 2 AS y, upper(label) AS label, x / 3 AS third, DATE '2024-01-01' + CAST(x % 500 AS INTEGER) AS d FROM req
  - { id: counted, kind: sql, inputs: [mapped], sql: "SELECT count(*) AS n, sum(y) AS total FROM mapped" }
`;
const rows = (n: number, seed = 0) => Array.from({ length: n }, (_, i) => ({ x: seed + i, label: `item ${seed + i}` }));

describe('answers as JSON', () => {
  it('answers the same rows as objects do, at every size, and DuckDB writes them once their columns are known', async () => {
    const rt = fx.runtime(PACKAGE);
    for (const n of [0, 1, 200, 201, 1500, 1500]) {
      const inputs = { req: rows(n, n) };
      const objects = await rt.run({ node: 'mapped', inputs });
      const json = await rt.run({ node: 'mapped', inputs: { req: rows(n, n + 7) }, answer: 'json' });
      const again = await rt.run({ node: 'mapped', inputs: { req: rows(n, n + 7) } });
      expect(text(json.rowsJson), `${n} rows`).toBe(JSON.stringify(again.rows));
      expect(json.columns).toEqual(objects.columns);
      expect(json.total).toBe(n);
    }
  });

  it('answers a repeated call from the kept result, without computing it again', async () => {
    const rt = fx.runtime(PACKAGE);
    const inputs = { req: rows(1200) };
    const first = await rt.run({ node: 'mapped', inputs, answer: 'json' });
    const second = await rt.run({ node: 'mapped', inputs, answer: 'json' });
    expect(second.reused).toEqual(['req', 'mapped']);
    expect(second.executed).toEqual([]);
    expect(text(second.rowsJson)).toBe(text(first.rowsJson));
    expect(rt.computationCounts()).toEqual({ req: 1, mapped: 1 });
  });

  it('makes an answered result again as a table when a node reads it, with the same values', async () => {
    const rt = fx.runtime(PACKAGE);
    const inputs = { req: rows(1200) };
    const answered = await rt.run({ node: 'mapped', inputs, answer: 'json' });
    const rowsOf = JSON.parse(text(answered.rowsJson)) as { y: number }[];
    const counted = await rt.run({ node: 'counted', inputs });
    expect(counted.rows).toEqual([{ n: 1200, total: rowsOf.reduce((s, r) => s + r.y, 0) }]);
    expect(counted.executed).toEqual(['mapped', 'counted']);
    // Its page is read from the answer it kept, as a Studio page would be.
    expect((await rt.rows('mapped', 1190, 5)).rows).toEqual(rowsOf.slice(1190, 1195));
  });

  it('answers a result over the row limit from a table, truncated, as before', async () => {
    const rt = fx.runtime(PACKAGE, { maxResultRows: 1000 });
    const json = await rt.run({ node: 'mapped', inputs: { req: rows(1500) }, answer: 'json' });
    expect(json).toMatchObject({ total: 1500, truncated: true });
    const rowsOf = JSON.parse(text(json.rowsJson)) as unknown[];
    expect(rowsOf).toHaveLength(1000);
    expect((await rt.run({ node: 'mapped', inputs: { req: rows(1500) } })).rows).toEqual(rowsOf);
  });
});

describe('the row numbers beside the texts', () => {
  it('tell rows taken in order from rows taken in any other order, at every length', () => {
    for (const n of [1, 2, 9, 10, 11, 99, 100, 101, 1234, 10_001]) {
      const numbers = Array.from({ length: n }, (_, i) => i + 1);
      expect(isSequence(numbers.join(','), n), `${n}`).toBe(true);
      if (n > 1) {
        const swapped = [...numbers];
        [swapped[n - 2], swapped[n - 1]] = [swapped[n - 1], swapped[n - 2]];
        expect(isSequence(swapped.join(','), n), `${n} swapped`).toBe(false);
        expect(isSequence(numbers.slice(1).join(','), n), `${n} short`).toBe(false);
      }
    }
    expect(isSequence('', 0)).toBe(true);
    expect(isSequence('1,2,3', 4)).toBe(false);
    expect(isSequence('1,3,2,4', 4)).toBe(false);
  });
});

describe("DuckDB's writing of values", () => {
  let db: DuckDbDatabase;
  beforeAll(async () => {
    db = await DuckDbDatabase.create({ allowedDirectories: [fx?.dir ?? '/tmp'], threads: 1, memoryLimit: '256MB' });
  });
  afterAll(() => db?.close());

  /** The values of `sql` (one column of `type`) written by the guarded writer, and as JavaScript converts them. */
  async function bothWays(sql: string, type: string, params: Record<string, { type: 'string'; value: string }> = {}) {
    const writer = rowWriter({ names: ['v'], types: [type] }, 'guarded')!;
    return db.withConnection(async (conn) => {
      const wrote = await conn.run(
        `SELECT CAST(to_json(${writer.struct}) AS VARCHAR) AS j, coalesce(${writer.guard ?? 'true'}, true) AS ok ` +
          `FROM (${sql}) AS q(${columnAliases(1)})`,
        params,
      );
      const converted = materializedPage(await conn.run(sql, params)).rows;
      return wrote
        .getChunk(0)
        .getRows()
        .map(([j, ok], i) => ({ duckdb: String(j), ours: JSON.stringify(converted[i]), guarded: ok === true }));
    });
  }

  it('writes every double exactly as JavaScript does, or its guard says so', async () => {
    const doubles = fc.oneof(
      fc.double({ noNaN: false }),
      fc.integer({ min: -1e6, max: 1e6 }).map((i) => i * 0.25),
      fc.constantFrom(0, -0, 1e15, 1e17, 9.99e17, 1e18, 1e21, 123456789012345680000, 5e-324, 1e-7, 0.1 + 0.2),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(doubles, { minLength: 1, maxLength: 50 }), async (values) => {
        // Doubles travel exactly as JSON text (-0.0 written so); NaN and the infinities as strings DuckDB casts.
        const json = `[${values.map((v) => (Number.isNaN(v) ? '"nan"' : v === Infinity ? '"inf"' : v === -Infinity ? '"-inf"' : Object.is(v, -0) ? '-0.0' : String(v))).join(',')}]`;
        const sql = `SELECT CAST(v AS DOUBLE) AS v FROM (SELECT unnest(from_json(CAST($vals AS VARCHAR), '["VARCHAR"]')) AS v)`;
        for (const row of await bothWays(sql, 'DOUBLE', { vals: { type: 'string', value: json } }))
          if (row.guarded) expect(row.duckdb).toBe(row.ours);
      }),
      { numRuns: 60 },
    );
  });

  it('writes dates, timestamps, integers and text as JavaScript does, or its guard says so', async () => {
    const cases: [string, string][] = [
      ["SELECT DATE '0001-01-01' + CAST(i * 3001 AS INTEGER) - 400000 AS v FROM range(1500) t(i)", 'DATE'],
      ["SELECT TIMESTAMP '0001-01-01' + to_microseconds(i * 8123456789123) AS v FROM range(1500) t(i)", 'TIMESTAMP'],
      [
        "SELECT CAST(TIMESTAMP '1970-01-01' + to_microseconds(i * 987654321987) AS TIMESTAMP_MS) AS v FROM range(800) t(i)",
        'TIMESTAMP_MS',
      ],
      [
        "SELECT CAST(TIMESTAMP '1970-01-01' + to_microseconds(i * 123456789) AS TIMESTAMP_NS) AS v FROM range(800) t(i)",
        'TIMESTAMP_NS',
      ],
      ['SELECT (i - 500) * 36028797018963 AS v FROM range(1000) t(i)', 'BIGINT'],
      ['SELECT (CAST(i AS HUGEINT) - 300) * 18014398509481 AS v FROM range(1000) t(i)', 'HUGEINT'],
      ['SELECT CAST(i AS FLOAT) / 7 AS v FROM range(1000) t(i)', 'FLOAT'],
      [
        "SELECT chr(CAST(i AS INTEGER)) || 'x' || chr(CAST(i % 32 AS INTEGER)) AS v FROM range(1, 3000) t(i)",
        'VARCHAR',
      ],
    ];
    for (const [sql, type] of cases) {
      const rows = await bothWays(sql, type);
      expect(rows.filter((r) => r.guarded).length, type).toBeGreaterThan(rows.length / 2);
      // Text's only difference (upper-case hex in \u00XX) is rewritten afterwards; see withOurEscapes.
      for (const row of rows)
        if (row.guarded)
          expect(type === 'VARCHAR' ? JSON.stringify(JSON.parse(row.duckdb)) : row.duckdb, type).toBe(row.ours);
    }
  });
});
