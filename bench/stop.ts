// Stop latency: time from aborting a run (a query that would run for minutes) to the run reporting cancelled.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePackage } from '../packages/server/src/engine/package-parser';
import { PackageRuntime } from '../packages/server/src/engine/package-runtime';
import { FileStorage } from '../packages/server/src/storage/file-storage';

const STOPS = Number(process.env.STOPS ?? 30);

// A 2,000,000-row table crossed with a million-row range: hours of work, interruptible between chunks.
const ENDLESS = `name: Endless
nodes:
  - { id: base, kind: sql, sql: "SELECT range AS i FROM range(2000000)" }
  - id: heavy
    kind: sql
    access: public
    inputs: [base]
    sql: "SELECT count(*) AS n FROM base a CROSS JOIN range(1000000) r(j) WHERE hash(a.i + r.j) % 7 = 0"
`;
const CALLER = `name: Caller
references: [{ alias: lib, path: lib.pkg.yaml }]
nodes:
  - { id: c, kind: call, package: lib, node: heavy }
`;

function def(text: string) {
  const { def, issues } = parsePackage(text, 'bench.pkg.yaml');
  if (!def) throw new Error(JSON.stringify(issues));
  return def;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

async function measure(label: string, run: (signal: AbortSignal) => Promise<unknown>) {
  const latencies: number[] = [];
  for (let i = 0; i < STOPS; i++) {
    const ctl = new AbortController();
    let stoppedAt = 0;
    const p = run(ctl.signal).then(
      () => {
        throw new Error('the run finished instead of being stopped');
      },
      (err: { code?: string }) => {
        stoppedAt = performance.now();
        if (err.code !== 'EXECUTION_CANCELLED') throw err;
      },
    );
    await new Promise((r) => setTimeout(r, 200 + ((i * 37) % 300))); // stop at varied points of the query
    const t0 = performance.now();
    ctl.abort();
    await p;
    latencies.push(stoppedAt - t0);
  }
  const s = [...latencies].sort((a, b) => a - b);
  return {
    scenario: label,
    stops: s.length,
    'min ms': +s[0].toFixed(2),
    'median ms': +quantile(s, 0.5).toFixed(2),
    'p99 ms': +quantile(s, 0.99).toFixed(2),
    'max ms': +s[s.length - 1].toFixed(2),
    'goal p99 < 100 ms': quantile(s, 0.99) < 100 ? 'met' : 'MISSED',
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-bench-stop-'));
const storage = new FileStorage(path.join(dir, 'storage'));
const scratchDir = path.join(dir, 'scratch');
const lib = new PackageRuntime({ def: def(ENDLESS), storage, scratchDir });
const caller = new PackageRuntime({ def: def(CALLER), storage, scratchDir, resolveReference: () => lib });
try {
  await lib.run({ node: 'base' }); // warm: the stop hits the long query, not table creation
  const rows = [
    await measure('direct run of a minutes-long query', (signal) => lib.run({ node: 'heavy', signal })),
    await measure('same query through a call node (two instances)', (signal) => caller.run({ node: 'c', signal })),
  ];
  console.log(
    `Stop latency: abort() to the run rejecting with EXECUTION_CANCELLED (DuckDB interrupted), ${STOPS} stops each`,
  );
  console.table(rows);
  const after = await lib.run({ node: 'base' });
  console.log(`Runtime still usable after ${STOPS * 2} stops: base has ${after.total} rows.`);
} finally {
  await caller.close();
  await lib.close();
  rmSync(dir, { recursive: true, force: true });
}
