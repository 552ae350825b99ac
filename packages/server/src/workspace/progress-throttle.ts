// An execution's progress told to the core's observers at most every so often: every report is kept at once, told with the next one due.
import type { Execution, ExecutionProgress } from '../core';

/**
 * How often an execution's progress becomes an event. The Session Manager's page gets a delta at
 * most every 250 ms and reads the kept progress when it builds one; an Integrator call reports its
 * nodes' starts and ends within a millisecond or two, which were four events a call for nobody.
 */
export const PROGRESS_EVENT_MS = 100;

/**
 * Leading and trailing: a report long enough after the last told one is told at once; one sooner is
 * kept quietly and told when the interval has passed (one timer at a time), unless the execution
 * has ended by then (its end is the event that reports it). `end()` clears the timer.
 */
export class ProgressThrottle {
  private toldAt: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly exec: Execution,
    private readonly everyMs = PROGRESS_EVENT_MS,
    private readonly now: () => number = Date.now,
  ) {
    // The execution-started event has just told the row changed.
    this.toldAt = now();
  }

  report(p: ExecutionProgress): void {
    const now = this.now();
    if (now - this.toldAt >= this.everyMs && !this.timer) {
      this.toldAt = now;
      this.exec.setProgress(p);
      return;
    }
    this.exec.setProgress(p, true);
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        this.toldAt = this.now();
        this.exec.tellProgress();
      },
      Math.max(0, this.everyMs - (now - this.toldAt)),
    );
  }

  end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
