// The listeners told of every execution's end (metrics), including executions of instances closed while they ran.
import type { ExecutionOutcome, ExecutionRecord, SettledExecution } from './execution';

export type SettledListener = (e: SettledExecution) => void;

export class SettledListeners {
  private readonly listeners = new Set<SettledListener>();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  add(listener: SettledListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Builds the record only when someone listens: an Integrator call is one execution. */
  tell(exec: ExecutionRecord, outcome: ExecutionOutcome, now: number): void {
    if (this.listeners.size === 0) return;
    const e: SettledExecution = {
      id: exec.id,
      instanceId: exec.instanceId,
      sessionKind: exec.sessionKind,
      startedAt: exec.startedAt,
      endedAt: now,
      outcome,
      stoppedAt: exec.stoppedAt,
      // Every abort passes the core's stopping(), which notes the time; an execution never stopped has
      // never had its signal asked for by anyone but the engine, and making one costs microseconds.
      stopReason: exec.stoppedAt !== null ? String(exec.signal.reason) : null,
      node: exec.node,
      user: exec.user,
      packageName: exec.packageName,
      path: exec.path,
      error: exec.error,
    };
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
