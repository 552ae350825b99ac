// Stops by the server for memory: the abort reason, the caller's error, the audit row, and refusing new work.
import type { Logger } from 'pino';
import type { FlowportCore, InstanceInfo } from '../core';
import { DomainError, isDomainError } from '../shared/domain-error';
import type { AuditInput } from '../db/audit-log';
import type { EngineHandle } from './engine-handle';
import type { MemorySample, MemoryUsage } from './memory-accounting';
import { processLimitError } from '../engine/memory-errors';
import { mb } from './memory-budget';
import { dataSegmentBytes } from './memory-ceiling';
import type { Offender } from './memory-watchdog';

/** The audit entry's reason, and how the abort reason of every such stop begins. */
export const MEMORY_STOP = 'stopped by the server: memory';

const HOW_TO_FIX =
  'Make the query hold less at once (a huge string or list is built in one go), ' +
  'or ask an administrator to raise the server parameter memoryBudgetMB';

/** An engine error for memory refused at `limit` (memory-errors.ts). */
function isMemoryRefusal(
  err: unknown,
  limit: 'instance' | 'process',
): err is DomainError & { details: Record<string, unknown> } {
  return isDomainError(err) && err.code === 'MEMORY_LIMIT' && err.details?.limit === limit;
}

/** What the execution runner asks before and after an execution. */
export interface ExecutionHooks {
  /** Throws when the server cannot take a new execution now. */
  admit(): void;
  /** The error the caller gets for an execution that failed with `err` after being aborted with `reason`. */
  explain(err: unknown, reason: unknown, inst: InstanceInfo<EngineHandle>): unknown;
}

export interface MemoryStopsDeps {
  core: FlowportCore<EngineHandle>;
  usage: () => MemoryUsage;
  /** The watchdog waits for a stopped execution to free its memory, with the use still past the budget. */
  recovering: () => boolean;
  /** The process's memory ceiling (memory-ceiling.ts), or null when none is set. */
  ceiling?: () => number | null;
  audit?: (entry: AuditInput) => void;
  log: Logger;
}

export class MemoryStops implements ExecutionHooks {
  constructor(private readonly d: MemoryStopsDeps) {}

  /** Stops the offender's execution (the watchdog's choice) and records it. */
  stop(offender: Offender, sample: MemorySample): void {
    const inst = this.d.core.getInstance(offender.execution.instanceId);
    if (!inst) return;
    const reason =
      `${MEMORY_STOP} budget of ${mb(sample.budgetBytes)} exceeded (package instances used ${mb(sample.usedBytes)}, ` +
      `${mb(sample.duckdbBytes)} of it in DuckDB's own accounting; this execution grew it by ${mb(offender.grownBytes)})`;
    // Already stopping (by its user, an administrator, a timeout): that stop stands, and its reason.
    if (!this.d.core.stopPackage(inst.id, reason)) return;
    this.record(inst, 'budget', {
      budgetBytes: sample.budgetBytes,
      usedBytes: sample.usedBytes,
      duckdbBytes: sample.duckdbBytes,
      rssBytes: sample.rssBytes,
      grownBytes: offender.grownBytes,
      blamedBy: offender.kind,
      message: reason,
    });
  }

  admit(): void {
    const u = this.d.usage();
    if (this.d.recovering()) {
      throw new DomainError(
        'MEMORY_LIMIT',
        `The server is past its memory budget of ${mb(u.budgetBytes)} (package instances use ${mb(u.usedBytes)}) ` +
          'while an execution it stopped for using too much lets go of its memory; try again in a few seconds',
        { limit: 'budget', budgetBytes: u.budgetBytes, usedBytes: u.usedBytes },
      );
    }
    if (u.duckdbBytes >= u.budgetBytes) {
      throw new DomainError(
        'MEMORY_LIMIT',
        `Package instances hold ${mb(u.duckdbBytes)} in DuckDB, the whole memory budget of ${mb(u.budgetBytes)}: ` +
          'close packages or sessions you no longer use (their results stay in memory), or ask an administrator ' +
          'to raise the server parameter memoryBudgetMB',
        { limit: 'budget', budgetBytes: u.budgetBytes, duckdbBytes: u.duckdbBytes },
      );
    }
  }

  explain(err: unknown, reason: unknown, inst: InstanceInfo<EngineHandle>): unknown {
    if (typeof reason === 'string' && reason.startsWith(MEMORY_STOP)) {
      return new DomainError('MEMORY_LIMIT', `The execution was ${reason}. ${HOW_TO_FIX}.`, { limit: 'budget' });
    }
    err = this.blameCeiling(err);
    // DuckDB itself refused memory past the instance's share of the budget: a stop for memory too.
    if (isMemoryRefusal(err, 'instance')) {
      this.record(inst, 'instance', { message: err.message, memoryLimit: err.details.memoryLimit });
      return new DomainError(
        'MEMORY_LIMIT',
        `${err.message}. One instance may use a quarter of the memory budget. ${HOW_TO_FIX}.`,
        err.details,
      );
    }
    // The kernel refused DuckDB's allocation: one call asked for more than the process's ceiling leaves.
    if (isMemoryRefusal(err, 'process')) {
      const ceiling = this.d.ceiling?.() ?? null;
      this.record(inst, 'process', { message: err.message, ceilingBytes: ceiling });
      const which =
        ceiling === null
          ? 'The machine had no memory to give'
          : `The server process may take ${mb(ceiling)} in all (start-up option processMemoryLimitMB)`;
      return new DomainError('MEMORY_LIMIT', `${err.message}. ${which}. ${HOW_TO_FIX}.`, {
        ...err.details,
        ceilingBytes: ceiling,
      });
    }
    return err;
  }

  /**
   * DuckDB words the kernel's refusal of a large allocation as its own ("failed to allocate data of size 4.0 GiB
   * (56.0 KiB/2.9 GiB used)"): when what it asked for could not fit under the ceiling, the ceiling refused it.
   */
  private blameCeiling(err: unknown): unknown {
    if (!isMemoryRefusal(err, 'instance')) return err;
    const ceiling = this.d.ceiling?.() ?? null;
    const requested = err.details.requestedBytes;
    const segment = dataSegmentBytes();
    if (ceiling === null || typeof requested !== 'number' || segment === null || requested < ceiling - segment)
      return err;
    return processLimitError(String(err.details.node), String(err.details.duckdb), requested);
  }

  private record(
    inst: InstanceInfo<EngineHandle>,
    limit: 'budget' | 'instance' | 'process',
    more: Record<string, unknown>,
  ): void {
    const session = inst.sessionId ? this.d.core.getSession(inst.sessionId) : undefined;
    const target = `${inst.name}${inst.path ? ` (${inst.path})` : ''}${session ? ` in ${session.name}` : ''}`;
    const details = { reason: MEMORY_STOP, limit, instanceId: inst.id, session: session?.name, ...more };
    this.d.log.warn({ ...details, package: inst.name, path: inst.path }, MEMORY_STOP);
    try {
      this.d.audit?.({ actor: 'server', action: 'package.stop', target, outcome: 'ok', details });
    } catch (err) {
      this.d.log.error({ err }, 'the audit entry of a stop for memory could not be written');
    }
  }
}
