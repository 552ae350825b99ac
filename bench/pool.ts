// Package pool: the scoring call on a warm pooled instance vs a cold load per call (pool size 0), same process, interleaved rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../packages/server/src/app';
import { defaultConfig } from '../packages/server/src/config/config';
import { IntegrationService } from '../packages/server/src/workspace/integration-service';
import { median, printTable } from './integrator-harness';

/** Rounds of warm calls then cold calls; the verdict is the median round (this VM's speed drifts). */
const ROUNDS = Number(process.env.POOL_BENCH_ROUNDS ?? 5);
/** Calls per round: a warm call takes ~10 ms, a cold one ~250 ms, so warm calls get more of them. */
const WARM_CALLS = Number(process.env.POOL_BENCH_WARM_CALLS ?? 40);
const COLD_CALLS = Number(process.env.POOL_BENCH_COLD_CALLS ?? 5);
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

interface Measured {
  label: string;
  times: number[];
  seconds: number;
  hits: number;
  misses: number;
}

/** `count` calls one at a time, each with applicants not asked for before (no result to reuse). */
async function measure(label: string, poolSize: number, first: number, count: number): Promise<Measured> {
  params.update({ packagePoolSize: poolSize });
  workspace.core.clearPool();
  // A few calls fill the pool and let the instance learn its SQL (the first run of each node makes a
  // table and proves its SQL); the measured calls find it warm. The cold calls never get that far.
  if (poolSize > 0) for (let i = 1; i <= WARM_UP_CALLS; i++) await scoring(-first - i);
  const before = workspace.core.poolView();
  const times: number[] = [];
  const started = performance.now();
  for (let i = first; i < first + count; i++) {
    const t0 = performance.now();
    const result = await scoring(i);
    if (result.rows?.length !== 2) throw new Error(`unexpected answer: ${JSON.stringify(result).slice(0, 200)}`);
    times.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  const after = workspace.core.poolView();
  return { label, times, seconds, hits: after.hits - before.hits, misses: after.misses - before.misses };
}

const rps = (m: Measured) => m.times.length / m.seconds;
function summary(runs: Measured[]) {
  const s = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  return {
    'req/s': s.length / runs.reduce((t, r) => t + r.seconds, 0),
    'p50 ms': quantile(s, 0.5),
    'p99 ms': quantile(s, 0.99),
    'pool hits': runs.reduce((t, r) => t + r.hits, 0),
    'pool misses': runs.reduce((t, r) => t + r.misses, 0),
  };
}

try {
  await scoring(-100_000); // the example data and the engine are warmed once for both
  const warm: Measured[] = [];
  const cold: Measured[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // The cold calls ask for the round's first applicants again: with pool size 0 nothing is reused.
    const first = round * WARM_CALLS;
    warm.push(await measure('warm pooled instance (pool size 10)', 10, first, WARM_CALLS));
    cold.push(await measure('cold load per call (pool size 0)', 0, first, COLD_CALLS));
    ratios.push(rps(warm[round]!) / rps(cold[round]!));
  }
  printTable(
    `Scoring call, one at a time, in process (${ROWS.toLocaleString('en-US')} customers): ${ROUNDS} rounds of ` +
      `${WARM_CALLS} warm then ${COLD_CALLS} cold calls`,
    [
      { scenario: warm[0]!.label, ...summary(warm) },
      { scenario: cold[0]!.label, ...summary(cold) },
    ],
  );
  const ratio = median(ratios);
  process.stdout.write(
    `throughput ratio warm/cold, median round: ${ratio.toFixed(1)} (rounds ${ratios.map((r) => r.toFixed(1)).join(', ')}) ` +
      `(goal >= 20) ${ratio >= 20 ? 'PASS' : 'FAIL'}\n`,
  );
  const p50 = (runs: Measured[]) =>
    quantile(
      runs.flatMap((r) => r.times).sort((a, b) => a - b),
      0.5,
    );
  process.stdout.write(`latency ratio cold/warm at p50: ${(p50(cold) / p50(warm)).toFixed(1)}\n`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
