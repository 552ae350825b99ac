// One call's cancellation (Integrator, batch): its controller, and the ways it ends early — caller gone, timeout, a stop on the server, shutdown — told apart in one place.
import type { ErrorCode } from '@flowport/protocol';
import { CancelSource } from '../core';
import { DomainError, isDomainError } from '../shared/domain-error';

/** The reason a call's controller is aborted with when its caller goes away. */
export const CALLER_GONE = 'the caller disconnected';
/** The reason every call in flight is aborted with when the server stops (SIGTERM). */
export const SERVER_STOPPING = 'the server is shutting down';

/** The calls in flight, as the server's shutdown sees them: it cancels them all and refuses new ones. */
export interface InFlightCalls {
  readonly closing: boolean;
  /** Adds a call's controller (aborted at once when closing already); returns how to remove it. */
  track(controller: CancelSource): () => void;
}

export function shuttingDown(what = 'the call was cancelled before it finished'): DomainError {
  return new DomainError('SHUTTING_DOWN', `The server is shutting down: ${what}. Call again once it is back`);
}

/** The error codes of a call stopped short (a stop, the timeout, the server stopping) rather than failed. */
const CANCELLED_CODES: ReadonlySet<ErrorCode> = new Set(['EXECUTION_CANCELLED', 'TIMEOUT', 'SHUTTING_DOWN']);

/** Whether an (explained) error's code says the call was stopped short rather than failed by the package. */
export function isCancellationCode(code: string): boolean {
  return CANCELLED_CODES.has(code as ErrorCode);
}

export interface CallWatch {
  /** Cancels the call (TIMEOUT) when it takes longer, counted from `watch`: waiting and loading included. */
  timeoutMs?: number;
  /** The server's calls in flight: this one is cancelled with them at shutdown. */
  inFlight?: InFlightCalls;
}

/**
 * Owns one call's controller, which is also its execution's (a stop from the Session Manager aborts
 * it with its own reason): the HTTP adapter reports the caller gone (made as soon as the request
 * arrives), `watch` adds the timeout and the shutdown; `explain` turns what the call threw into the
 * answer that names which of them cancelled it.
 */
export class CallCancellation {
  readonly controller = new CancelSource();
  private timedOut = false;
  private timeoutMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private untrack: (() => void) | undefined;

  /** Starts the call's timeout and joins the calls the server's shutdown cancels (aborted at once when it is stopping). */
  watch(o: CallWatch): void {
    this.untrack = o.inFlight?.track(this.controller);
    const timeoutMs = o.timeoutMs;
    if (timeoutMs === undefined) return;
    this.timeoutMs = timeoutMs;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(`timed out after ${seconds(timeoutMs)}`);
    }, timeoutMs);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Cancelled for any reason (caller gone, timeout, stop, shutdown). */
  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /** Whether the timeout cancelled it: its session then closes as timed out. */
  get expired(): boolean {
    return this.timedOut;
  }

  /** The caller went away before its answer: whatever the call is doing stops. */
  callerGone(): void {
    this.controller.abort(CALLER_GONE);
  }

  /** The error to answer with: why the call was cancelled when it was (timeout, shutdown, caller gone), else `err`. */
  explain(err: unknown): unknown {
    if (this.timedOut) {
      const ms = this.timeoutMs!;
      return new DomainError(
        'TIMEOUT',
        `The call did not finish within ${seconds(ms)} and was cancelled; the server parameter integratorTimeoutSeconds (or the x-flowport-timeout header) sets the limit`,
        { timeoutSeconds: ms / 1000 },
      );
    }
    const reason: unknown = this.controller.signal.aborted ? this.controller.signal.reason : undefined;
    if (reason === SERVER_STOPPING) return shuttingDown();
    if (reason === CALLER_GONE)
      return new DomainError('EXECUTION_CANCELLED', `The execution was cancelled: ${CALLER_GONE}`);
    return err;
  }

  /**
   * `explain` for what an execution threw: a cancellation none of the call's own causes explains
   * was a stop on the server (the Session Manager, or the memory watchdog), and says so.
   */
  explainExecution(err: unknown): unknown {
    const explained = this.explain(err);
    if (explained === err && isDomainError(err) && err.code === 'EXECUTION_CANCELLED') {
      return new DomainError(
        'EXECUTION_CANCELLED',
        `The execution was stopped on the server (Session Manager or shutdown): ${err.message}`,
      );
    }
    return explained;
  }

  /** Stops watching (timer, shutdown); the controller stays as it is. Safe to call more than once. */
  dispose(): void {
    this.untrack?.();
    this.untrack = undefined;
    if (this.timer) clearTimeout(this.timer);
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
