// Package pool: the scoring call on a warm pooled instance vs a cold load per call (pool size 0), same process, same requests.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../packages/server/src/app';
import { defaultConfig } from '../packages/server/src/config/config';
import { IntegrationService } from '../packages/server/src/workspace/integration-service';
import { printTable } from './integrator-harness';

const CALLS = Number(process.env.POOL_BENCH_CALLS ?? 15);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const WARM_UP_CALLS = 5;

function applicants(i: number) {
  const id = (i * 7919) % 900_000;
  return [
    { id: id + 1, income: 30_000 + (i % 50) * 1000, age: 20 + (i % 40) },
    { id: id + 2, income: 80_000 - (i % 30) * 500, age: 30 + (i % 25) },
  ];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-bench-pool-'));
const app = await build(
  { ...defaultConfig(), dataDir, adminPassword: 'bench-admin-password', webDir: null, seedExamples: true },
  { exampleDataRows: ROWS, watchStorage: false },
);
await app.ready();
const { workspace, params, logger } = app.services;
const calls = new IntegrationService({ core: workspace.core, log: logger });
let n = 0;
const scoring = (i: number) =>
  calls.call({
    kind: 'integrator',
    user: 'bench',
    roles: ['batch'],
    host: '127.0.0.1',
    requestId: `bench-${++n}`,
    path: 'credit/scoring.pkg.yaml',
    node: 'scored',
    inputs: { applicants: applicants(i) },
  });

async function measure(label: string, poolSize: number) {
  params.update({ packagePoolSize: poolSize });
  workspace.core.clearPool();
  // A few calls fill the pool and let the instance learn its SQL (the first run of each node makes a
  // table and proves its SQL); the measured calls find it warm. The cold calls never get that far.
  if (poolSize > 0) for (let i = 1; i <= WARM_UP_CALLS; i++) await scoring(-i);
  const before = workspace.core.poolView();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    const result = await scoring(i);
    if (result.rows?.length !== 2) throw new Error(`unexpected answer: ${JSON.stringify(result).slice(0, 200)}`);
    times.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  const after = workspace.core.poolView();
  const s = [...times].sort((a, b) => a - b);
  return {
    label,
    rps: CALLS / seconds,
    p50: quantile(s, 0.5),
    p99: quantile(s, 0.99),
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
  };
}

try {
  await scoring(-100); // the example data and the engine are warmed once for both
  const warm = await measure('warm pooled instance (pool size 10)', 10);
  const cold = await measure('cold load per call (pool size 0)', 0);
  printTable(
    `Scoring call, the same ${CALLS} requests for both, one at a time, in process (${ROWS.toLocaleString('en-US')} customers)`,
    [warm, cold].map((r) => ({
      scenario: r.label,
      'req/s': r.rps,
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'pool hits': r.hits,
      'pool misses': r.misses,
    })),
  );
  const ratio = warm.rps / cold.rps;
  process.stdout.write(
    `throughput ratio warm/cold: ${ratio.toFixed(1)} (goal >= 20) ${ratio >= 20 ? 'PASS' : 'FAIL'}\n`,
  );
  process.stdout.write(`latency ratio cold/warm at p50: ${(cold.p50 / warm.p50).toFixed(1)}\n`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
