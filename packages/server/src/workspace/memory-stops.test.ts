// Stops for memory: the reason the execution is aborted with, the caller's error, the audit row, refusals.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FlowportCore, type InstanceInfo, type LoadedPackage, type PackageLoader } from '../core';
import { sequentialIds } from '../../test/support/sequential-ids';
import { DomainError } from '../shared/domain-error';
import type { AuditInput } from '../db/audit-log';
import type { EngineHandle } from './engine-handle';
import type { MemorySample, MemoryUsage } from './memory-accounting';
import { MiB } from './memory-budget';
import { MEMORY_STOP, MemoryStops } from './memory-stops';

const loader: PackageLoader<EngineHandle> = {
  currentVersion: (path) => `${path}@1`,
  load: async (path): Promise<LoadedPackage<EngineHandle>> => ({
    name: 'Runaway',
    version: '1.0.0',
    fileVersion: `${path}@1`,
    createdAt: 1,
    savedAt: 1,
    references: [],
    handle: { path, text: '', issues: [] },
  }),
  unload: () => undefined,
};

const usage = (o: Partial<MemoryUsage> = {}): MemorySample => ({
  budgetBytes: 256 * MiB,
  instanceLimitBytes: 64 * MiB,
  duckdbBytes: 10 * MiB,
  rssBytes: 500 * MiB,
  nodeBytes: 200 * MiB,
  heapBytes: 100 * MiB,
  usedBytes: 300 * MiB,
  perInstance: new Map(),
  measuredAt: 0,
  untrackedBytes: 290 * MiB,
  running: [],
  ...o,
});

async function kit(ceiling: number | null = null) {
  const core = new FlowportCore<EngineHandle>({ loader, poolSize: 2, ids: sequentialIds('i') });
  const audits: AuditInput[] = [];
  let current = usage({ usedBytes: 100 * MiB });
  let recovering = false;
  const stops = new MemoryStops({
    core,
    usage: () => current,
    recovering: () => recovering,
    ceiling: () => ceiling,
    audit: (e) => audits.push(e),
    log: pino({ level: 'silent' }),
  });
  const sid = core.openSession({ user: 'ann', roles: ['design'], host: 'h', kind: 'studio' }).id;
  const inst = await core.openPackage(sid, 'x/runaway.pkg.yaml');
  return {
    core,
    stops,
    audits,
    inst,
    session: core.getSession(sid)!,
    set: (u: Partial<MemoryUsage>, r = false) => ((current = usage(u)), (recovering = r)),
  };
}

const offender = (inst: InstanceInfo<EngineHandle>) => ({
  execution: { executionId: 'e', instanceId: inst.id, startedAt: 1, untrackedAtStart: 0 },
  kind: 'untracked' as const,
  grownBytes: 280 * MiB,
});

describe('MemoryStops', () => {
  it("stops the offender's execution with the memory reason, audits it, and explains it to the caller", async () => {
    const { core, stops, audits, inst, session } = await kit();
    const exec = core.beginExecution(inst.id);
    stops.stop(offender(inst), usage());
    expect(exec.signal.aborted).toBe(true);
    const reason = String(exec.signal.reason);
    expect(reason).toBe(
      "stopped by the server: memory budget of 256 MB exceeded (package instances used 300 MB, 10 MB of it in DuckDB's own accounting; this execution grew it by 280 MB)",
    );
    expect(audits).toEqual([
      {
        actor: 'server',
        action: 'package.stop',
        target: `Runaway (x/runaway.pkg.yaml) in ${session.name}`,
        outcome: 'ok',
        details: expect.objectContaining({ reason: MEMORY_STOP, limit: 'budget', instanceId: inst.id }),
      },
    ]);
    const err = stops.explain(new DomainError('EXECUTION_CANCELLED', 'cancelled'), reason, inst) as DomainError;
    expect(err.code).toBe('MEMORY_LIMIT');
    expect(err.message).toBe(
      `The execution was ${reason}. Make the query hold less at once (a huge string or list is built in one go), ` +
        'or ask an administrator to raise the server parameter memoryBudgetMB.',
    );
    // Stopping it again (it is stopping already) changes nothing and audits nothing.
    stops.stop(offender(inst), usage());
    expect(audits).toHaveLength(1);
  });

  it('leaves a stop by someone else as it is', async () => {
    const { core, stops, audits, inst } = await kit();
    const exec = core.beginExecution(inst.id);
    core.stopPackage(inst.id, 'stopped by administrator root');
    stops.stop(offender(inst), usage());
    expect(exec.signal.reason).toBe('stopped by administrator root');
    expect(audits).toHaveLength(0);
    const other = new DomainError('EXECUTION_CANCELLED', 'cancelled');
    expect(stops.explain(other, exec.signal.reason, inst)).toBe(other);
  });

  it("audits DuckDB's own refusal at the instance's share and says how to fix it", async () => {
    const { stops, audits, inst } = await kit();
    const engine = new DomainError('MEMORY_LIMIT', 'Node "q" needs more memory than one package instance may use', {
      node: 'q',
      limit: 'instance',
      memoryLimit: '64MiB',
    });
    const err = stops.explain(engine, undefined, inst) as DomainError;
    expect(err.message).toMatch(/One instance may use a quarter of the memory budget\. Make the query hold less/);
    expect(err.details).toEqual(engine.details);
    expect(audits[0]).toMatchObject({ actor: 'server', details: { reason: MEMORY_STOP, limit: 'instance' } });
  });

  it("blames the process's ceiling for an allocation that could not fit under it, whatever DuckDB's words", async () => {
    const GiB = 1024 * MiB;
    const { stops, audits, inst } = await kit(3 * GiB);
    const engine = (requestedBytes: number) =>
      new DomainError('MEMORY_LIMIT', 'Node "q" needs more memory than one package instance may use', {
        node: 'q',
        limit: 'instance',
        memoryLimit: '2.9GiB',
        requestedBytes,
        duckdb: 'Out of Memory Error: failed to allocate data of size 4.0 GiB (56.0 KiB/2.9 GiB used)',
      });
    const big = stops.explain(engine(4 * GiB), undefined, inst) as DomainError;
    expect(big.message).toBe(
      'Node "q" asked for more memory at once than the server process may take: Out of Memory Error: failed to ' +
        'allocate data of size 4.0 GiB (56.0 KiB/2.9 GiB used). The server process may take 3072 MB in all ' +
        '(start-up option processMemoryLimitMB). Make the query hold less at once (a huge string or list is built ' +
        'in one go), or ask an administrator to raise the server parameter memoryBudgetMB.',
    );
    expect(big.details).toMatchObject({ limit: 'process', ceilingBytes: 3 * GiB, requestedBytes: 4 * GiB });
    expect(audits[0]).toMatchObject({ details: { reason: MEMORY_STOP, limit: 'process', ceilingBytes: 3 * GiB } });
    // A block that fits under the ceiling was DuckDB's own limit.
    const small = stops.explain(engine(16 * MiB), undefined, inst) as DomainError;
    expect(small.details).toMatchObject({ limit: 'instance' });
  });

  it('refuses new executions while recovering, and while DuckDB holds the whole budget', async () => {
    const { stops, set } = await kit();
    expect(() => stops.admit()).not.toThrow();
    set({ usedBytes: 900 * MiB }, true);
    expect(() => stops.admit()).toThrow(/past its memory budget of 256 MB .* try again in a few seconds/);
    set({ duckdbBytes: 256 * MiB, usedBytes: 256 * MiB });
    expect(() => stops.admit()).toThrow(
      /^Package instances hold 256 MB in DuckDB, the whole memory budget of 256 MB: close packages or sessions/,
    );
  });
});
