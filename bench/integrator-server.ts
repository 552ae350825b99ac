// Bench child (bundled by the harness, run by plain node): a real Flowport server on the example storage plus a bare Fastify route, both on 127.0.0.1.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import Fastify from 'fastify';
import { build } from '../packages/server/src/app';
import { defaultConfig } from '../packages/server/src/config/config';
import { BATCH_PACKAGE, BATCH_PACKAGE_PATH, mapBatchRows, type BatchRow } from './integrator-batch-bodies';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';

export interface BenchServerReady {
  port: number;
  barePort: number;
  dataDir: string;
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-bench-'));
  const app = await build(
    { ...defaultConfig(), dataDir, adminPassword: BENCH_ADMIN_PASSWORD, webDir: null, seedExamples: true },
    { exampleDataRows: Number(process.env.BENCH_ROWS ?? 1_000_000) },
  );
  // Part (4)'s package: an input node and one SQL node, as issue 17 measured it.
  const batchFile = path.join(dataDir, 'storage', BATCH_PACKAGE_PATH);
  mkdirSync(path.dirname(batchFile), { recursive: true });
  writeFileSync(batchFile, BATCH_PACKAGE);
  await app.listen({ port: 0, host: '127.0.0.1' });

  // The baseline: the same JSON answer for the same body, computed in JavaScript, with nothing else in the way.
  const bare = Fastify({ bodyLimit: 10 * 1024 * 1024 });
  let n = 0;
  bare.post('/bare/greeting', async (request) => {
    const names = ((request.body as { inputs?: { names?: { name: string }[] } }).inputs?.names ?? []).map(
      (r) => r.name,
    );
    const rows = names.map((name) => ({ name, greeting: `Hello, ${name}!` }));
    return {
      requestId: `bare-${++n}`,
      node: 'greeting',
      rows,
      columns: [
        { name: 'name', type: 'VARCHAR' },
        { name: 'greeting', type: 'VARCHAR' },
      ],
      total: rows.length,
      truncated: false,
    };
  });
  // Part (4)'s baseline: the same rows mapped in JavaScript, answered in the Integrator's shape.
  bare.post('/bare/batch', async (request) => {
    const rows = mapBatchRows((request.body as { inputs?: { req?: BatchRow[] } }).inputs?.req ?? []);
    return {
      requestId: `bare-${++n}`,
      node: 'mapped',
      rows,
      columns: [
        { name: 'y', type: 'BIGINT' },
        { name: 'label', type: 'VARCHAR' },
      ],
      total: rows.length,
      truncated: false,
    };
  });
  // The floor for computing each call in DuckDB: one prepared statement per request on a few
  // connections of one in-memory database, nothing else (no tables, sessions, pool or cache).
  const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  const free = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const conn = await duck.connect();
      return conn.prepare(`SELECT $1::VARCHAR AS name, 'Hello, ' || $1 || '!' AS greeting`);
    }),
  );
  const waiting: ((s: DuckDBPreparedStatement) => void)[] = [];
  bare.post('/bare/greeting-duckdb', async (request) => {
    const names = ((request.body as { inputs?: { names?: { name: string }[] } }).inputs?.names ?? []).map(
      (r) => r.name,
    );
    const stmt = free.pop() ?? (await new Promise<DuckDBPreparedStatement>((r) => waiting.push(r)));
    try {
      stmt.bindVarchar(1, names[0] ?? '');
      const reader = await stmt.runAndReadAll();
      return {
        requestId: `bare-${++n}`,
        node: 'greeting',
        rows: reader.getRowObjectsJson(),
        columns: [
          { name: 'name', type: 'VARCHAR' },
          { name: 'greeting', type: 'VARCHAR' },
        ],
        total: reader.currentRowCount,
        truncated: false,
      };
    } finally {
      const next = waiting.shift();
      if (next) next(stmt);
      else free.push(stmt);
    }
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });

  const port = (app.server.address() as { port: number }).port;
  const barePort = (bare.server.address() as { port: number }).port;
  process.send?.({ port, barePort, dataDir } satisfies BenchServerReady);
  process.on('message', (m) => {
    if (m !== 'stop') return;
    void (async () => {
      await bare.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

if (process.send) await main();
