// Request rows as DuckDB reads them: a few rows bound value by value read back exactly as the rows' JSON text does.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbDatabase } from './duckdb-runtime';
import { BOUND_VALUES, jsonRowsOf } from './json-rows';
import { materializedPage } from './json-values';
import type { ValueType } from './package-types';
import type { BoundValue } from './sql-parameters';

let db: DuckDbDatabase;
beforeAll(async () => {
  db = await DuckDbDatabase.create({ allowedDirectories: ['/tmp'], threads: 1, memoryLimit: '256MB' });
});
afterAll(() => db?.close());

const COLUMNS: Record<string, ValueType> = { s: 'string', n: 'number', i: 'integer', b: 'boolean', d: 'date' };

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', "it's", 'a\u0000b', '\ud800 lone', 'x\udfff', '😀 ünï', '\\u00e9', '"quoted"', 'line\nbreak'),
);
const double = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 5e-324, 1.7976931348623157e308, -1e21, 0.1 + 0.2, 2 ** 53),
);
const integer = fc.oneof(
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, -1),
  fc.maxSafeInteger(),
);
const day = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
const row = fc.record({
  s: nullable(text),
  n: nullable(double),
  i: nullable(integer),
  b: nullable(fc.boolean()),
  d: nullable(day),
});

/** The rows and column types DuckDB reads from `relation`. */
async function read(relation: string, params: Record<string, BoundValue>) {
  return db.withConnection(async (conn) => {
    const page = materializedPage(await conn.run(`SELECT * FROM ${relation}`, params));
    return { columns: page.columns, rows: page.rows };
  });
}

function bound(rows: ReturnType<typeof jsonRowsOf>) {
  const params: Record<string, BoundValue> = {};
  const relation = rows.parameterized((value) => {
    const name = `p${Object.keys(params).length + 1}`;
    params[name] = value;
    return name;
  });
  return { relation, params };
}

describe('request rows as DuckDB reads them', () => {
  // `relation` always reads the JSON text (a view takes no parameters): the reference for the bound form.
  it('reads a row bound value by value exactly as its JSON text, every type, null and edge value', async () => {
    await fc.assert(
      fc.asyncProperty(row, async (one) => {
        const checked = jsonRowsOf('req', COLUMNS, [one]);
        const { relation, params } = bound(checked);
        expect(Object.keys(params)).toHaveLength(5);
        expect(await read(relation, params)).toEqual(await read(checked.relation, {}));
      }),
      { numRuns: 150 },
    );
  });

  it('reads up to BOUND_VALUES values bound one by one exactly as their JSON text, in their order', async () => {
    const columns: Record<string, ValueType> = { s: 'string', n: 'number' };
    const pair = fc.record({ s: nullable(text), n: nullable(double) });
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { minLength: 1, maxLength: BOUND_VALUES / 2 }), async (rows) => {
        const checked = jsonRowsOf('req', columns, rows);
        const { relation, params } = bound(checked);
        expect(Object.keys(params)).toHaveLength(rows.length * 2);
        expect(await read(relation, params)).toEqual(await read(checked.relation, {}));
      }),
      { numRuns: 80 },
    );
  });

  it('binds up to BOUND_VALUES values one by one and more as one JSON text, to the same rows', async () => {
    const columns: Record<string, ValueType> = { x: 'integer', label: 'string' };
    for (const n of [1, BOUND_VALUES / 2, BOUND_VALUES / 2 + 1, 50]) {
      const rows = Array.from({ length: n }, (_, k) => ({ x: k - 2, label: `item ${k}` }));
      const checked = jsonRowsOf('req', columns, rows);
      const { relation, params } = bound(checked);
      expect(Object.keys(params).length, `${n} rows`).toBe(n * 2 <= BOUND_VALUES ? n * 2 : 1);
      expect((await read(relation, params)).rows, `${n} rows`).toEqual(rows);
    }
  });
});
