// Integrator over HTTP on 127.0.0.1 (autocannon): warm pool vs pool size 0, a trivial node vs bare Fastify, 200 connections.
import {
  greetingBody,
  load,
  printTable,
  sampleLatency,
  scoringBody,
  startBenchServer,
  type LoadResult,
} from './integrator-harness';

const FULL = process.argv.includes('--full');
/** `--only=2` (or `--only=1,3`) runs just those parts. */
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .map(Number);
const part = (n: number) => !ONLY || ONLY.includes(n);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const HEAVY_SECONDS = Number(process.env.BENCH_HEAVY_SECONDS ?? (FULL ? 60 : 20));
const SCORED = '/integrator/v1/credit/scoring.pkg.yaml/scored';
/** Concurrent callers of the scoring comparison (1: the warm/cold ratio is the per-call cost ratio). */
const SCORING_CONNECTIONS = Number(process.env.BENCH_SCORING_CONNECTIONS ?? 1);
const GREETING = '/integrator/v1/demo/hello.pkg.yaml/greeting';

const row = (r: LoadResult) => ({
  scenario: r.label,
  'req/s': r.rps,
  'p50 ms': r.p50,
  'p99 ms': r.p99,
  requests: r.requests,
  errors: r.errors,
  non2xx: r.non2xx,
});

/** Warms as many pooled instances as the load will use: `parallel` callers, `rounds` calls each. */
async function warmUp(
  url: string,
  headers: Record<string, string>,
  body: (i: number) => string,
  parallel: number,
  rounds = 5,
) {
  await Promise.all(
    Array.from({ length: parallel }, async (_, p) => {
      for (let r = 0; r < rounds; r++) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: body(1_000_000 + p * rounds + r),
        });
        if (!res.ok) throw new Error(`warm-up ${url}: ${res.status} ${await res.text()}`);
      }
    }),
  );
}

const server = await startBenchServer();
const auth = { authorization: server.bearer };
let failed = false;
try {
  if (part(1)) {
    // (1) The scoring call: a warm pooled instance keeps the imported customers table; pool size 0 loads everything per call.
    await server.setPoolSize(10);
    await warmUp(server.base + SCORED, auth, scoringBody, SCORING_CONNECTIONS);
    const warm = await load({
      label: `scoring, warm pool (size 10), ${SCORING_CONNECTIONS} conn.`,
      url: server.base + SCORED,
      headers: auth,
      body: scoringBody,
      connections: SCORING_CONNECTIONS,
      seconds: SECONDS,
    });
    await server.setPoolSize(0);
    const cold = await load({
      label: `scoring, pool size 0 (cold load per call), ${SCORING_CONNECTIONS} conn.`,
      url: server.base + SCORED,
      headers: auth,
      body: scoringBody,
      connections: SCORING_CONNECTIONS,
      seconds: SECONDS,
    });
    await server.setPoolSize(10);
    const poolRatio = warm.rps / cold.rps;
    printTable('(1) Scoring call: warm pool vs pool size 0', [row(warm), row(cold)]);
    process.stdout.write(
      `throughput ratio warm/cold: ${poolRatio.toFixed(1)} (goal >= 20) ${poolRatio >= 20 ? 'PASS' : 'FAIL'}\n`,
    );
  }
  if (part(2)) {
    // (2) A trivial published node (input -> sql) against a bare Fastify route answering the same JSON.
    await warmUp(server.base + GREETING, auth, greetingBody, 16);
    const trivial = await load({
      label: 'demo/hello greeting via the Integrator',
      url: server.base + GREETING,
      headers: auth,
      body: greetingBody,
      connections: 16,
      seconds: SECONDS,
    });
    const bare = await load({
      label: 'bare Fastify route, same JSON',
      url: `${server.bareBase}/bare/greeting`,
      body: greetingBody,
      connections: 16,
      seconds: SECONDS,
    });
    const same = await load({
      label: 'same, one body for every call (results reused)',
      url: server.base + GREETING,
      headers: auth,
      body: () => greetingBody(0),
      connections: 16,
      seconds: SECONDS,
    });
    const bareRatio = trivial.rps / bare.rps;
    printTable('(2) Trivial published node vs bare Fastify', [row(trivial), row(same), row(bare)]);
    process.stdout.write(
      `throughput ratio Integrator/bare: ${bareRatio.toFixed(2)} (goal >= 0.3) ${bareRatio >= 0.3 ? 'PASS' : 'FAIL'}\n`,
    );
  }
  if (part(3)) {
    // (3) 200 concurrent connections; the Session Manager snapshot is timed meanwhile.
    const sampler = sampleLatency(async () => {
      const res = await fetch(`${server.base}/api/manager/snapshot`, { headers: auth });
      if (!res.ok) throw new Error(String(res.status));
      await res.arrayBuffer();
    });
    const heavy = await load({
      label: `greeting, 200 connections, ${HEAVY_SECONDS} s`,
      url: server.base + GREETING,
      headers: auth,
      body: greetingBody,
      connections: 200,
      seconds: HEAVY_SECONDS,
    });
    const snap = await sampler.stop();
    // Calls still in flight when the load stopped finish (or see their caller gone) before the pool is read.
    let after = await server.snapshot();
    for (let i = 0; i < 600 && after.sessions.some((s) => s.kind === 'integrator'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await server.snapshot();
    }
    printTable('(3) 200 concurrent connections', [row(heavy)]);
    printTable('Manager snapshot during the load', [
      { samples: snap.samples, failures: snap.failures, 'p50 ms': snap.p50, 'p99 ms': snap.p99, 'max ms': snap.max },
    ]);
    const leftover = after.sessions.filter((s) => s.kind === 'integrator').length;
    process.stdout.write(
      `errors: ${heavy.errors + heavy.non2xx} (goal 0) ${heavy.errors + heavy.non2xx === 0 ? 'PASS' : 'FAIL'}; ` +
        `afterwards the pool holds ${after.pool.items.length}/${after.pool.max}, integrator sessions left: ${leftover}\n`,
    );
    if (!FULL) process.stdout.write(`(run with --full for 60 s of load)\n`);
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await server.stop();
}
process.exit(failed ? 1 : 0);
