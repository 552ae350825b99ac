// /api/health latency while a 60,000-node, 4.3 MB draft opens (issue 15; goal: every answer within 100 ms), against an idle server's.
import { generatedPackage } from '../packages/server/test/support/large-package';
import { median, printTable, startBenchServer } from './integrator-harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const NODES = Number(process.env.BENCH_NODES ?? 60_000);
/** How long the idle reference of each round samples, and the pause between health requests. */
const IDLE_MS = 3000;
const EVERY_MS = 10;
const GOAL_MS = 100;

interface Latencies {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** Times /api/health one request at a time (a pause of EVERY_MS between) until `until` settles. */
async function healthWhile(base: string, until: Promise<unknown>): Promise<Latencies> {
  let settled = false;
  void until.finally(() => (settled = true)).catch(() => undefined);
  const times: number[] = [];
  while (!settled) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/health`);
    if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, EVERY_MS));
  }
  const s = times.sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { samples: s.length, p50: q(0.5), p99: q(0.99), max: s.at(-1) ?? NaN };
}

async function main() {
  process.env.BENCH_ROWS ??= '1000'; // the example data is not what this measures
  const server = await startBenchServer();
  const headers = { authorization: server.bearer, 'content-type': 'application/json' };
  const yaml = generatedPackage(NODES);
  const body = JSON.stringify({ draft: { yaml } });
  const rows: Record<string, string | number>[] = [];
  const worst: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const idle = await healthWhile(server.base, new Promise((r) => setTimeout(r, IDLE_MS)));
      const session = await fetch(`${server.base}/api/sessions`, {
        method: 'POST',
        headers: { authorization: server.bearer },
      });
      const sid = ((await session.json()) as { id: string }).id;
      const t0 = performance.now();
      const opening = fetch(`${server.base}/api/sessions/${sid}/packages`, { method: 'POST', headers, body }).then(
        async (res) => {
          if (res.status !== 201) throw new Error(`the draft opened with ${res.status}: ${await res.text()}`);
          return res.json();
        },
      );
      const during = await healthWhile(server.base, opening);
      await opening;
      const openMs = performance.now() - t0;
      await fetch(`${server.base}/api/sessions/${sid}`, {
        method: 'DELETE',
        headers: { authorization: server.bearer },
      });
      worst.push(during.max);
      for (const [label, l] of [
        ['idle', idle],
        ['while the draft opens', during],
      ] as const) {
        rows.push({
          round,
          '/api/health': label,
          answers: l.samples,
          'p50 ms': l.p50,
          'p99 ms': l.p99,
          'max ms': l.max,
          'open ms': label === 'idle' ? '' : Math.round(openMs),
        });
      }
    }
  } finally {
    await server.stop();
  }
  printTable(
    `/api/health beside a ${NODES.toLocaleString('en')}-node draft (${(yaml.length / 1e6).toFixed(2)} MB) opening, ${ROUNDS} rounds (idle reference, then the open)`,
    rows,
  );
  const verdict = median(worst);
  process.stdout.write(
    `\nslowest /api/health answer while the draft opens, median round: ${verdict.toFixed(1)} ms ` +
      `(rounds ${worst.map((w) => w.toFixed(1)).join(', ')}); goal under ${GOAL_MS} ms: ${verdict < GOAL_MS ? 'PASS' : 'FAIL'}\n`,
  );
}

await main();
