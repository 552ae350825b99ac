import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import type { NodeEvent, RunProgress } from './package-runtime';
import { JSON_ROWS_CHARS } from './node-executor';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

const PIPELINE = `
name: Pipeline
variables:
  factor: { type: number, default: 2 }
  label: { type: string, default: x }
nodes:
  - id: people
    kind: import
    file: data/people.csv
  - id: extra
    kind: input
    columns: { id: integer, bonus: number, joined: date, active: boolean }
  - id: combined
    kind: sql
    inputs: [people, extra]
    sql: |
      SELECT p.id, p.name, p.salary * $factor AS pay, e.bonus, e.joined, e.active
      FROM people p LEFT JOIN extra e USING (id) ORDER BY p.id
    access: published
  - id: labelled
    kind: sql
    inputs: [people]
    sql: SELECT id, $label AS label FROM people ORDER BY id
  - id: save
    kind: export
    input: combined
    file: out/combined.parquet
`;

async function pipeline() {
  await fx.write('data/people.csv', 'id,name,salary\n1,Ann,100\n2,Bob,200\n3,Cid,300\n');
  return fx.runtime(PIPELINE);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'resolved';
}

describe('PackageRuntime execution', () => {
  it('runs import, input and sql nodes and returns the target rows as JSON-safe values', async () => {
    const rt = await pipeline();
    const r = await rt.run({
      node: 'combined',
      inputs: { extra: [{ id: 2, bonus: 5.5, joined: '2024-02-29', active: true }] },
    });
    expect(r.executed).toEqual(['people', 'extra', 'combined']);
    expect(r.rows).toEqual([
      { id: 1, name: 'Ann', pay: 200, bonus: null, joined: null, active: null },
      { id: 2, name: 'Bob', pay: 400, bonus: 5.5, joined: '2024-02-29', active: true },
      { id: 3, name: 'Cid', pay: 600, bonus: null, joined: null, active: null },
    ]);
    expect(r.columns?.find((c) => c.name === 'joined')?.type).toBe('DATE');
    expect(r.total).toBe(3);
    expect(rt.nodeStates().find((n) => n.id === 'combined')).toMatchObject({
      state: 'done',
      rows: 3,
      access: 'published',
    });
    expect(rt.nodeStates().find((n) => n.id === 'labelled')).toMatchObject({ state: 'idle' });
  });

  it('pages through a node result', async () => {
    const rt = await pipeline();
    await rt.run({ node: 'people' });
    const page = await rt.rows('people', 1, 1);
    expect(page).toMatchObject({
      node: 'people',
      offset: 1,
      limit: 1,
      total: 3,
      rows: [{ id: 2, name: 'Bob', salary: 200 }],
    });
    expect(page.columns.map((c) => c.name)).toEqual(['id', 'name', 'salary']);
    expect(await codeOf(rt.rows('labelled', 0, 10))).toMatch(/^NOT_FOUND: .*run it first/);
    expect(await codeOf(rt.rows('nope', 0, 10))).toMatch(/^NODE_NOT_FOUND/);
  });

  it('pages a large result from DuckDB and a small one from memory with the same values', async () => {
    const rt = fx.runtime(`name: sizes
nodes:
  - { id: big, kind: sql, sql: "SELECT i AS n, 'row ' || i AS label FROM range(1000) t(i) ORDER BY i" }
  - { id: small, kind: sql, inputs: [big], sql: "SELECT * FROM big WHERE n < 50 ORDER BY n" }
`);
    const big = await rt.run({ node: 'big' });
    expect(big).toMatchObject({ total: 1000, truncated: false });
    expect(big.rows).toHaveLength(1000);
    const small = await rt.run({ node: 'small' });
    expect(small).toMatchObject({ total: 50, rows: expect.arrayContaining([{ n: 49, label: 'row 49' }]) });
    for (const node of ['big', 'small']) {
      const page = await rt.rows(node, 45, 10);
      expect(page.columns).toEqual([
        { name: 'n', type: 'BIGINT' },
        { name: 'label', type: 'VARCHAR' },
      ]);
      const until = node === 'big' ? 55 : 50;
      expect(page.rows).toEqual(Array.from({ length: until - 45 }, (_, k) => ({ n: 45 + k, label: `row ${45 + k}` })));
    }
    expect((await rt.rows('big', 998, 10)).rows.map((r) => r.n)).toEqual([998, 999]);
  });

  it('keeps inputs as their JSON text, long text and many rows included, and beyond JSON_ROWS_CHARS in a table, with the same types and values', async () => {
    const rt = fx.runtime(`name: typed
nodes:
  - id: rows
    kind: input
    columns: { s: string, x: number, k: integer, b: boolean, d: date }
  - { id: out, kind: sql, inputs: [rows], sql: "SELECT *, typeof(k) AS tk, typeof(d) AS td FROM rows" }
`);
    const row = (i: number) => ({
      s: i % 7 === 0 ? null : `it's "${i}"; DROP TABLE x; --`,
      x: i / 4,
      k: 9_007_199_254_740_991 - i,
      b: i % 2 === 0,
      d: `2024-02-${String((i % 28) + 1).padStart(2, '0')}`,
    });
    const small = Array.from({ length: 3 }, (_, i) => row(i));
    const long = small.map((r, i) => (i === 1 ? { ...r, s: `${'é'.repeat(300_000)}'\u0000'` } : r));
    const large = Array.from({ length: 400 }, (_, i) => row(i));
    // More text than JSON_ROWS_CHARS: a table, made from the same JSON text in one statement.
    const huge = small.map((r) => ({ ...r, s: 'z'.repeat(Math.ceil(JSON_ROWS_CHARS / 2)) }));
    const a = await rt.run({ node: 'out', inputs: { rows: small } });
    const b = await rt.run({ node: 'out', inputs: { rows: large } });
    const c = await rt.run({ node: 'out', inputs: { rows: long } });
    const d = await rt.run({ node: 'out', inputs: { rows: huge } });
    expect(a.columns).toEqual(b.columns);
    expect(c.columns).toEqual(b.columns);
    expect(d.columns).toEqual(b.columns);
    expect(b.total).toBe(400);
    const expected = (i: number) => ({ ...row(i), tk: 'BIGINT', td: 'DATE' });
    expect(a.rows).toEqual(small.map((_, i) => expected(i)));
    expect(b.rows).toEqual(large.map((_, i) => expected(i)));
    expect(c.rows).toEqual(long.map((r) => ({ ...r, tk: 'BIGINT', td: 'DATE' })));
    expect(d.rows).toEqual(huge.map((r) => ({ ...r, tk: 'BIGINT', td: 'DATE' })));
  });

  it('shows a SQL node only its declared inputs, whatever ran before on the same connection', async () => {
    const rt = fx.runtime(`name: scope
nodes:
  - { id: base, kind: input, columns: { a: integer } }
  - { id: uses, kind: sql, inputs: [base], sql: "SELECT a * 2 AS b FROM base" }
  - { id: sneaks, kind: sql, sql: "SELECT a FROM base" }
`);
    // The first run prepares the SQL; the later ones run it in one round trip with its views.
    for (let i = 0; i < 4; i++)
      expect((await rt.run({ node: 'uses', inputs: { base: [{ a: i }] } })).rows).toEqual([{ b: 2 * i }]);
    expect(await codeOf(rt.run({ node: 'sneaks' }))).toMatch(/^EXECUTION_FAILED: Node "sneaks" failed: .*base/);
  });

  it('exports into the storage in the requested format', async () => {
    const rt = await pipeline();
    await rt.run({ node: 'save' });
    const file = path.join(fx.storage.root, 'out/combined.parquet');
    expect((await fs.stat(file)).size).toBeGreaterThan(0);
    expect((await fs.readdir(path.dirname(file))).filter((n) => n.startsWith('.'))).toEqual([]);
    const check = fx.runtime(
      'name: c\nnodes:\n  - { id: back, kind: import, file: out/combined.parquet, access: published }\n',
    );
    expect((await check.run({ node: 'back' })).total).toBe(3);
  });

  it('exports CSV and JSON that read back', async () => {
    const rt = fx.runtime(`name: e
nodes:
  - { id: src, kind: sql, sql: "SELECT range AS n, 'v' || range AS s FROM range(3)" }
  - { id: csv, kind: export, input: src, file: out/a.csv }
  - { id: json, kind: export, input: src, file: out/a.json }
`);
    await rt.run();
    expect(await fs.readFile(path.join(fx.storage.root, 'out/a.csv'), 'utf8')).toBe('n,s\n0,v0\n1,v1\n2,v2\n');
    expect(JSON.parse(await fs.readFile(path.join(fx.storage.root, 'out/a.json'), 'utf8'))).toEqual([
      { n: 0, s: 'v0' },
      { n: 1, s: 'v1' },
      { n: 2, s: 'v2' },
    ]);
  });

  it('reports progress from 0 to 100 and node events in order', async () => {
    const rt = await pipeline();
    const progress: RunProgress[] = [];
    const events: NodeEvent[] = [];
    await rt.run({ node: 'combined', onProgress: (p) => progress.push(p), onNode: (e) => events.push(e) });
    expect(progress[0].percent).toBe(0);
    expect(progress[progress.length - 1].percent).toBe(100);
    expect(progress.every((p, i) => i === 0 || p.percent >= progress[i - 1].percent)).toBe(true);
    expect(events.map((e) => `${e.type} ${e.node}`)).toEqual([
      'started people',
      'finished people',
      'started extra',
      'finished extra',
      'started combined',
      'finished combined',
    ]);
  });

  it('binds values that are large or exotic as JSON-safe values', async () => {
    const rt = fx.runtime(`name: v
nodes:
  - id: v
    kind: sql
    sql: >-
      SELECT 9007199254740993::BIGINT AS big, 42::HUGEINT AS huge, 12.345::DECIMAL(10,3) AS dec,
             TIMESTAMP '2024-01-02 03:04:05' AS ts, DATE '2024-01-02' AS d, [1, 2]::BIGINT[] AS list
`);
    const r = await rt.run({ node: 'v' });
    expect(r.rows).toEqual([
      { big: '9007199254740993', huge: 42, dec: 12.345, ts: '2024-01-02T03:04:05Z', d: '2024-01-02', list: [1, 2] },
    ]);
    expect(() => JSON.stringify(r.rows)).not.toThrow();
  });
});

describe('PackageRuntime results reuse', () => {
  it('reuses results while nothing changed', async () => {
    const rt = await pipeline();
    await rt.run({ node: 'combined' });
    const progress: RunProgress[] = [];
    const again = await rt.run({ node: 'combined', onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.percent)).toEqual([100]);
    expect(again.executed).toEqual([]);
    expect(again.reused).toEqual(['people', 'extra', 'combined']);
  });

  it('recomputes only the nodes that use a changed variable', async () => {
    const rt = await pipeline();
    await rt.run();
    const r = await rt.run({ variables: { factor: 3 } });
    expect(r.executed).toEqual(['combined', 'save']);
    expect(r.reused).toEqual(['people', 'extra', 'labelled']);
    const rows = await rt.rows('combined', 0, 1);
    expect(rows.rows[0].pay).toBe(300);
  });

  it('recomputes when input rows change', async () => {
    const rt = await pipeline();
    await rt.run({ node: 'combined', inputs: { extra: [{ id: 1, bonus: 1 }] } });
    const r = await rt.run({ node: 'combined', inputs: { extra: [{ id: 1, bonus: 2 }] } });
    expect(r.executed).toEqual(['extra', 'combined']);
    expect(r.rows?.[0].bonus).toBe(2);
  });

  it('recomputes when an imported file changes', async () => {
    const rt = await pipeline();
    await rt.run({ node: 'people' });
    await fx.storage.writeText('data/people.csv', 'id,name,salary\n9,Zed,1\n');
    const r = await rt.run({ node: 'people' });
    expect(r.executed).toEqual(['people']);
    expect(r.rows).toEqual([{ id: 9, name: 'Zed', salary: 1 }]);
  });

  it('keeps at most twice the kept number of results per node, then drops down to it', async () => {
    const rt = fx.runtime(
      'name: k\nvariables:\n  n: { type: integer, default: 0 }\nnodes:\n  - { id: v, kind: sql, sql: "SELECT $n AS n" }\n',
      { keepResultsPerNode: 2 },
    );
    for (const n of [1, 2, 3, 4]) await rt.run({ node: 'v', variables: { n } });
    expect((await rt.run({ node: 'v', variables: { n: 1 } })).reused).toEqual(['v']); // 4 held: none dropped yet
    await rt.run({ node: 'v', variables: { n: 5 } }); // the fifth: down to the two most recently used
    const again = await rt.run({ node: 'v', variables: { n: 5 } });
    expect(again.reused).toEqual(['v']);
    expect((await rt.run({ node: 'v', variables: { n: 1 } })).reused).toEqual(['v']); // used second most recently
    const old = await rt.run({ node: 'v', variables: { n: 2 } });
    expect(old.executed).toEqual(['v']);
    expect(old.rows).toEqual([{ n: 2 }]);
    const tables = await rt.run({ node: 'v' }); // warms n = 0, evicting more
    expect(tables.rows).toEqual([{ n: 0 }]);
  });

  it('computes a result once for concurrent callers with the same fingerprint', async () => {
    const rt = fx.runtime(`name: slow
nodes:
  - { id: base, kind: sql, sql: "SELECT range AS i FROM range(300000)" }
  - { id: agg, kind: sql, inputs: [base], access: public, sql: "SELECT count(DISTINCT md5(i::VARCHAR)) AS n FROM base" }
`);
    const started: string[] = [];
    const runs = await Promise.all(
      [1, 2, 3].map(() => rt.run({ node: 'agg', onNode: (e) => e.type === 'started' && started.push(e.node) })),
    );
    expect(runs.map((r) => r.rows)).toEqual([[{ n: 300000 }], [{ n: 300000 }], [{ n: 300000 }]]);
    // Each caller saw the node start and finish, but it was computed once.
    expect(rt.computationCounts()).toEqual({ base: 1, agg: 1 });
    expect(started.filter((n) => n === 'agg')).toHaveLength(3);
  });
});

describe('PackageRuntime refuses bad requests', () => {
  it('names the row and column of a wrongly typed input value', async () => {
    const rt = await pipeline();
    expect(await codeOf(rt.run({ node: 'combined', inputs: { extra: [{ id: 1 }, { id: 'two' }] } }))).toBe(
      'VALIDATION_FAILED: Input "extra", row 1, column "id" (integer): must be an integer, got "two" (at inputs.extra[1].id; rows count from 0).',
    );
    expect(await codeOf(rt.run({ inputs: { extra: [{ id: 1, colour: 'red' }] } }))).toMatch(
      /row 0: unknown column "colour"; .* \(at inputs\.extra\[0\]\.colour; rows count from 0\)/,
    );
    expect(await codeOf(rt.run({ inputs: { nope: [] } }))).toMatch(/^VALIDATION_FAILED: .*no input node "nope"/);
    expect(await codeOf(rt.run({ inputs: { extra: [{ id: 1, joined: '2024-13-01' }] } }))).toMatch(/YYYY-MM-DD/);
  });

  it('refuses unknown and wrongly typed variables', async () => {
    const rt = await pipeline();
    expect(await codeOf(rt.run({ variables: { nope: 1 } }))).toMatch(/^VALIDATION_FAILED: .*no variable "nope"/);
    expect(await codeOf(rt.run({ variables: { factor: 'x' } }))).toMatch(
      /^VALIDATION_FAILED: Variable "factor" \(number\) must be a finite number/,
    );
  });

  it('refuses a node that is not published when published is required', async () => {
    const rt = await pipeline();
    expect(await codeOf(rt.run({ node: 'labelled', requireAccess: 'published' }))).toMatch(
      /^NODE_NOT_FOUND: .*private, not published/,
    );
  });

  it('reports a failing SQL node with the DuckDB message and stays usable', async () => {
    const rt = fx.runtime(`name: f
nodes:
  - { id: ok, kind: sql, sql: "SELECT 1 AS a" }
  - { id: bad, kind: sql, inputs: [ok], sql: "SELECT no_such_column FROM ok" }
`);
    const msg = await codeOf(rt.run({ node: 'bad' }));
    expect(msg).toMatch(/^EXECUTION_FAILED: Node "bad" failed: .*no_such_column/);
    expect(rt.nodeStates().find((n) => n.id === 'bad')).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('no_such_column'),
    });
    expect((await rt.run({ node: 'ok' })).rows).toEqual([{ a: 1 }]);
  });

  it('refuses to run a package whose graph has issues', async () => {
    const rt = fx.runtime(
      'name: c\nnodes:\n  - { id: a, kind: sql, inputs: [b], sql: SELECT 1 }\n  - { id: b, kind: sql, inputs: [a], sql: SELECT 1 }\n',
    );
    expect(await codeOf(rt.run())).toMatch(/^PACKAGE_INVALID: .*cycle/);
  });

  it('refuses to work once closed', async () => {
    const rt = await pipeline();
    await rt.run({ node: 'people' });
    await rt.close();
    expect(await codeOf(rt.run())).toMatch(/^PACKAGE_NOT_FOUND: .*closed/);
  });
});
