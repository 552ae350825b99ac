import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materializedPage } from './json-values';
import { bindParameters, bindValue, type BoundValue } from './sql-parameters';
import {
  INLINE_SQL_CHARS,
  INLINE_VALUES,
  literalRows,
  sqlLiteral,
  valuesRelation,
  type LiteralColumn,
} from './sql-literals';
import { DUCKDB_TYPES, type CheckedValue } from './typed-values';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

const COLUMNS: LiteralColumn[] = [
  { name: 's', type: 'string' },
  { name: 'x', type: 'number' },
  { name: 'k', type: 'integer' },
  { name: 'b', type: 'boolean' },
  { name: 'd', type: 'date' },
];

const tricky = fc.constantFrom(
  "'",
  "''",
  '\\',
  "\\'",
  '\u0000',
  '--',
  '/*',
  '*/',
  ';',
  '$1',
  '$s',
  '"',
  '\n',
  'é',
  '😀',
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(fc.oneof(tricky, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join('')),
);
const day = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const row: fc.Arbitrary<CheckedValue[]> = fc.tuple(
  fc.option(text, { nil: null }),
  fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  fc.option(fc.maxSafeInteger(), { nil: null }),
  fc.option(fc.boolean(), { nil: null }),
  fc.option(day, { nil: null }),
);

/** The same rows through bound parameters: the reference the literals must match. */
async function bound(rows: CheckedValue[][]) {
  const tuple = (r: number) =>
    `(${COLUMNS.map((c, k) => `$${r * COLUMNS.length + k + 1}::${DUCKDB_TYPES[c.type]}`).join(', ')})`;
  const stmt = await conn.prepare(
    `SELECT * FROM (VALUES ${rows.map((_, r) => tuple(r)).join(', ')}) AS v(s, x, k, b, d)`,
  );
  rows.forEach((values, r) =>
    values.forEach((value, c) => bindValue(stmt, r * COLUMNS.length + c + 1, { type: COLUMNS[c].type, value })),
  );
  return materializedPage(await stmt.run());
}

describe('SQL literals of checked values', () => {
  it('select back exactly what bound parameters give, whatever the text, number or date', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 8 }), async (rows) => {
        const literal = materializedPage(await conn.run(`SELECT * FROM ${valuesRelation(COLUMNS, rows)!}`));
        const reference = await bound(rows);
        expect(literal.columns).toEqual(reference.columns);
        expect(literal.rows).toEqual(reference.rows);
        // The same rows written with a typed parameter per value, as a kept prepared query reads them.
        const params: Record<string, BoundValue> = {};
        const relation = literalRows(COLUMNS, rows)!.parameterized((value) => {
          const name = `v${Object.keys(params).length + 1}`;
          params[name] = value;
          return name;
        });
        const stmt = await conn.prepare(`SELECT * FROM ${relation}`);
        bindParameters(stmt, params);
        expect(materializedPage(await stmt.run())).toEqual(reference);
      }),
      { numRuns: 150 },
    );
  });

  it('keep negative zero and the extremes of doubles exact', async () => {
    for (const x of [-0, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1e21, 1 / 3]) {
      const got = (await (await conn.run(`SELECT ${sqlLiteral('number', x)} AS x`)).getRows())[0][0];
      expect(Object.is(got, x)).toBe(true);
    }
  });

  it('give an empty relation with the declared column types', async () => {
    const page = materializedPage(await conn.run(`SELECT * FROM ${valuesRelation(COLUMNS, [])!}`));
    expect(page.rows).toEqual([]);
    expect(page.columns).toEqual(COLUMNS.map((c) => ({ name: c.name, type: DUCKDB_TYPES[c.type] })));
    const none = literalRows(COLUMNS, [])!.parameterized(() => 'unused');
    expect(materializedPage(await conn.run(`SELECT * FROM ${none}`))).toEqual(page);
  });

  it('are refused for values their type does not allow', () => {
    expect(() => sqlLiteral('integer', 1.5)).toThrow(TypeError);
    expect(() => sqlLiteral('number', Number.NaN)).toThrow(TypeError);
    expect(() => sqlLiteral('date', '2024-02-30')).toThrow(TypeError);
    expect(() => sqlLiteral('boolean', 'true')).toThrow(TypeError);
  });

  it('are not used past the value count or the text length they are kept for', () => {
    const one: LiteralColumn[] = [{ name: 'k', type: 'integer' }];
    expect(
      valuesRelation(
        one,
        Array.from({ length: INLINE_VALUES }, (_, i) => [i]),
      ),
    ).toBeDefined();
    expect(
      valuesRelation(
        one,
        Array.from({ length: INLINE_VALUES + 1 }, (_, i) => [i]),
      ),
    ).toBeUndefined();
    const long: LiteralColumn[] = [{ name: 's', type: 'string' }];
    expect(valuesRelation(long, [['x'.repeat(INLINE_SQL_CHARS)]])).toBeUndefined();
  });
});
