// The engine's own guard against runaway calls: a depth limit, a cancellable plan, and an event loop that keeps turning.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isDomainError } from '../shared/domain-error';
import { MAX_CALL_DEPTH } from './call-chain';
import type { PackageRuntime } from './package-runtime';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

// The package of issue 15: it calls its own node through a reference to its own file.
const SELF = `name: self
references: [{alias: other, path: out/self.pkg.yaml}]
nodes: [{id: b, kind: call, package: other, node: b, access: published}]
`;

/** A runtime whose reference resolves to itself, as if the core had not refused the cycle. */
function selfCalling(): PackageRuntime {
  const self: PackageRuntime = fx.runtime(SELF, { resolveReference: () => self });
  return self;
}

async function failure(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: isDomainError(err) ? err.code : undefined, message: (err as Error).message };
  }
  throw new Error('expected a failure');
}

it('stops a package that calls itself at the depth limit, with the chain of calls named', async () => {
  const rt = selfCalling();
  const started = Date.now();
  const err = await failure(rt.run({ node: 'b' }));
  expect(err.code).toBe('CALL_DEPTH_EXCEEDED');
  expect(err.message).toContain(`deeper than ${MAX_CALL_DEPTH} levels`);
  expect(err.message).toContain('self.b → self.b');
  expect(Date.now() - started).toBeLessThan(5000);
});

it('keeps the event loop turning while a chain of calls is planned', async () => {
  const rt = selfCalling();
  const order: string[] = [];
  // Without turns the whole chain would plan in microtasks and fail before anything else ran.
  setImmediate(() => order.push('another task'));
  await failure(rt.run({ node: 'b' })).then(() => order.push('run failed'));
  expect(order).toEqual(['another task', 'run failed']);
});

it('stops planning a chain of calls as soon as the run is cancelled', async () => {
  const rt = selfCalling();
  const ac = new AbortController();
  setImmediate(() => ac.abort('stop'));
  const err = await failure(rt.run({ node: 'b', signal: ac.signal }));
  expect(err.code).toBe('EXECUTION_CANCELLED');
});

it('lets a chain of calls as deep as the limit through', async () => {
  // p0 calls p1 … calls p{n}; p{n} answers. Only the outermost call is depth 1.
  const n = MAX_CALL_DEPTH;
  const runtimes: PackageRuntime[] = [];
  runtimes[n] = fx.runtime(`name: p${n}\nnodes: [{id: v, kind: sql, access: public, sql: "SELECT ${n} AS depth"}]\n`);
  for (let i = n - 1; i >= 0; i--) {
    const next = runtimes[i + 1];
    runtimes[i] = fx.runtime(
      `name: p${i}\nreferences: [{alias: next, path: p${i + 1}.pkg.yaml}]\nnodes: [{id: v, kind: call, package: next, node: v, access: published}]\n`,
      { resolveReference: () => next },
    );
  }
  const r = await runtimes[0].run({ node: 'v' });
  expect(r.rows).toEqual([{ depth: n }]);
  // One more level is refused.
  const top = fx.runtime(
    `name: top\nreferences: [{alias: next, path: p0.pkg.yaml}]\nnodes: [{id: v, kind: call, package: next, node: v, access: published}]\n`,
    { resolveReference: () => runtimes[0] },
  );
  expect((await failure(top.run({ node: 'v' }))).code).toBe('CALL_DEPTH_EXCEEDED');
}, 60_000);
