import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ceilingBytes } from './memory-ceiling';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('the memory ceiling', () => {
  it('is the option when set, none at 0, else the budget plus a quarter of the machine (at least 1 GiB)', () => {
    expect(ceilingBytes(4096, 12 * GiB, 24 * GiB)).toBe(4 * GiB);
    expect(ceilingBytes(0, 12 * GiB, 24 * GiB)).toBeNull();
    expect(ceilingBytes(null, 12 * GiB, 24 * GiB)).toBe(18 * GiB);
    expect(ceilingBytes(null, 256 * MiB, 24 * GiB)).toBe(256 * MiB + 6 * GiB);
    expect(ceilingBytes(null, 1 * GiB, 2 * GiB)).toBe(2 * GiB);
  });

  // A child process, so that this test's own limits stay as they are.
  it.runIf(process.platform === 'linux')(
    "sets the process's soft data limit, which DuckDB's one-call allocation then fails against",
    () => {
      const script = `
        import pino from 'pino';
        import { DuckDBInstance } from '@duckdb/node-api';
        import { applyDataLimit, currentDataLimit, dataSegmentBytes } from ${JSON.stringify(new URL('./memory-ceiling.ts', import.meta.url).pathname)};
        applyDataLimit(${1 * GiB}, pino({ level: 'silent' }));
        const db = await DuckDBInstance.create(':memory:', { threads: '1' });
        const c = await db.connect();
        let error = null;
        try { await c.run("SELECT repeat('x', 1500000000) AS s"); } catch (e) { error = e.message.split('\\n')[0]; }
        const after = (await c.runAndReadAll('SELECT 42 AS y')).getRows()[0][0];
        console.log(JSON.stringify({ limit: currentDataLimit(), segment: dataSegmentBytes(), error, after }));
      `;
      const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(res.status, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
      expect(out.limit).toBe(1 * GiB);
      expect(out.segment).toBeGreaterThan(0);
      expect(out.segment).toBeLessThan(1 * GiB);
      expect(out.error).toMatch(/^Out of Memory Error: .*bad allocation/);
      expect(out.after).toBe(42);
    },
    90_000,
  );
});
