// One execution of a package instance; its AbortController is the only way anything is stopped.
import type { SessionKind } from '@flowport/protocol';

export interface ExecutionProgress {
  /** 0..100 */
  percent: number;
  /** Id of the node being activated. */
  node: string;
  /** Milliseconds since the epoch when that node's activation started. */
  nodeStartedAt: number;
  nodesDone: number;
  nodesTotal: number;
  /** The running statement has no DuckDB figure (the page draws a moving bar). */
  indeterminate?: boolean;
}

export type ExecutionOutcome = 'done' | 'failed' | 'cancelled';

/** What the engine adapter gets from `beginExecution`. */
export interface Execution {
  readonly id: string;
  readonly instanceId: string;
  /** The node asked for, or null for the whole package. */
  readonly node: string | null;
  readonly startedAt: number;
  /** Aborted by stop/close (the reason string is in `signal.reason`) or by `abort`. */
  readonly signal: AbortSignal;
  /**
   * Keeps the progress and tells the core's observers (an execution-progress event); `quiet` keeps it
   * untold, for `tellProgress` (or the execution's end) to report later: views read the kept one.
   */
  setProgress(p: ExecutionProgress, quiet?: boolean): void;
  /** Tells the kept progress now (after quiet updates); nothing once ended. */
  tellProgress(): void;
  /** Ends the execution (`error`: why it failed); later calls are ignored. */
  end(outcome: ExecutionOutcome, error?: string): void;
  /** Aborts this execution (client gone, timeout) through the same path as a stop. */
  abort(reason: string): void;
}

/**
 * An execution's end as the core's observers hear it (metrics): also for an instance closed while it
 * ran, whose execution ends after the instance is gone and so sends no execution-ended event.
 */
export interface SettledExecution {
  id: string;
  instanceId: string;
  /** The kind of the session the execution ran for (null: an instance of no session). */
  sessionKind: SessionKind | null;
  startedAt: number;
  endedAt: number;
  outcome: ExecutionOutcome;
  /** When the first stop or abort reached it, and its reason; null for one that ran to its end. */
  stoppedAt: number | null;
  stopReason: string | null;
  /** For the execution history: the node asked for (null: the whole package), whose session, which package, why it failed. */
  node: string | null;
  user: string | null;
  packageName: string;
  path: string | null;
  error: string | null;
}

/** The core side of an execution: told about progress and the end, once each time. */
export interface ExecutionHost {
  progressed(exec: ExecutionRecord): void;
  stopping(exec: ExecutionRecord): void;
  ended(exec: ExecutionRecord, outcome: ExecutionOutcome): void;
}

/**
 * An AbortController that also tells one watcher when it is aborted: an execution that cancels
 * through a caller's controller learns of the caller's own aborts (timeout, disconnect) this way.
 * A listener on the signal would do as well, but adding one costs more than a whole small
 * execution's bookkeeping on Node 20, and an Integrator call is one such execution.
 */
export class CancelSource extends AbortController {
  private watcher?: () => void;

  /** `fn` runs once, right after the first abort; one watcher at a time (the execution's). */
  watch(fn: (() => void) | undefined): void {
    this.watcher = fn;
  }

  override abort(reason?: unknown): void {
    if (this.signal.aborted) return;
    super.abort(reason);
    const fn = this.watcher;
    this.watcher = undefined;
    fn?.();
  }
}

export class ExecutionRecord implements Execution {
  private readonly controller: AbortController;
  /** The controller is the caller's: it may be aborted without `stop` (the caller's timeout, its disconnect). */
  private readonly shared: boolean;
  progress: ExecutionProgress | null = null;
  ended = false;
  /** Set by the core when it begins: the session's kind, kept for when the session is gone. */
  sessionKind: SessionKind | null = null;
  /** Set by the core when the first stop or abort arrives. */
  stoppedAt: number | null = null;
  /** Set by the core when it begins, kept for when the session and instance are gone. */
  user: string | null = null;
  packageName = '';
  path: string | null = null;
  error: string | null = null;

  constructor(
    readonly id: string,
    readonly instanceId: string,
    readonly node: string | null,
    readonly startedAt: number,
    private readonly host: ExecutionHost,
    controller?: CancelSource,
  ) {
    this.controller = controller ?? new AbortController();
    this.shared = controller !== undefined;
    // However it is aborted, the host hears once that the execution is stopping.
    controller?.watch(() => !this.ended && this.host.stopping(this));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once aborted and not yet ended: the engine is unwinding. */
  get stopping(): boolean {
    return this.controller.signal.aborted && !this.ended;
  }

  /** Aborts unless already aborted or ended; returns whether this call aborted it. */
  stop(reason: string): boolean {
    if (this.ended || this.controller.signal.aborted) return false;
    this.controller.abort(reason);
    if (!this.shared) this.host.stopping(this);
    return true;
  }

  abort(reason: string): void {
    this.stop(reason);
  }

  setProgress(p: ExecutionProgress, quiet = false): void {
    if (this.ended) return;
    // The engine may overshoot or report NaN at the edges; the view wants 0..100.
    const percent = Number.isFinite(p.percent) ? Math.min(100, Math.max(0, p.percent)) : 0;
    this.progress = {
      percent,
      node: p.node,
      nodeStartedAt: p.nodeStartedAt,
      nodesDone: p.nodesDone,
      nodesTotal: p.nodesTotal,
    };
    if (p.indeterminate) this.progress.indeterminate = true;
    if (!quiet) this.host.progressed(this);
  }

  tellProgress(): void {
    if (!this.ended && this.progress) this.host.progressed(this);
  }

  end(outcome: ExecutionOutcome, error?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error ?? null;
    this.host.ended(this, outcome);
  }
}
