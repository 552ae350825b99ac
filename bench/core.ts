// Core bookkeeping benchmark: session and pool operation rates with 10,000 live sessions, snapshot time, heap per session.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FakePackageLoader } from '../packages/server/test/support/fake-package-loader';
import { FlowportCore } from '../packages/server/src/core/flowport-core';

const LIVE = 10_000;
const SMALL = 1_000;
const PACKAGES_PER_SESSION = 3;

/** `tsx --expose-gc` (the npm script) exposes gc; otherwise it is switched on here. */
function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = getGc();

function newCore() {
  const loader = new FakePackageLoader();
  loader.write('lib/common.pkg.yaml');
  loader.write('integrator/score.pkg.yaml', { references: ['lib/common.pkg.yaml'] });
  for (let i = 0; i < PACKAGES_PER_SESSION; i++) {
    loader.write(`studio/p${i}.pkg.yaml`, { references: ['lib/common.pkg.yaml'] });
  }
  const core = new FlowportCore({ loader, poolSize: 10 });
  // A listener, as the live Session Manager feed would have, so event delivery is part of the cost.
  let seen = 0;
  core.on(() => void seen++);
  return core;
}

type Core = ReturnType<typeof newCore>;

function openIdleSessions(core: Core, n: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(core.openSession({ user: `user${i % 100}`, roles: ['design'], host: '10.0.0.1', kind: 'studio' }).id);
  }
  return ids;
}

type Op = () => unknown;

/** Operations per second of `op` over one round of at least `ms`. */
async function round(op: Op, ms: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 500; i++) await op();
    done += 500;
    elapsed = performance.now() - start;
  }
  return (done / elapsed) * 1000;
}

/**
 * Runs the baseline and the loaded variant in alternating rounds and keeps each one's best round,
 * so that a busy machine disturbs both alike and the ratio stays meaningful.
 */
async function sideBySide(base: Op, live: Op, rounds = 7, ms = 150): Promise<[number, number]> {
  for (let i = 0; i < 3_000; i++) {
    await base();
    await live();
  }
  let best: [number, number] = [0, 0];
  for (let r = 0; r < rounds; r++) {
    best = [Math.max(best[0], await round(base, ms)), Math.max(best[1], await round(live, ms))];
  }
  return best;
}

function sessionOpenClose(live: number): Op {
  const core = newCore();
  openIdleSessions(core, live);
  return () => {
    const s = core.openSession({ user: 'bench', roles: ['batch'], host: '10.0.0.2', kind: 'integrator' });
    core.closeSession(s.id, 'client');
  };
}

/** Integrator calls from every live session in turn, each checking out and releasing a pooled instance. */
function checkoutRelease(live: number): Op {
  const core = newCore();
  const ids = openIdleSessions(core, Math.max(live, 1));
  let n = 0;
  return async () => {
    const inst = await core.checkout('integrator/score.pkg.yaml', ids[n++ % ids.length]);
    core.release(inst.id);
  };
}

async function snapshotMs(sessions: number): Promise<{ ms: number; bytes: number }> {
  const core = newCore();
  for (const id of openIdleSessions(core, sessions)) {
    for (let i = 0; i < PACKAGES_PER_SESSION; i++) await core.openPackage(id, `studio/p${i}.pkg.yaml`);
  }
  core.snapshot();
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const start = performance.now();
    core.snapshot();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], bytes: JSON.stringify(core.snapshot()).length };
}

function heapPerIdleSession(n: number): number {
  const core = newCore();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const ids = openIdleSessions(core, n);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (ids.length !== core.listSessions().length) throw new Error('sessions went missing');
  return (after - before) / n;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}×`;

async function main() {
  const [openEmpty, openLive] = await sideBySide(sessionOpenClose(0), sessionOpenClose(LIVE));
  const [poolEmpty, poolLive] = await sideBySide(checkoutRelease(0), checkoutRelease(LIVE));
  const snapSmall = await snapshotMs(SMALL);
  const snapLive = await snapshotMs(LIVE);
  const heap = heapPerIdleSession(LIVE);

  const rows: [string, string, string, string][] = [
    ['measure', 'baseline', `with ${fmt(LIVE)} live sessions`, 'live / baseline'],
    ['session open + close (ops/s)', fmt(openEmpty), fmt(openLive), ratio(openEmpty, openLive)],
    ['pool checkout + release, hit (ops/s)', fmt(poolEmpty), fmt(poolLive), ratio(poolEmpty, poolLive)],
    [
      `snapshot build (ms), sessions × ${PACKAGES_PER_SESSION} packages`,
      `${fmt(snapSmall.ms, 2)} (${fmt(SMALL)} sessions)`,
      `${fmt(snapLive.ms, 2)} (${fmt(LIVE)} sessions)`,
      ratio(snapSmall.ms, snapLive.ms),
    ],
    ['snapshot JSON size (bytes)', fmt(snapSmall.bytes), fmt(snapLive.bytes), ratio(snapSmall.bytes, snapLive.bytes)],
    ['heap per idle session (bytes)', '—', fmt(heap), '—'],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  console.log(`Flowport core benchmark (node ${process.version}, ${new Date().toISOString()})`);
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    'Baseline: an empty core for the rates (best of alternating rounds), 1,000 sessions for the snapshot (median of 9).',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
