// Integrator and batch calls: a core session per call, a pooled instance, one execution, and cleanup always.
import type { Role, SessionEvent } from '@flowport/protocol';
import type { Logger } from 'pino';
import type { FlowportCore, InstanceInfo, SessionInfo } from '../core';
import { DomainError } from '../shared/domain-error';
import type { ColumnInfo, RunResult } from '../engine';
import { isPackagePath } from '../storage';
import { CallCancellation, shuttingDown, type InFlightCalls } from './call-cancellation';
import type { EngineHandle } from './engine-handle';
import type { CallLimiter, CallSlot } from './call-limiter';
import type { ExecutionHooks } from './memory-stops';
import { PreparedIntegrationCall } from './prepared-integration-call';

export type CallKind = 'integrator' | 'batch';

export interface CallRequest {
  kind: CallKind;
  user: string;
  roles: Role[];
  /** Client IP. */
  host: string;
  /** Returned to the caller, shown in the Session Manager and written on every log line of the call. */
  requestId: string;
  /** Package path in the storage. */
  path: string;
  /** The published node to answer with; a batch run may leave it out to run the whole package. */
  node?: string;
  variables?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  /**
   * The call's cancellation, made by the adapter as the request arrives so that it can report the
   * caller gone (http/caller-gone.ts); made here when absent. Its controller is the execution's own.
   */
  cancellation?: CallCancellation;
  /** Cancels the call (TIMEOUT) when it takes longer, loading included. */
  timeoutMs?: number;
}

/** A call with its session open and its instance checked out, ready to execute once. */
export interface PreparedCall {
  readonly session: SessionInfo;
  readonly instance: InstanceInfo<EngineHandle>;
  /** Runs the node (or the package); errors are explained (TIMEOUT, EXECUTION_CANCELLED with the reason). */
  execute(onEvent?: (event: SessionEvent) => void): Promise<RunResult>;
  /** Gives the instance back and closes the session; safe to call more than once. */
  end(): void;
}

export interface IntegrationServiceDeps {
  core: FlowportCore<EngineHandle>;
  log: Logger;
  /** Admission of calls (Integrator): at most so many run at once, the others wait their turn. */
  limiter?: CallLimiter;
  /** The memory budget's hooks (workspace.executionHooks): refusals while the server recovers, its stops explained. */
  hooks?: ExecutionHooks;
  /** Calls are cancelled with SERVER_STOPPING, and refused, once the server stops. */
  inFlight?: InFlightCalls;
  /** Told the result columns of each successful node call (the OpenAPI document learns from them). */
  onResultColumns?: (path: string, fileVersion: string | null, node: string, columns: ColumnInfo[]) => void;
}

export class IntegrationService {
  constructor(private readonly d: IntegrationServiceDeps) {}

  /** The whole call: prepare, execute, and give everything back whatever happens. */
  async call(req: CallRequest, onEvent?: (event: SessionEvent) => void): Promise<RunResult> {
    const prepared = await this.prepare(req);
    try {
      return await prepared.execute(onEvent);
    } finally {
      prepared.end();
    }
  }

  /**
   * Opens the session (kind integrator or batch) and checks out an instance from the pool; refuses
   * an unknown package or node, a node that is not published and a package with errors. On any
   * failure here the session is already closed and the instance given back.
   */
  async prepare(req: CallRequest): Promise<PreparedCall> {
    checkPackagePath(req.path);
    if (this.d.inFlight?.closing) throw shuttingDown('it takes no new calls');
    const started = Date.now();
    const cancel = req.cancellation ?? new CallCancellation();
    // The limit counts from arrival: waiting for a slot and loading the package are part of the call.
    cancel.watch({ timeoutMs: req.timeoutMs, inFlight: this.d.inFlight });
    const slot = await this.admit(cancel);
    let session: SessionInfo;
    try {
      session = this.d.core.openSession({
        user: req.user,
        roles: req.roles,
        host: req.host,
        kind: req.kind,
        requestId: req.requestId,
      });
    } catch (err) {
      cancel.dispose();
      slot?.release();
      throw err;
    }
    this.logStart(req, session, started);
    const call = new PreparedIntegrationCall(this.d, req, cancel, slot, session, started);
    await call.checkout();
    return call;
  }

  /** A slot of the call limiter (Integrator), waited for until the call is cancelled. */
  private async admit(cancel: CallCancellation): Promise<CallSlot | undefined> {
    try {
      const slot = cancel.cancelled ? undefined : this.d.limiter?.tryAcquire();
      return slot ?? (await this.d.limiter?.acquire(cancel.signal));
    } catch (err) {
      cancel.dispose();
      throw cancel.explain(err);
    }
  }

  // The call's own line at info when it ends (PreparedIntegrationCall.end), with everything an administrator
  // looks for; its session's open and close are logged at info by the workspace, with the same request id.
  private logStart(req: CallRequest, session: SessionInfo, started: number): void {
    const { log } = this.d;
    if (!log.isLevelEnabled('debug')) return;
    log.debug(
      {
        requestId: req.requestId,
        session: session.name,
        kind: req.kind,
        path: req.path,
        node: req.node ?? '(all)',
        waitedMs: Date.now() - started,
      },
      `${req.kind} call started`,
    );
  }
}

function checkPackagePath(path: string): void {
  if (isPackagePath(path)) return;
  throw new DomainError(
    'PACKAGE_NOT_FOUND',
    `"${path}" is not a package path: package files end in .pkg.yaml (call /integrator/v1/<package path>/<node>)`,
    { path },
  );
}
