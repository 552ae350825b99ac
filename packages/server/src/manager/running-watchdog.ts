// The running-time watchdog: stops executions past runningLimitSeconds, closes Studio sessions idle past studioIdleTimeoutSeconds.
import type { ManagerWatch, ServerParameters } from '@flowport/protocol';
import type { Logger } from 'pino';
import type { FlowportCore } from '../core';
import type { AuditInput } from '../db/audit-log';
import { DomainError } from '../shared/domain-error';
import type { EngineHandle } from '../workspace/engine-handle';
import type { SessionCloser } from './session-closer';

/** The parameters the Session Manager's page is told of (snapshot `watch`). */
export const WATCH_KEYS = [
  'runningWarnSeconds',
  'runningAlertSeconds',
  'runningLimitSeconds',
  'studioIdleTimeoutSeconds',
] as const satisfies readonly (keyof ServerParameters)[];

export function watchOf(p: ServerParameters): ManagerWatch {
  return {
    warnSeconds: p.runningWarnSeconds,
    alertSeconds: p.runningAlertSeconds,
    limitSeconds: p.runningLimitSeconds,
    idleSeconds: p.studioIdleTimeoutSeconds,
  };
}

/** How every stop by this watchdog's limit begins (the abort reason, so the history's stoppedBy says it). */
export const RUNNING_LIMIT_STOP = 'stopped by the server: running limit';

/** Who the audit log and the Studio notice name for the server's own closes. */
export const BY_SERVER = 'server';

/**
 * Once a second: a limit of seconds needs no finer check, and one pass over the running executions
 * and the sessions costs microseconds even with thousands of them.
 */
export const RUNNING_WATCH_PERIOD_MS = 1000;

export interface RunningWatchdogDeps {
  core: FlowportCore<EngineHandle>;
  closer: SessionCloser;
  params: () => ServerParameters;
  audit?: (entry: AuditInput) => void;
  log: Logger;
  now?: () => number;
  periodMs?: number;
}

/** The error a caller gets for an execution this watchdog stopped; undefined for other stops. */
export function runningLimitError(reason: unknown): DomainError | undefined {
  if (typeof reason !== 'string' || !reason.startsWith(RUNNING_LIMIT_STOP)) return undefined;
  return new DomainError(
    'EXECUTION_CANCELLED',
    `The execution was ${reason}: it ran longer than the server parameter runningLimitSeconds allows`,
    { limit: 'running' },
  );
}

export class RunningWatchdog {
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Sessions being closed for idleness (their backups are written): not closed twice. */
  private readonly closing = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly d: RunningWatchdogDeps) {
    this.now = d.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.d.periodMs ?? RUNNING_WATCH_PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: stops what ran too long, closes what was idle too long. Both are off at 0. */
  check(): { stopped: number; closing: number } {
    const p = this.d.params();
    const now = this.now();
    let stopped = 0;
    let closing = 0;
    if (p.runningLimitSeconds > 0) {
      for (const e of this.d.core.executionsStartedBefore(now - p.runningLimitSeconds * 1000))
        if (this.stopLong(e, p.runningLimitSeconds, now)) stopped++;
    }
    if (p.studioIdleTimeoutSeconds > 0) {
      const before = now - p.studioIdleTimeoutSeconds * 1000;
      for (const s of this.d.core.listSessions()) {
        // A running session is busy, not idle, however long ago its user last acted.
        if (s.kind !== 'studio' || s.running || s.lastActivityAt >= before || this.closing.has(s.id)) continue;
        this.closeIdle(s.id, s.name, p.studioIdleTimeoutSeconds, now - s.lastActivityAt);
        closing++;
      }
    }
    return { stopped, closing };
  }

  private stopLong(e: { executionId: string; instanceId: string; startedAt: number }, limit: number, now: number) {
    const inst = this.d.core.getInstance(e.instanceId);
    if (!inst) return false;
    const reason = `${RUNNING_LIMIT_STOP} ${limit} s`;
    // Only this execution: a shared instance's other callers may be within the limit.
    if (!this.d.core.stopExecution(e.instanceId, e.executionId, reason)) return false;
    const session = inst.sessionId ? this.d.core.getSession(inst.sessionId) : undefined;
    const target = `${inst.name}${inst.path ? ` (${inst.path})` : ''}${session ? ` in ${session.name}` : ''}`;
    const details = {
      reason: `running limit ${limit} s`,
      by: BY_SERVER,
      executionId: e.executionId,
      instanceId: e.instanceId,
      session: session?.name,
      runningSeconds: Math.round((now - e.startedAt) / 1000),
    };
    this.d.log.warn({ ...details, package: inst.name, path: inst.path }, reason);
    this.record({ actor: BY_SERVER, action: 'package.stop', target, outcome: 'ok', details });
    return true;
  }

  private closeIdle(sid: string, name: string, limit: number, idleMs: number): void {
    this.closing.add(sid);
    const reason = `idle ${limit} s`;
    // The one close path (an administrator's): unsaved work is backed up, the Studio tab told why.
    this.d.closer.close(sid, 'timeout', `the server (${reason})`).then(
      ({ closed, backups }) => {
        this.closing.delete(sid);
        const details = { reason, by: BY_SERVER, idleSeconds: Math.round(idleMs / 1000), closed, backups };
        this.d.log.info({ session: name, ...details }, `session closed by the server: ${reason}`);
        this.record({ actor: BY_SERVER, action: 'session.close', target: name, outcome: 'ok', details });
      },
      (err: unknown) => {
        this.closing.delete(sid);
        // Closed meanwhile by its user or an administrator: nothing left to do.
        if (err instanceof DomainError && err.code === 'SESSION_NOT_FOUND') return;
        this.d.log.error({ err, session: name }, 'closing an idle session failed');
      },
    );
  }

  private record(entry: AuditInput): void {
    try {
      this.d.audit?.(entry);
    } catch (err) {
      this.d.log.error({ err }, 'the audit entry of a stop by the server could not be written');
    }
  }
}
