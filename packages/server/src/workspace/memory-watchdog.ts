// Every 200 ms, measures memory and stops the execution that pushed the package instances past the budget.
import type { Logger } from 'pino';
import type { MemorySample, RunningExecution } from './memory-accounting';
import { mb, MiB } from './memory-budget';

/**
 * RSS grows by about 0.3-0.6 GB/s while DuckDB builds one huge value and by 1-3 GB/s for big
 * lists (measured here): a period of 200 ms lets the use pass the budget by some 100-600 MB before
 * a stop, and costs one small DuckDB query per running instance per period.
 */
export const WATCHDOG_PERIOD_MS = 200;
/** An execution that grew the use by less than this is not stopped for it (measurements are not exact). */
export const MIN_BLAME_BYTES = 16 * MiB;
/** Longest wait for a stopped execution's DuckDB to let go before another one may be stopped. */
const MAX_RECOVERY_MS = 10 * 60_000;

/** What the use was when it was last within the budget: growth since then is what pushed it over. */
export interface WithinBudget {
  untrackedBytes: number;
  perInstance: ReadonlyMap<string, number>;
}

export interface Offender {
  execution: RunningExecution;
  /** Whether DuckDB's own accounting shows the growth, or only the process's memory does. */
  kind: 'duckdb' | 'untracked';
  /** How much this execution is taken to have grown the use. */
  grownBytes: number;
}

/**
 * The execution to stop, or undefined when none grew the use enough to be blamed. When DuckDB's
 * accounting shows the growth, each running execution is blamed for its own instance's growth since
 * the use was within the budget; when it does not (a value built in one call escapes it), for the
 * growth of the untracked memory since the execution started. The one blamed most is stopped; of
 * those blamed about as much (within 10 %), the newest: an execution that ran through the whole growth
 * is blamed for all of it, and the newest of those is the one that was started into it.
 */
export function chooseOffender(sample: MemorySample, within: WithinBudget): Offender | undefined {
  if (sample.usedBytes <= sample.budgetBytes || sample.running.length === 0) return undefined;
  const tracked = (id: string) => Math.max(0, (sample.perInstance.get(id) ?? 0) - (within.perInstance.get(id) ?? 0));
  const untrackedGrowth = Math.max(0, sample.untrackedBytes - within.untrackedBytes);
  let maxTracked = 0;
  for (const e of sample.running) maxTracked = Math.max(maxTracked, tracked(e.instanceId));
  const kind = maxTracked >= untrackedGrowth ? 'duckdb' : 'untracked';
  const blame = (e: RunningExecution) =>
    kind === 'duckdb' ? tracked(e.instanceId) : Math.max(0, sample.untrackedBytes - e.untrackedAtStart);
  let best = 0;
  for (const e of sample.running) best = Math.max(best, blame(e));
  if (best < MIN_BLAME_BYTES) return undefined;
  const near = Math.max(MIN_BLAME_BYTES, best * 0.1);
  let chosen: RunningExecution | undefined;
  for (const e of sample.running) {
    if (blame(e) < best - near) continue;
    if (!chosen || e.startedAt >= chosen.startedAt) chosen = e;
  }
  return { execution: chosen!, kind, grownBytes: blame(chosen!) };
}

export interface MemoryWatchdogOptions {
  /** Where the measurements come from: the accounting, or a fake in tests. */
  measure: () => Promise<MemorySample>;
  /** Stops the offender's execution with the memory reason (and records why). */
  stop: (offender: Offender, sample: MemorySample) => void;
  /** Whether DuckDB still computes for the instance (a stopped query that has not yet let go). */
  computing: (instanceId: string) => boolean;
  /** Drops memory kept only to be quick (idle pooled instances) when DuckDB holds the whole budget. */
  release?: () => number;
  log?: Logger;
  periodMs?: number;
  now?: () => number;
}

export class MemoryWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private within: WithinBudget | undefined;
  private stopped: { instanceId: string; at: number } | undefined;
  private over = false;
  private warned = false;
  private readonly now: () => number;

  constructor(private readonly o: MemoryWatchdogOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /**
   * The server has stopped an execution for memory, the use is still past the budget and that
   * execution's DuckDB has not let go yet: new executions are refused meanwhile.
   */
  get recovering(): boolean {
    return this.over && this.stopped !== undefined;
  }

  /** Weighs one measurement: stops an offender when the use is past the budget. */
  check(sample: MemorySample): Offender | undefined {
    this.over = sample.usedBytes > sample.budgetBytes;
    if (!this.over) {
      this.within = { untrackedBytes: sample.untrackedBytes, perInstance: sample.perInstance };
      this.stopped = undefined;
      this.warned = false;
      return undefined;
    }
    this.within ??= { untrackedBytes: sample.untrackedBytes, perInstance: sample.perInstance };
    if (this.stopped) {
      // Its memory is freed only when DuckDB returns: stopping another meanwhile would blame an innocent.
      if (this.o.computing(this.stopped.instanceId) && this.now() - this.stopped.at < MAX_RECOVERY_MS) return undefined;
      this.stopped = undefined;
    }
    if (sample.duckdbBytes >= sample.budgetBytes) {
      const released = this.o.release?.() ?? 0;
      if (released > 0)
        this.o.log?.warn({ released, duckdb: mb(sample.duckdbBytes) }, 'memory budget: idle pooled instances dropped');
    }
    const offender = chooseOffender(sample, this.within);
    if (!offender) {
      if (!this.warned)
        this.o.log?.warn(
          { used: mb(sample.usedBytes), budget: mb(sample.budgetBytes), duckdb: mb(sample.duckdbBytes) },
          'memory budget exceeded, and no running execution grew it: nothing to stop',
        );
      this.warned = true;
      return undefined;
    }
    this.stopped = { instanceId: offender.execution.instanceId, at: this.now() };
    this.o.stop(offender, sample);
    return offender;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.o.periodMs ?? WATCHDOG_PERIOD_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      this.check(await this.o.measure());
    } catch (err) {
      this.o.log?.error({ err }, 'memory watchdog: a measurement failed');
    } finally {
      this.schedule();
    }
  }
}
