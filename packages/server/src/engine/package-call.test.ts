import { afterEach, beforeEach, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import type { PackageRuntime } from './package-runtime';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

const LIB = `name: Lib
version: 1.3.0
nodes:
  - id: rows
    kind: input
    columns: { id: integer, v: number }
  - id: doubled
    kind: sql
    access: public
    inputs: [rows]
    sql: SELECT id, v * 2 AS v FROM rows ORDER BY id
  - id: hidden
    kind: sql
    sql: SELECT 1 AS x
`;

const APP = (node = 'doubled') => `name: App
references:
  - { alias: lib, path: lib/lib.pkg.yaml, version: ^1.0.0 }
nodes:
  - id: src
    kind: sql
    sql: SELECT range AS id, range * 1.5 AS v, 'extra' AS ignored FROM range(4)
  - id: called
    kind: call
    package: lib
    node: ${node}
    inputs: { rows: src }
  - id: result
    kind: sql
    access: published
    inputs: [called]
    sql: SELECT sum(v) AS total FROM called
`;

function wire(lib: PackageRuntime, text: string) {
  return fx.runtime(text, { resolveReference: () => lib });
}

it('calls a public node of a referenced package, passing our node as its input', async () => {
  const lib = fx.runtime(LIB);
  const app = wire(lib, APP());
  const r = await app.run({ node: 'result' });
  expect(r.rows).toEqual([{ total: 18 }]);
  expect(await app.rows('called', 0, 10)).toMatchObject({
    total: 4,
    rows: [
      { id: 0, v: 0 },
      { id: 1, v: 3 },
      { id: 2, v: 6 },
      { id: 3, v: 9 },
    ],
  });
});

it('shares one computation of the referenced package between instances that call it alike', async () => {
  const lib = fx.runtime(LIB);
  const a = wire(lib, APP());
  const b = wire(lib, APP());
  await Promise.all([a.run({ node: 'result' }), b.run({ node: 'result' })]);
  await a.run({ node: 'result' });
  expect(lib.computationCounts()).toEqual({ rows: 1, doubled: 1 });
});

it('refuses to call a private node', async () => {
  const lib = fx.runtime(LIB);
  const app = wire(lib, APP('hidden'));
  await expect(app.run({ node: 'result' })).rejects.toThrow(/private, not public/);
});

it('fails the call node clearly when the referenced package is not available', async () => {
  const app = fx.runtime(APP());
  const err = await app.run({ node: 'result' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).message).toMatch(/lib.*not available/);
});

it('tells which columns the calling node lacks', async () => {
  const lib = fx.runtime(LIB);
  const app = wire(lib, APP().replace("range * 1.5 AS v, 'extra' AS ignored", "'x' AS w"));
  await expect(app.run({ node: 'result' })).rejects.toThrow(/needs columns v/);
});

it('receives the same types and values from a called package, small (parameters) or large (appender)', async () => {
  const lib = fx.runtime(`name: Typed
nodes:
  - { id: rows, kind: input, columns: { id: integer } }
  - id: typed
    kind: sql
    access: public
    inputs: [rows]
    sql: |
      SELECT id, (id / 4)::DECIMAL(12,4) AS dec, TIMESTAMP '2024-01-02 03:04:05' + to_seconds(id) AS ts,
             [id, id + 1] AS list, {'a': id, 'b': 'x''y'} AS st,
             CASE WHEN id % 2 = 0 THEN NULL ELSE 'odd' END AS maybe, 9007199254740993 + id AS huge
      FROM rows ORDER BY id
`);
  const app = wire(
    lib,
    `name: Caller
references:
  - { alias: lib, path: lib/typed.pkg.yaml, version: "*" }
variables:
  n: { type: integer, default: 3 }
nodes:
  - { id: src, kind: sql, sql: "SELECT range AS id FROM range($n)" }
  - { id: called, kind: call, package: lib, node: typed, inputs: { rows: src } }
  - id: result
    kind: sql
    inputs: [called]
    sql: SELECT *, typeof(dec) AS tdec, typeof(ts) AS tts, typeof(list) AS tlist, typeof(st) AS tst FROM called ORDER BY id
`,
  );
  const small = await app.run({ node: 'result', variables: { n: 3 } }); // 21 values
  const large = await app.run({ node: 'result', variables: { n: 300 } }); // 2,100 values
  expect(large.total).toBe(300);
  expect(small.columns).toEqual(large.columns);
  expect(large.rows?.slice(0, 3)).toEqual(small.rows);
  expect(small.rows?.[1]).toEqual({
    id: 1,
    dec: 0.25,
    ts: '2024-01-02T03:04:06Z',
    list: [1, 2],
    st: { a: 1, b: "x'y" },
    maybe: 'odd',
    huge: '9007199254740994',
    tdec: 'DECIMAL(12,4)',
    tts: 'TIMESTAMP',
    tlist: 'BIGINT[]',
    tst: 'STRUCT(a BIGINT, b VARCHAR)',
  });
  expect(small.rows?.[0].maybe).toBeNull();
});

it('passes small tables of plain types between packages from memory, with the values DuckDB would pass', async () => {
  const tables = (prefix: string) => `(SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__r_${prefix}%')`;
  const lib = fx.runtime(`name: Plain
nodes:
  - { id: rows, kind: input, columns: { id: integer, v: number, s: string, d: date } }
  - id: same
    kind: sql
    access: public
    inputs: [rows]
    sql: SELECT *, ${tables('rows')} AS lib_tables FROM rows ORDER BY id
`);
  const app = wire(
    lib,
    `name: Caller
references:
  - { alias: lib, path: lib/plain.pkg.yaml, version: "*" }
variables:
  n: { type: integer, default: 3 }
nodes:
  - id: src
    kind: sql
    sql: |
      SELECT range AS id, range / 3 AS v, 'it''s ' || range AS s, DATE '2024-01-01' + range::INTEGER AS d
      FROM range($n)
  - { id: called, kind: call, package: lib, node: same, inputs: { rows: src } }
  - id: result
    kind: sql
    inputs: [called]
    sql: SELECT *, ${tables('called')} AS our_tables, typeof(v) AS tv, typeof(d) AS td FROM called ORDER BY id
`,
  );
  const small = await app.run({ node: 'result', variables: { n: 3 } }); // kept in memory: sent as literal rows
  const large = await app.run({ node: 'result', variables: { n: 300 } }); // not kept: sent through DuckDB
  expect(small.columns).toEqual(large.columns);
  const values = (rows: Record<string, unknown>[] | undefined) =>
    rows?.slice(0, 3).map(({ lib_tables: _l, our_tables: _o, ...rest }) => rest);
  expect(values(small.rows)).toEqual(values(large.rows));
  expect(small.rows?.[1]).toEqual({
    id: 1,
    v: 1 / 3,
    s: "it's 1",
    d: '2024-01-02',
    lib_tables: 0,
    our_tables: 0,
    tv: 'DOUBLE',
    td: 'DATE',
  });
  expect(large.rows?.[0]).toMatchObject({ lib_tables: 1, our_tables: 1 });
});
