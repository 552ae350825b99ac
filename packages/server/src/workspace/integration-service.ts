// Integrator and batch calls: a core session per call, a pooled instance, one execution, and cleanup always.
import type { SessionEvent } from '@flowport/protocol';
import type { SessionInfo } from '../core';
import { DomainError } from '../shared/domain-error';
import type { RunResult } from '../engine';
import { isPackagePath } from '../storage';
import { CallCancellation, shuttingDown, type InFlightCalls } from './call-cancellation';
import type { CallLimiter, CallSlot } from './call-limiter';
import type { CallRequest, PreparedCall } from './integration-call';
import { PreparedIntegrationCall, type CallExecutionDeps } from './prepared-integration-call';

export interface IntegrationServiceDeps extends CallExecutionDeps {
  /** Admission of calls (Integrator): at most so many run at once, the others wait their turn. */
  limiter?: CallLimiter;
  /** Calls are cancelled with SERVER_STOPPING, and refused, once the server stops. */
  inFlight?: InFlightCalls;
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
