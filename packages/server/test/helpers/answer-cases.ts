// The type matrix of the Integrator answer tests: a package of every input and result type, and the calls made to it.
export const TYPES_PATH = 'it/types.pkg.yaml';
const URL = `/integrator/v1/${TYPES_PATH}`;

/**
 * `vals` takes every package value type; `echo` answers it as it is, `derived` computes other DuckDB
 * types from it, `every_type` answers constants of every DuckDB type at the edges of their ranges
 * and `many` a generated result of `$rows` rows.
 */
export const TYPES_PACKAGE = `name: Types
version: 1.0.0
variables:
  rows: { type: integer, default: 10 }
nodes:
  - id: vals
    kind: input
    columns: { s: string, n: number, i: integer, b: boolean, d: date }
  - id: echo
    kind: sql
    access: published
    inputs: [vals]
    sql: SELECT * FROM vals
  - id: derived
    kind: sql
    access: published
    inputs: [vals]
    sql: |
      SELECT s, upper(s) AS su, length(s) AS len, n, n / 3 AS third, CAST(least(greatest(n, -1e30), 1e30) AS FLOAT) AS f, i,
             CAST(i AS HUGEINT) * 1000000000000 AS huge, CAST(i AS DECIMAL(38, 4)) / 7 AS dec,
             b, NOT b AS nb, d, d + INTERVAL 1 DAY AS next_day, CAST(d AS TIMESTAMP) + INTERVAL 90 MINUTE AS ts,
             [i, i] AS pair, {'s': s, 'i': i} AS rec
      FROM vals
  - id: every_type
    kind: sql
    access: published
    sql: |
      SELECT * FROM (
      SELECT 1 AS k, CAST(-128 AS TINYINT) AS tiny, CAST(-32768 AS SMALLINT) AS small,
             CAST(-2147483648 AS INTEGER) AS int, CAST(-9223372036854775808 AS BIGINT) AS big,
             CAST(-9007199254740991 AS BIGINT) AS safe, CAST(-9007199254740992 AS BIGINT) AS unsafe,
             CAST(-170141183460469231731687303715884105728 AS HUGEINT) AS huge, CAST(0 AS UTINYINT) AS utiny,
             CAST(0 AS UBIGINT) AS ubig, CAST(0 AS UHUGEINT) AS uhuge,
             CAST(-1.7976931348623157e308 AS DOUBLE) AS dbl, CAST('5e-324' AS DOUBLE) AS tiny_dbl,
             CAST('-0.0' AS DOUBLE) AS neg_zero, CAST('NaN' AS DOUBLE) AS nan, CAST(-3.4028235e38 AS FLOAT) AS flt,
             CAST(-999.9 AS DECIMAL(4, 1)) AS dec4, CAST(-999999999999.999999 AS DECIMAL(18, 6)) AS dec18,
             CAST('-9999999999999999999999999999.9999999999' AS DECIMAL(38, 10)) AS dec38,
             DATE '0001-01-01' AS dt, TIMESTAMP '0001-01-01 00:00:00' AS ts, CAST('1970-01-01 00:00:01' AS TIMESTAMP_S) AS ts_s,
             CAST('2024-02-29 23:59:59.999' AS TIMESTAMP_MS) AS ts_ms, CAST('2024-02-29 23:59:59.123456789' AS TIMESTAMP_NS) AS ts_ns,
             TIMESTAMPTZ '2024-06-01 12:00:00+02' AS tstz, TIME '00:00:00' AS tm, INTERVAL '1 year 2 months 3 days 04:05:06.789' AS iv,
             CAST('00000000-0000-0000-0000-000000000000' AS UUID) AS uu, CAST('\\x00\\xFF' AS BLOB) AS bl,
             '' AS txt, false AS bo, [1, 2, NULL] AS lst, {'a': 1, 'b': 'x'} AS st, MAP {'k': 1} AS mp,
             CAST('{"a": [1, 2.5, "x"]}' AS JSON) AS js, CAST('101' AS BIT) AS bits
      UNION ALL
      SELECT 2 AS k, CAST(127 AS TINYINT), CAST(32767 AS SMALLINT), CAST(2147483647 AS INTEGER),
             CAST(9223372036854775807 AS BIGINT), CAST(9007199254740991 AS BIGINT), CAST(9007199254740993 AS BIGINT),
             CAST(170141183460469231731687303715884105727 AS HUGEINT), CAST(255 AS UTINYINT),
             CAST(18446744073709551615 AS UBIGINT), CAST(340282366920938463463374607431768211455 AS UHUGEINT),
             CAST(1.7976931348623157e308 AS DOUBLE), CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE), CAST('inf' AS DOUBLE),
             CAST('-inf' AS DOUBLE), CAST(1.1 AS FLOAT), CAST(999.9 AS DECIMAL(4, 1)),
             CAST(999999999999.999999 AS DECIMAL(18, 6)), CAST('9999999999999999999999999999.9999999999' AS DECIMAL(38, 10)),
             DATE '9999-12-31', TIMESTAMP '2024-02-29 23:59:59.999999', CAST('2262-04-11 23:47:16' AS TIMESTAMP_S),
             CAST('1969-12-31 23:59:59.001' AS TIMESTAMP_MS), CAST('1677-09-22 00:00:00' AS TIMESTAMP_NS),
             TIMESTAMPTZ '1999-12-31 23:59:59.5-05', TIME '23:59:59.999999', INTERVAL '-1 day -00:00:01',
             CAST('ffffffff-ffff-ffff-ffff-ffffffffffff' AS UUID), CAST('abc' AS BLOB),
             'Zürich — 東京 🚀 é "quoted" \\back\\slash' || chr(9) || chr(10) || chr(1) || chr(8232) || chr(0) || 'end',
             true, [], {'a': NULL, 'b': ''}, MAP {}, CAST('null' AS JSON), CAST('0' AS BIT)
      UNION ALL
      SELECT 3 AS k, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, repeat('long text ', 3000),
             NULL, NULL, NULL, NULL, NULL, NULL)
      UNION ALL BY NAME
      SELECT 4 AS k, DATE 'infinity' AS dt, TIMESTAMP '-infinity' AS ts, DATE '0044-03-15 (BC)' AS tiny_dbl_date,
             CAST(12.5 AS DECIMAL(3, 1)) AS dec4, CAST(0.000001 AS DECIMAL(18, 6)) AS dec18
      ORDER BY k
  - id: plain_types
    kind: sql
    access: published
    sql: |
      SELECT CAST(i % 128 AS TINYINT) AS t, CAST(i * 7 AS SMALLINT) AS sm, CAST(i * 100003 AS INTEGER) AS it,
             CAST(i % 256 AS UTINYINT) AS ut, CAST(i AS USMALLINT) AS us, CAST(i * 1000 AS UINTEGER) AS ui,
             i * 3000000000000 AS big, CAST(i AS HUGEINT) * 1000 AS huge, CAST(i AS UBIGINT) AS ubig,
             CAST(i AS UHUGEINT) AS uhuge, i / 7 AS dbl, CAST(i AS DOUBLE) * 2 AS dbl_int, CAST(i AS FLOAT) / 3 AS flt,
             CAST(i AS DOUBLE) * 1e14 AS dbl_big, -CAST(i AS DOUBLE) / 1e9 AS dbl_small,
             DATE '2000-01-01' + CAST(i AS INTEGER) AS d, TIMESTAMP '2024-01-01' + to_microseconds(i * 1234567) AS ts,
             CAST(TIMESTAMP '2024-01-01' + to_seconds(i) AS TIMESTAMP_S) AS ts_s,
             CAST(TIMESTAMP '2024-01-01' + to_milliseconds(i * 1001) AS TIMESTAMP_MS) AS ts_ms,
             CAST(TIMESTAMP '2024-01-01' + to_microseconds(i * 77) AS TIMESTAMP_NS) AS ts_ns,
             'v' || i || CASE WHEN i % 50 = 0 THEN chr(31) || chr(11) || chr(1) ELSE '' END
               || CASE WHEN i % 3 = 0 THEN '"q\\ é 🚀' ELSE '' END AS s,
             i % 2 = 0 AS b, CASE WHEN i % 5 = 0 THEN NULL ELSE i END AS maybe, 'same' AS "1", i AS "Dup", i + 1 AS "Dup"
      FROM range($rows) t(i)
  - id: tripped
    kind: sql
    access: published
    sql: |
      SELECT i AS big, CAST(i AS DOUBLE) AS dbl, DATE '2000-01-01' + CAST(i AS INTEGER) AS d,
             TIMESTAMP '2024-01-01' + to_seconds(i) AS ts
      FROM range($rows) t(i)
      UNION ALL SELECT 9007199254740993, 1e20, DATE '0044-03-15 (BC)', TIMESTAMP '10000-01-01 00:00:00'
      UNION ALL SELECT -9223372036854775808, CAST('NaN' AS DOUBLE), DATE '0000-06-01', TIMESTAMP '0001-01-01 00:00:00'
      UNION ALL SELECT 1, CAST('-inf' AS DOUBLE), DATE 'infinity', TIMESTAMP '-infinity'
      UNION ALL SELECT 2, 123456789012345680000, NULL, NULL
  - id: many
    kind: sql
    access: published
    sql: |
      SELECT i AS id, i * 1.5 AS x, 'row ' || i AS label, DATE '2024-01-01' + CAST(i AS INTEGER) AS d,
             i % 3 = 0 AS flag, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000003 END AS maybe,
             TIMESTAMP '2024-01-01' + to_seconds(i) AS at, CAST(i AS DOUBLE) / 7 AS ratio
      FROM range($rows) t(i)
`;

export interface AnswerCase {
  name: string;
  url: string;
  body: unknown;
}

/** Values at the edges of each package type, cycled over the rows of a batch. */
const EDGE_ROWS: Record<string, unknown>[] = [
  { s: 'plain', n: 1.5, i: 1, b: true, d: '2024-02-29' },
  { s: '', n: -0, i: 0, b: false, d: '0001-01-01' },
  {
    s: 'Zürich — 東京 🚀 e\u0301 "q" \\ \t\n\u2028',
    n: 1.7976931348623157e308,
    i: 9007199254740991,
    b: null,
    d: '9999-12-31',
  },
  { s: null, n: -1.7976931348623157e308, i: -9007199254740991, b: true, d: null },
  { n: 5e-324, i: 1 },
  { s: 'x'.repeat(5000), n: 0.1, i: -1, b: false, d: '2024-05-06T07:08:09.123Z' },
  { s: 'nul\u0000char', n: 123456789012345680000, i: 42, b: true, d: '1970-01-01' },
  { s: "it's", n: 1e-7, i: 2147483648, b: false, d: '2000-01-01T00:00:00+05:00' },
];

function batch(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, r) => {
    const edge = EDGE_ROWS[r % EDGE_ROWS.length];
    // Every row differs, so no two batches of a size share a result.
    return r < EDGE_ROWS.length ? edge : { ...edge, i: r, s: `row ${r} ${String(edge.s ?? '')}`.slice(0, 60) };
  });
}

/** Rows of ordinary values: no double beyond 1e18, no date outside years 1 to 9999. */
function plainBatch(count: number, seed: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, r) => ({
    s: r % 9 === 0 ? null : `name ${seed}-${r}${r % 13 === 0 ? ' "q" \\ \u001f é 🚀' : ''}`,
    n: r % 7 === 0 ? null : (r * 1.25) / (seed + 1) - 100,
    i: r % 11 === 0 ? null : r * 1_000_003 - 5_000_000,
    b: r % 5 === 0 ? null : r % 2 === 0,
    d: r % 6 === 0 ? null : `20${String(10 + (r % 15)).padStart(2, '0')}-0${1 + (r % 9)}-1${r % 10}`,
  }));
}

/** Sizes around each boundary of the engine: literal rows (1,000 values), kept rows (200), the answer's limit. */
const BATCH_SIZES = [0, 1, 3, 8, 199, 200, 201, 1000, 2500];
const MANY_ROWS = [0, 1, 200, 201, 1000, 10_000, 10_001, 25_000];

function withBad(count: number, row: number, column: string, value: unknown): Record<string, unknown>[] {
  const rows = batch(count);
  rows[row] = { ...rows[row], [column]: value };
  return rows;
}

const BAD_VALUES: [string, unknown][] = [
  ['s', 5],
  ['s', ['a']],
  ['n', '1.5'],
  ['n', true],
  ['i', 1.5],
  ['i', 9007199254740992],
  ['i', '7'],
  ['b', 'true'],
  ['b', 1],
  ['d', '2024-02-30'],
  ['d', 20240101],
  ['d', '24-01-01'],
  ['d', { y: 2024 }],
];

export const ANSWER_CASES: AnswerCase[] = [
  ...BATCH_SIZES.flatMap((n) =>
    ['echo', 'derived'].map((node) => ({
      name: `${node} ${n} rows`,
      url: `${URL}/${node}`,
      body: { inputs: { vals: batch(n) } },
    })),
  ),
  // Again: answered from the results the instance keeps; then small batches after large ones.
  ...[3, 1000].flatMap((n) =>
    ['echo', 'derived'].map((node) => ({
      name: `${node} ${n} rows again`,
      url: `${URL}/${node}`,
      body: { inputs: { vals: batch(n) } },
    })),
  ),
  ...[5, 300].flatMap((n) =>
    ['echo', 'derived'].map((node) => ({
      name: `${node} ${n} rows after larger ones`,
      url: `${URL}/${node}`,
      body: { inputs: { vals: batch(n) } },
    })),
  ),
  { name: 'echo with no inputs', url: `${URL}/echo`, body: {} },
  // Each twice: the first call learns the result's columns, the second is written by DuckDB where it can be.
  ...[0, 1, 150, 250, 1000, 3000, 3000, 250].flatMap((rows, k) =>
    ['plain_types', 'tripped'].map((node) => ({
      name: `${node} ${rows} rows (${k})`,
      url: `${URL}/${node}`,
      body: { variables: { rows } },
    })),
  ),
  ...[250, 251].map((rows) => ({
    name: `plain_types ${rows} rows, a new body`,
    url: `${URL}/plain_types`,
    body: { variables: { rows } },
  })),
  // Plain values, so that DuckDB writes the answer (the rows above hold values at the edges, which it leaves to JavaScript).
  ...[500, 500, 2000, 2000, 120].map((n, k) => ({
    name: `echo ${n} plain rows (${k})`,
    url: `${URL}/echo`,
    body: { inputs: { vals: plainBatch(n, k) } },
  })),
  // Dates in year 0 (1 BC) and around the edges of what DuckDB takes.
  {
    name: 'echo dates at the edges',
    url: `${URL}/echo`,
    body: {
      inputs: {
        vals: ['0000-02-29', '0000-01-01', '0001-01-01', '9999-12-31', '1582-10-10'].map((d, i) => ({ d, i })),
      },
    },
  },
  {
    name: 'derived dates at the edges',
    url: `${URL}/derived`,
    body: { inputs: { vals: ['0000-02-29', '0000-12-31', '9999-12-31'].map((d, i) => ({ d, i, n: i })) } },
  },
  // Raw bodies: JSON.stringify would write -0 as 0.
  ...['echo', 'derived'].map((node) => ({
    name: `${node} lone surrogates and negative zero`,
    url: `${URL}/${node}`,
    body:
      '{"inputs": {"vals": [{"s": "a\\ud800b", "n": -0, "i": -0}, {"s": "\\udfff", "n": 0}, ' +
      '{"s": "\\\\ud800 literally", "n": -0.0}, {"s": "pair \\ud83d\\ude80", "n": -0e0}]}}',
  })),
  { name: 'every_type', url: `${URL}/every_type`, body: {} },
  ...MANY_ROWS.map((rows) => ({ name: `many ${rows} rows`, url: `${URL}/many`, body: { variables: { rows } } })),
  ...[1, 250, 1200, 5000].flatMap((n) =>
    BAD_VALUES.map(([column, value], k) => {
      const row = Math.min(n - 1, (k * 37) % n);
      return {
        name: `bad ${column} ${JSON.stringify(value)} at row ${row} of ${n}`,
        url: `${URL}/echo`,
        body: { inputs: { vals: withBad(n, row, column, value) } },
      };
    }),
  ),
  ...[1, 1200].flatMap((n) => [
    { name: `unknown column in ${n}`, url: `${URL}/echo`, body: { inputs: { vals: withBad(n, n - 1, 'extra', 1) } } },
    {
      name: `unknown quoted column in ${n}`,
      url: `${URL}/echo`,
      body: { inputs: { vals: withBad(n, 0, 'first name', 'x') } },
    },
    ...[null, 7, 'row', [1, 2]].map((v) => ({
      name: `row ${JSON.stringify(v)} in ${n}`,
      url: `${URL}/echo`,
      body: { inputs: { vals: batch(n).map((r, i) => (i === n - 1 ? v : r)) } },
    })),
  ]),
  { name: 'inputs not an array', url: `${URL}/echo`, body: { inputs: { vals: { s: 'a' } } } },
  { name: 'unknown input', url: `${URL}/echo`, body: { inputs: { other: [] } } },
  { name: 'bad variable', url: `${URL}/many`, body: { variables: { rows: 'ten' } } },
  { name: 'unknown variable', url: `${URL}/many`, body: { variables: { row: 1 } } },
];
