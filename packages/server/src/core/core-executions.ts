// Executions on package instances: begun, their progress and stops told as core events, ended into the settled listeners.
import { DomainError } from '../shared/domain-error';
import type { CoreState } from './core-state';
import { ExecutionRecord, type CancelSource, type Execution, type ExecutionHost } from './execution';
import type { InstanceRecord } from './package-instance';
import type { SettledListeners } from './settled-listeners';

export class CoreExecutions<H> {
  /** How an execution tells the core what happens to it. */
  private readonly host: ExecutionHost;

  constructor(
    private readonly s: CoreState<H>,
    settled: SettledListeners,
  ) {
    this.host = {
      progressed: (exec) => {
        const rec = this.live(exec);
        if (!rec) return;
        this.s.touch(rec);
        const progress = exec.progress!;
        this.s.emit(
          { type: 'execution-progress', executionId: exec.id, instanceId: rec.id, sessionId: rec.sessionId, progress },
          this.s.affectsOf(rec),
        );
      },
      stopping: (exec) => {
        exec.stoppedAt ??= this.s.now();
        const rec = this.live(exec);
        if (!rec) return;
        const reason = String(exec.signal.reason);
        this.s.emit(
          { type: 'execution-stopping', executionId: exec.id, instanceId: rec.id, sessionId: rec.sessionId, reason },
          this.s.affectsOf(rec),
        );
      },
      ended: (exec, outcome) => {
        settled.tell(exec, outcome, this.s.now());
        const rec = this.live(exec);
        if (!rec) return;
        rec.executions.delete(exec);
        this.s.touch(rec);
        this.s.emit(
          { type: 'execution-ended', executionId: exec.id, instanceId: rec.id, sessionId: rec.sessionId, outcome },
          this.s.affectsOf(rec),
        );
      },
    };
  }

  /**
   * Starts an execution of the instance. `controller`: the caller's AbortController to cancel
   * through (an Integrator call's, which its timeout and its caller's disconnect abort too), so a
   * call has one controller however it is stopped; one is made when absent.
   */
  begin(instanceId: string, o: { node?: string; controller?: CancelSource }): Execution {
    const rec = this.s.requireInstance(instanceId);
    if (rec.kind === 'session' && rec.running) {
      throw new DomainError('ALREADY_RUNNING', `Package "${rec.name}" is already executing; stop it first`);
    }
    if (rec.kind === 'pool' && !rec.checkedOut) {
      throw new DomainError('PACKAGE_NOT_FOUND', `Pooled instance "${instanceId}" is idle; check it out first`);
    }
    const now = this.s.now();
    const exec = new ExecutionRecord(this.s.ids(), rec.id, o.node ?? null, now, this.host, o.controller);
    const session = rec.sessionId === null ? undefined : this.s.sessions.get(rec.sessionId);
    exec.sessionKind = session?.kind ?? null;
    exec.user = session?.user ?? null;
    exec.packageName = rec.name;
    exec.path = rec.path;
    rec.executions.add(exec);
    this.s.touch(rec, now);
    this.s.emit(
      { type: 'execution-started', executionId: exec.id, instanceId, sessionId: rec.sessionId, node: exec.node },
      this.s.affectsOf(rec),
    );
    return exec;
  }

  stopPackage(instanceId: string, reason: string): boolean {
    const rec = this.s.requireInstance(instanceId);
    let stopped = false;
    this.s.bus.batch(() => {
      for (const e of rec.executions) stopped = e.stop(reason) || stopped;
    });
    return stopped;
  }

  startedBefore(t: number): { executionId: string; instanceId: string; startedAt: number }[] {
    const out: { executionId: string; instanceId: string; startedAt: number }[] = [];
    for (const rec of this.s.instances.values())
      for (const e of rec.executions)
        if (e.startedAt < t && !e.stopping) out.push({ executionId: e.id, instanceId: rec.id, startedAt: e.startedAt });
    return out;
  }

  stopOne(instanceId: string, executionId: string, reason: string): boolean {
    const rec = this.s.instances.get(instanceId);
    if (!rec) return false;
    for (const e of rec.executions) if (e.id === executionId) return e.stop(reason);
    return false;
  }

  stopSession(sessionId: string, reason: string): number {
    const s = this.s.requireSession(sessionId);
    let stopped = 0;
    this.s.bus.batch(() => {
      for (const p of s.packages) for (const e of p.executions) if (e.stop(reason)) stopped++;
    });
    return stopped;
  }

  /** The instance an execution still runs on; undefined once the instance closed (no events then). */
  private live(exec: ExecutionRecord): InstanceRecord<H> | undefined {
    const rec = this.s.instances.get(exec.instanceId);
    return rec && rec.executions.has(exec) ? rec : undefined;
  }
}
