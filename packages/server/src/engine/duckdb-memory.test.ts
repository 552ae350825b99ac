// What DuckDB's memory_limit bounds and what it does not, on a real instance: why the server needs a watchdog.
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

const MiB = 1024 * 1024;
const sql = (text: string) =>
  `name: Memory\nnodes:\n  - id: q\n    kind: sql\n    access: published\n    sql: ${JSON.stringify(text)}\n`;

it("lets repeat() build a value far past memory_limit, outside DuckDB's own accounting", async () => {
  const rt = fx.runtime(sql("SELECT length(repeat('x', 300000000)) AS n"), { memoryLimit: '64MiB' });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let accountedPeak = 0;
  const watch = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    void rt.memoryBytes().then((b) => (accountedPeak = Math.max(accountedPeak, b)));
  }, 5);
  try {
    const out = await rt.run({ node: 'q' });
    expect(out.rows).toEqual([{ n: 300000000 }]);
  } finally {
    clearInterval(watch);
  }
  // The 300 MB string was really there (and copied once more when DuckDB folded the constant)...
  expect(rssPeak - rssBefore).toBeGreaterThan(250 * MiB);
  // ...while DuckDB's buffer manager, which memory_limit governs, never held more than its limit.
  expect(accountedPeak).toBeLessThan(64 * MiB);
});

it('refuses a runaway aggregate at memory_limit, which the engine reports as MEMORY_LIMIT', async () => {
  const rt = fx.runtime(sql('SELECT list(range) AS l FROM range(50000000)'), { memoryLimit: '64MiB' });
  const err = await rt.run({ node: 'q' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe('MEMORY_LIMIT');
  expect((err as DomainError).message).toMatch(
    /^Node "q" needs more memory than one package instance may use \(its DuckDB memory limit is 64MiB\): Out of Memory Error: [^\n]+$/,
  );
  expect((err as DomainError).details).toMatchObject({ node: 'q', limit: 'instance', memoryLimit: '64MiB' });
  // The instance stays usable and has let go of what the aggregate held.
  const small = fx.runtime(sql('SELECT 1 AS one'), { memoryLimit: '64MiB' });
  expect((await small.run({ node: 'q' })).rows).toEqual([{ one: 1 }]);
  expect(await rt.memoryBytes()).toBeLessThan(16 * MiB);
});

it('sets the spill limit and measures nothing before the database exists', async () => {
  const rt = fx.runtime(sql("SELECT current_setting('max_temp_directory_size') AS spill"), {
    maxTempDirectorySize: '128MiB',
  });
  expect(await rt.memoryBytes()).toBe(0);
  expect((await rt.run({ node: 'q' })).rows).toEqual([{ spill: '128.0 MiB' }]);
  expect(rt.computing).toBe(false);
});
