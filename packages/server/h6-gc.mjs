import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await inst.connect();
for (const len of [10, 33000, 330000]) {
  const r = await c.run(`SELECT repeat('x', ${len}) AS t, 5 AS n`);
  const M = 5000;
  let t0 = performance.now(); for (let i = 0; i < M; i++) r.getChunk(0); const a = (performance.now() - t0) * 1000 / M;
  t0 = performance.now(); for (let i = 0; i < M; i++) r.getChunk(0).getColumnVector(0).getItem(0); const b = (performance.now() - t0) * 1000 / M;
  t0 = performance.now(); for (let i = 0; i < M; i++) r.getChunk(0).getRows(); const d = (performance.now() - t0) * 1000 / M;
  console.log(len, 'getChunk µs', a.toFixed(1), '+ item', b.toFixed(1), 'getRows', d.toFixed(1));
}
