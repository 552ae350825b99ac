// Bench part (4): batches of 1, 1,000 and 10,000 rows, a new body per call, the Integrator vs a bare route mapping the rows in JavaScript.
import { BATCH_URL, cycledBodies } from './integrator-batch-bodies';
import { load, median, printTable, type BenchServer, type LoadResult } from './integrator-harness';

export interface BatchPartOptions {
  /** Batch sizes, default 1, 1,000 and 10,000 rows. */
  sizes: number[];
  rounds: number;
  seconds: number;
  connections: number;
  /** False: the Integrator only (for a CPU profile of its calls alone). */
  bare: boolean;
  /**
   * poolEngineThreads to compare side by side, each measured in every round after the default's run (pool
   * cleared and warmed again at each change); empty: one reference run each after the rounds.
   */
  threads: number[];
}

/** Goals of issue 17: server CPU per call by batch size, and the throughput ratio at 1,000 rows. */
const CPU_GOAL_US: Record<number, number> = { 1: 450, 1000: 4000 };
const RATIO_GOAL_1000 = 0.25;
const GROWTH_GOAL = 10;

/** Distinct bodies per size: more than the pool could keep (see cycledBodies), fewer for big ones. */
function bodyCount(rows: number): number {
  return rows >= 10_000 ? 256 : rows >= 1000 ? 512 : 4096;
}

function rowOf(r: LoadResult, round: number, ratio: string): Record<string, string | number> {
  return {
    scenario: r.label,
    round,
    'req/s': r.rps,
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    'server CPU µs/req': Math.round(r.cpuUs ?? NaN),
    'main thread µs/req': Math.round(r.mainCpuUs ?? NaN),
    requests: r.requests,
    errors: r.errors + r.non2xx,
    ratio,
  };
}

export async function runBatchPart(server: BenchServer, o: BatchPartOptions): Promise<boolean> {
  const auth = { authorization: server.bearer };
  // Every Integrator call, warm-ups included: what a CPU profile of the server is divided by.
  let integratorCalls = 0;
  const run = async (label: string, url: string, body: (i: number) => string, headers = {}, seconds = o.seconds) => {
    const r = await load({ label, url, body, headers, connections: o.connections, seconds, serverPid: server.pid });
    if (url.includes('/integrator/')) integratorCalls += r.requests;
    return r;
  };
  const bodies = new Map(o.sizes.map((n) => [n, cycledBodies(n, bodyCount(n), n * 7)]));
  // Both routes of every size run unmeasured first: the JIT has optimised them, the pool is warm.
  const skipped: LoadResult = { label: 'skipped', rps: NaN, p50: NaN, p99: NaN, requests: 0, errors: 0, non2xx: 0 };
  for (const n of o.sizes) {
    if (o.bare) await run('warm-up', `${server.bareBase}/bare/batch`, bodies.get(n)!, {}, 2);
    await run('warm-up', server.base + BATCH_URL, bodies.get(n)!, auth, 3);
  }
  const rows: Record<string, string | number>[] = [];
  const sideBySide = new Map<string, LoadResult[]>();
  const byRound: { n: number; bare: LoadResult; flowport: LoadResult }[][] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const measured: { n: number; bare: LoadResult; flowport: LoadResult }[] = [];
    for (const n of o.sizes) {
      const bare = o.bare
        ? await run(`bare route, ${n} rows mapped in JS`, `${server.bareBase}/bare/batch`, bodies.get(n)!)
        : skipped;
      const flowport = await run(`Integrator, ${n} rows`, server.base + BATCH_URL, bodies.get(n)!, auth);
      measured.push({ n, bare, flowport });
      if (o.bare) rows.push(rowOf(bare, round, ''));
      rows.push(rowOf(flowport, round, (flowport.rps / bare.rps).toFixed(3)));
      for (const t of o.threads) {
        await server.setParameters({ poolEngineThreads: t });
        await run('warm-up', server.base + BATCH_URL, bodies.get(n)!, auth, 3);
        const label = `Integrator, ${n} rows, poolEngineThreads ${t}`;
        const r = await run(label, server.base + BATCH_URL, bodies.get(n)!, auth);
        const key = `${n}/${t}`;
        sideBySide.set(key, [...(sideBySide.get(key) ?? []), r]);
        rows.push(rowOf(r, round, (r.rps / bare.rps).toFixed(3)));
        await server.setParameters({ poolEngineThreads: 1 });
        await run('warm-up', server.base + BATCH_URL, bodies.get(n)!, auth, 3);
      }
    }
    byRound.push(measured);
  }
  // Reference rows: the same Integrator calls with two DuckDB threads per pooled instance (server
  // parameter poolEngineThreads; the default is 1), two threads, once each after the rounds.
  const reference = o.bare && o.threads.length === 0;
  if (reference) await server.setParameters({ poolEngineThreads: 2 });
  for (const n of reference ? o.sizes : []) {
    await run('warm-up', server.base + BATCH_URL, bodies.get(n)!, auth, 3);
    const r = await run(`Integrator, ${n} rows, poolEngineThreads 2`, server.base + BATCH_URL, bodies.get(n)!, auth);
    rows.push(rowOf(r, 0, ''));
  }
  if (reference) await server.setParameters({ poolEngineThreads: 1 });
  printTable(
    `(4) Batches, a new body per call, ${o.connections} connections, ${o.rounds} interleaved rounds of ${o.seconds} s ` +
      '(ratio: Integrator throughput / the same round and size on the bare route; round 0: references)',
    rows,
  );
  let ok = true;
  const verdict = (what: string, values: number[], goal: number, below: boolean, digits = 0) => {
    const m = median(values);
    const pass = below ? m <= goal : m >= goal;
    ok &&= pass;
    process.stdout.write(
      `${what}, median round: ${m.toFixed(digits)} (rounds ${values.map((v) => v.toFixed(digits)).join(', ')}) ` +
        `(goal ${below ? '<=' : '>='} ${goal}) ${pass ? 'PASS' : 'FAIL'}\n`,
    );
  };
  const of = (n: number) => byRound.map((r) => r.find((m) => m.n === n)).filter((m) => m !== undefined);
  for (const n of o.sizes) {
    const cpu = of(n).map((m) => m.flowport.cpuUs ?? NaN);
    if (CPU_GOAL_US[n]) verdict(`server CPU µs per ${n}-row call`, cpu, CPU_GOAL_US[n], true);
    else process.stdout.write(`server CPU µs per ${n}-row call, median round: ${median(cpu).toFixed(0)}\n`);
    const ratios = of(n).map((m) => m.flowport.rps / m.bare.rps);
    if (n === 1000) verdict('throughput ratio Integrator/bare at 1,000 rows', ratios, RATIO_GOAL_1000, false, 3);
    else
      process.stdout.write(
        `throughput ratio Integrator/bare at ${n} rows, median round: ${median(ratios).toFixed(3)}\n`,
      );
  }
  for (const [key, runs] of sideBySide) {
    const [n, t] = key.split('/');
    const cpu = runs.map((r) => r.cpuUs ?? NaN);
    const against = of(Number(n)).map((m) => m.flowport.cpuUs ?? NaN);
    process.stdout.write(
      `server CPU µs per ${n}-row call with poolEngineThreads ${t}, median round: ${median(cpu).toFixed(0)} ` +
        `(rounds ${cpu.map((v) => v.toFixed(0)).join(', ')}; the default's in the same rounds ${against.map((v) => v.toFixed(0)).join(', ')})\n`,
    );
  }
  if (o.sizes.includes(1000) && o.sizes.includes(10_000)) {
    const growth = byRound.map((r) => {
      const big = r.find((m) => m.n === 10_000)!.flowport;
      const mid = r.find((m) => m.n === 1000)!.flowport;
      return (big.cpuUs ?? NaN) / (mid.cpuUs ?? NaN);
    });
    verdict('server CPU of a 10,000-row call / a 1,000-row call', growth, GROWTH_GOAL, true, 2);
  }
  process.stdout.write(`Integrator calls in all, warm-ups included: ${integratorCalls}\n`);
  return ok;
}
