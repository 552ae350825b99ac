// What a run tells its listeners about its nodes (started, finished, reused, failed, cancelled) and its progress.
import { DomainError, isDomainError } from '../shared/domain-error';
import { cancelledError } from './duckdb-runtime';
import { isOutOfMemory, outOfMemoryError } from './memory-errors';
import { errorText } from './run-plan';
import type { NodeEvent, RunProgress } from './run-types';

export interface RunListeners {
  onNode?: (e: NodeEvent) => void;
  onProgress?: (p: RunProgress) => void;
}

/** One run's nodes as they go, and the progress over the `total` nodes it computes (never going back). */
export class RunReport {
  readonly executed: string[] = [];
  readonly reused: string[] = [];
  private done = 0;
  private best = 0;

  constructor(
    private readonly listeners: RunListeners,
    private readonly total: number,
  ) {}

  /** `fraction` of the running statement, 0..1, or negative while DuckDB reports none (indeterminate). */
  progress(node: string, startedAt: number, fraction: number): void {
    if (!this.listeners.onProgress) return;
    const { total, done } = this;
    const indeterminate = fraction < 0;
    const own = indeterminate ? 0 : Math.min(1, fraction);
    this.best = Math.max(this.best, total ? ((done + own) / total) * 100 : 100);
    const p: RunProgress = {
      percent: Math.round(this.best * 10) / 10,
      node,
      nodeStartedAt: startedAt,
      nodesDone: Math.min(done, total),
      nodesTotal: total,
    };
    if (indeterminate) p.indeterminate = true;
    this.listeners.onProgress(p);
  }

  started(node: string, at: number): void {
    this.listeners.onNode?.({ type: 'started', node, at });
    this.progress(node, at, 0);
  }

  finished(node: string, startedAt: number, rows: number, durationMs: number): void {
    this.executed.push(node);
    this.done++;
    this.progress(node, startedAt, 0);
    this.listeners.onNode?.({ type: 'finished', node, at: Date.now(), rows, durationMs, reused: false });
  }

  reusedResult(node: string, rows: number): void {
    this.reused.push(node);
    this.listeners.onNode?.({ type: 'finished', node, at: Date.now(), rows, durationMs: 0, reused: true });
  }

  /** The error a node's failure is reported as: cancelled (the run's signal, or DuckDB's), or failed with its message. */
  failure(node: string, err: unknown, signal: AbortSignal, memoryLimit = '1GB'): DomainError {
    const cancelled = signal.aborted || (isDomainError(err) && err.code === 'EXECUTION_CANCELLED');
    if (cancelled) {
      this.listeners.onNode?.({ type: 'cancelled', node, at: Date.now() });
      return cancelledError(`The execution of node "${node}"`);
    }
    const message = errorText(err);
    this.listeners.onNode?.({ type: 'failed', node, at: Date.now(), error: message });
    if (isOutOfMemory(message)) return outOfMemoryError(node, message, memoryLimit);
    return new DomainError('EXECUTION_FAILED', `Node "${node}" failed: ${message}`, {
      node,
      cause: isDomainError(err) ? err.code : undefined,
    });
  }

  /** A run answered wholly from kept results still tells its listener it is complete. */
  end(lastNode: string | undefined): void {
    if (this.total === 0 && lastNode !== undefined) this.progress(lastNode, Date.now(), 0);
  }
}
