import { afterEach, beforeEach, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

/** A scan whose per-row work would take minutes: only a stop ends it. */
const ENDLESS = `name: Endless
variables:
  width: { type: integer, default: 1000000 }
nodes:
  - { id: base, kind: sql, sql: "SELECT range AS i FROM range(2000000)" }
  - id: heavy
    kind: sql
    inputs: [base]
    sql: "SELECT count(*) AS n FROM base a CROSS JOIN range($width) r(j) WHERE hash(a.i + r.j) % 7 = 0"
  - { id: quick, kind: sql, sql: "SELECT 42 AS answer" }
`;

/**
 * A stop is answered within this (typically a few ms; 392 ms was seen on a loaded 2-core machine): far
 * below the minutes the query would run, so it still tells a stop from a run to the end.
 */
const STOPPED_WITHIN_MS = 1000;

async function cancelAfter(ms: number, run: (signal: AbortSignal) => Promise<unknown>) {
  const ctl = new AbortController();
  const p = run(ctl.signal).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, ms));
  const t0 = performance.now();
  ctl.abort();
  const err = await p;
  return { err, latency: performance.now() - t0 };
}

it('interrupts a long query at once, reports it cancelled and stays usable', async () => {
  const rt = fx.runtime(ENDLESS);
  let percent = 0;
  const { err, latency } = await cancelAfter(1500, (signal) =>
    rt.run({ node: 'heavy', signal, onProgress: (p) => (percent = p.percent) }),
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe('EXECUTION_CANCELLED');
  expect(latency).toBeLessThan(STOPPED_WITHIN_MS);
  expect(percent).toBeGreaterThanOrEqual(50); // base done, heavy under way
  expect(rt.nodeStates().find((n) => n.id === 'heavy')?.state).toBe('cancelled');
  expect((await rt.run({ node: 'quick' })).rows).toEqual([{ answer: 42 }]);
  // And again: the same node can be started and stopped a second time.
  const second = await cancelAfter(300, (signal) => rt.run({ node: 'heavy', signal }));
  expect((second.err as DomainError).code).toBe('EXECUTION_CANCELLED');
  expect(second.latency).toBeLessThan(STOPPED_WITHIN_MS);
});

it('is cancelled before it starts when the signal is already aborted', async () => {
  const rt = fx.runtime(ENDLESS);
  const ctl = new AbortController();
  ctl.abort();
  await expect(rt.run({ node: 'quick', signal: ctl.signal })).rejects.toMatchObject({ code: 'EXECUTION_CANCELLED' });
});

it('keeps computing a shared result for the callers that still wait', async () => {
  const rt = fx.runtime(ENDLESS);
  const leaving = new AbortController();
  const staying = rt.run({ node: 'heavy', variables: { width: 20 } });
  const left = rt.run({ node: 'heavy', variables: { width: 20 }, signal: leaving.signal }).catch((e: unknown) => e);
  setTimeout(() => leaving.abort(), 100);
  expect(((await left) as DomainError).code).toBe('EXECUTION_CANCELLED');
  expect((await staying).rows).toHaveLength(1);
  expect(rt.computationCounts().heavy).toBe(1);
});

it('stops a called package when the caller is stopped', async () => {
  const lib = fx.runtime(ENDLESS.replace('- id: heavy', '- id: heavy\n    access: public'));
  const app = fx.runtime(
    'name: App\nreferences: [{ alias: lib, path: lib.pkg.yaml }]\nnodes:\n  - { id: c, kind: call, package: lib, node: heavy }\n',
    { resolveReference: () => lib },
  );
  const { err, latency } = await cancelAfter(1200, (signal) => app.run({ node: 'c', signal }));
  expect((err as DomainError).code).toBe('EXECUTION_CANCELLED');
  expect(latency).toBeLessThan(STOPPED_WITHIN_MS);
  expect(lib.nodeStates().find((n) => n.id === 'heavy')?.state).toBe('cancelled');
  expect((await lib.run({ node: 'quick' })).rows).toEqual([{ answer: 42 }]);
});
