import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const c = await inst.connect();
for (const N of [1, 1000, 10000]) {
  const body = (i) => { const x = [], label = []; for (let r = 0; r < N; r++) { x.push(i * 100000 + r); label.push(`item ${900000000 + i * 100000 + r}`); } return JSON.stringify({ x, label }); };
  const bodies = Array.from({ length: 20 }, (_, i) => body(i));
  const REQ = `WITH req AS NOT MATERIALIZED (SELECT unnest(j.x) AS x, unnest(j.label) AS label FROM (SELECT from_json(CAST($1 AS VARCHAR), '{"x":["BIGINT"],"label":["VARCHAR"]}') AS j))\n`;
  const INNER = `(SELECT * FROM (SELECT x * 2 AS y, upper(label) AS label FROM req) LIMIT 10001) AS q(c0, c1)`;
  for (const [name, sql] of Object.entries({ writer: `${REQ}SELECT string_agg(CAST(to_json({'y': q.c0, 'label': q.c1}) AS VARCHAR), ',' ORDER BY __n), count(*) FROM (SELECT row_number() OVER () AS __n, * FROM ${INNER}) AS q`, plain: `${REQ}SELECT count(*) FROM ${INNER}` })) {
    const stmt = await c.prepare(sql);
    for (let i = 0; i < 20; i++) { stmt.bindVarchar(1, bodies[i % 20]); await stmt.run(); }
    let sync = 0, bind = 0; const M = 200;
    for (let i = 0; i < M; i++) { const b = performance.now(); stmt.bindVarchar(1, bodies[i % 20]); const a = performance.now(); bind += a - b; const p = stmt.run(); sync += performance.now() - a; await p; }
    console.log(N, name.padEnd(8), 'bind µs', (bind * 1000 / M).toFixed(0), 'run() sync µs', (sync * 1000 / M).toFixed(0));
  }
}
