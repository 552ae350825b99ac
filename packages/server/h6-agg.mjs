import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:', { threads: process.env.T ?? '2' });
const c = await inst.connect();
const N = Number(process.env.N ?? 1000);
const body = (i) => { const x = [], label = []; for (let r = 0; r < N; r++) { x.push(i * 100000 + r); label.push(`item ${900000000 + i * 100000 + r}`); } return JSON.stringify({ x, label }); };
const bodies = Array.from({ length: 20 }, (_, i) => body(i));
const REQ = `WITH req AS NOT MATERIALIZED (SELECT unnest(j.x) AS x, unnest(j.label) AS label FROM (SELECT from_json(CAST($1 AS VARCHAR), '{"x":["BIGINT"],"label":["VARCHAR"]}') AS j))\n`;
const INNER = `(SELECT * FROM (SELECT x * 2 AS y, upper(label) AS label FROM req) LIMIT 10001) AS q(c0, c1)`;
const J = `CAST(to_json({'y': q.c0, 'label': q.c1}) AS VARCHAR)`;
const variants = {
  checked_list: `${REQ}SELECT CASE WHEN list_transform(l, x -> x.n) = range(1, len(l) + 1) THEN array_to_string(list_transform(l, x -> x.j), ',') ELSE array_to_string(list_transform(list_sort(l), x -> x.j), ',') END, len(l) FROM (SELECT list({'n': __n, 'j': ${J}}) AS l FROM (SELECT row_number() OVER () AS __n, * FROM ${INNER}) AS q)`,
  two_aggs: `${REQ}SELECT string_agg(${J}, ','), count(*), list(__n) = range(1, count(*) + 1) FROM (SELECT row_number() OVER () AS __n, * FROM ${INNER}) AS q`,
  ordered: `${REQ}SELECT string_agg(${J}, ',' ORDER BY __n), count(*) FROM (SELECT row_number() OVER () AS __n, * FROM ${INNER}) AS q`,
  unordered: `${REQ}SELECT string_agg(${J}, ','), count(*) FROM ${INNER}`,
  window_over: `${REQ}SELECT string_agg(${J}, ',') OVER () AS rows, count(*) OVER () FROM ${INNER} LIMIT 1`,
  ordered_n_only: `${REQ}SELECT string_agg(__j, ',' ORDER BY __n), count(*) FROM (SELECT row_number() OVER () AS __n, ${J} AS __j FROM ${INNER}) AS q`,
};
for (const [name, sql] of Object.entries(variants)) {
  const stmt = await c.prepare(sql);
  let out;
  for (let i = 0; i < 30; i++) { stmt.bindVarchar(1, bodies[i % 20]); out = (await stmt.run()).getChunk(0).getColumnValues(0)[0]; }
  const M = 300; const cpu0 = process.cpuUsage();
  for (let i = 0; i < M; i++) { stmt.bindVarchar(1, bodies[i % 20]); (await stmt.run()).getChunk(0).getColumnValues(0); }
  const cpu = process.cpuUsage(cpu0);
  const ok = out === variants && false;
  console.log(name.padEnd(16), 'cpu µs', ((cpu.user + cpu.system) / M).toFixed(0), String(out).slice(0, 60), String(out).slice(-40));
}
