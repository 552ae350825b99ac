// The readiness runner: every check answered in time or failed, with reasons a caller without a login may read.
import { describe, expect, it } from 'vitest';
import { CheckError, Readiness } from './readiness';

describe('Readiness', () => {
  it('is ready when every check passes, and names the ones that fail', async () => {
    const r = new Readiness([
      { name: 'database', check: () => undefined },
      { name: 'storage', check: async () => Promise.reject(new CheckError('the probe failed')) },
    ]);
    const report = await r.report();
    expect(report.ready).toBe(false);
    expect(report.failing).toEqual(['storage']);
    expect(report.checks.database).toEqual({ ok: true, ms: expect.any(Number) });
    expect(report.checks.storage).toEqual({ ok: false, ms: expect.any(Number), error: 'the probe failed' });
  });

  it('fails a check that does not answer in time', async () => {
    const r = new Readiness([{ name: 'storage', check: () => new Promise(() => undefined) }], 50);
    const started = Date.now();
    const report = await r.report();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.checks.storage).toMatchObject({ ok: false, error: 'no answer within 50 ms' });
  });

  it('shows a system error by its code only, and anything else as "failed"; the log gets the errors', async () => {
    const enotdir = Object.assign(new Error("ENOTDIR: not a directory, open '/secret/path/.probe'"), {
      code: 'ENOTDIR',
    });
    const r = new Readiness([
      { name: 'storage', check: () => Promise.reject(enotdir) },
      {
        name: 'other',
        check: () => {
          throw new Error('internal detail');
        },
      },
    ]);
    const report = await r.report();
    expect(report.checks.storage!.error).toBe('ENOTDIR');
    expect(report.checks.other!.error).toBe('failed');
    expect(JSON.stringify(report.checks)).not.toContain('/secret/path');
    expect(report.errors.storage).toBe(enotdir);
  });
});
