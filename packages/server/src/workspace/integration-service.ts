// Integrator and batch calls: a core session per call, a pooled instance, one execution, and cleanup always.
import type { Role, SessionEvent } from '@flowport/protocol';
import type { Logger } from 'pino';
import { CancelSource, type FlowportCore, type InstanceInfo, type SessionInfo } from '../core';
import { DomainError, isDomainError } from '../shared/domain-error';
import type { ColumnInfo, RunResult } from '../engine';
import { isPackagePath } from '../storage';
import type { EngineHandle } from './engine-handle';
import { requireRuntime } from './engine-loader';
import type { CallLimiter, CallSlot } from './call-limiter';
import { ExecutionRunner } from './execution-runner';
import type { ExecutionHooks } from './memory-stops';

export type CallKind = 'integrator' | 'batch';

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
  /** Aborted when the caller goes away. */
  signal?: AbortSignal;
  /**
   * The call's own controller, when the caller keeps one to abort on its disconnect (the Integrator
   * route): it saves a second controller and a listener per call. Made here when absent.
   */
  controller?: CancelSource;
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
    if (!isPackagePath(req.path)) {
      throw new DomainError(
        'PACKAGE_NOT_FOUND',
        `"${req.path}" is not a package path: package files end in .pkg.yaml (call /integrator/v1/<package path>/<node>)`,
        { path: req.path },
      );
    }
    if (this.d.inFlight?.closing) throw shuttingDown('it takes no new calls');
    const started = Date.now();
    const { core } = this.d;
    const abort = req.controller ?? new CancelSource();
    const untrack = this.d.inFlight?.track(abort);
    let timedOut = false;
    const onCallerGone = () => abort.abort(CALLER_GONE);
    if (req.signal?.aborted) onCallerGone();
    else req.signal?.addEventListener('abort', onCallerGone, { once: true });
    // The limit counts from arrival: waiting for a slot and loading the package are part of the call.
    const timer =
      req.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            abort.abort(`timed out after ${seconds(req.timeoutMs!)}`);
          }, req.timeoutMs)
        : undefined;
    timer?.unref();
    const stopWatching = () => {
      untrack?.();
      if (timer) clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerGone);
    };
    const explain = (err: unknown): unknown => {
      if (timedOut) {
        return new DomainError(
          'TIMEOUT',
          `The call did not finish within ${seconds(req.timeoutMs!)} and was cancelled; the server parameter integratorTimeoutSeconds (or the x-flowport-timeout header) sets the limit`,
          { timeoutSeconds: req.timeoutMs! / 1000 },
        );
      }
      if (abort.signal.aborted && abort.signal.reason === SERVER_STOPPING) return shuttingDown();
      // The controller is the execution's too: a stop on the server aborts it with its own reason.
      if (abort.signal.aborted && abort.signal.reason === CALLER_GONE) {
        return new DomainError('EXECUTION_CANCELLED', `The execution was cancelled: ${CALLER_GONE}`);
      }
      return err;
    };

    let slot: CallSlot | undefined;
    try {
      slot = abort.signal.aborted ? undefined : this.d.limiter?.tryAcquire();
      slot ??= await this.d.limiter?.acquire(abort.signal);
    } catch (err) {
      stopWatching();
      throw explain(err);
    }
    let session: SessionInfo;
    try {
      session = core.openSession({
        user: req.user,
        roles: req.roles,
        host: req.host,
        kind: req.kind,
        requestId: req.requestId,
      });
    } catch (err) {
      stopWatching();
      slot?.release();
      throw err;
    }
    // The call's own line at info when it ends, with everything an administrator looks for (its session's
    // open and close are logged at info by the workspace, with the same request id).
    const { log } = this.d;
    const { requestId } = req;
    const sessionName = session.name;
    if (log.isLevelEnabled('debug'))
      log.debug(
        {
          requestId,
          session: sessionName,
          kind: req.kind,
          path: req.path,
          node: req.node ?? '(all)',
          waitedMs: Date.now() - started,
        },
        `${req.kind} call started`,
      );

    let instance: InstanceInfo<EngineHandle> | undefined;
    let outcome = 'failed';
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      stopWatching();
      try {
        if (instance) core.release(instance.id);
      } catch (err) {
        log.warn({ requestId, session: sessionName, err }, 'giving the instance back to the pool failed');
      }
      // An administrator may have closed the session already.
      if (core.getSession(session.id)) core.closeSession(session.id, timedOut ? 'timeout' : 'client');
      slot?.release();
      // A literal: `{ ...fields, more }` costs about a microsecond per added property on Node 20.
      log.info(
        {
          requestId,
          session: sessionName,
          kind: req.kind,
          user: req.user,
          host: req.host,
          path: req.path,
          node: req.node ?? '(all)',
          outcome,
          ms: Date.now() - started,
        },
        `${req.kind} call ended`,
      );
    };
    try {
      instance = await core.checkout(req.path, session.id).catch((err: unknown) => {
        if (isDomainError(err) && err.code === 'SESSION_NOT_FOUND') {
          throw new DomainError('EXECUTION_CANCELLED', `Session ${session.name} was closed while the package loaded`);
        }
        if (isDomainError(err) && err.code === 'FILE_NOT_FOUND') {
          throw new DomainError('PACKAGE_NOT_FOUND', `No package "${req.path}" in the file storage`, {
            path: req.path,
          });
        }
        throw err;
      });
      checkNode(instance, req.node, req.kind);
      if (abort.signal.aborted) throw explain(new Error('aborted'));
    } catch (err) {
      outcome = abort.signal.aborted ? 'cancelled' : 'refused';
      end();
      throw explain(err);
    }

    const inst = instance;
    const runner = new ExecutionRunner(core, log, { requestId: req.requestId }, this.d.hooks);
    let executed = false;
    return {
      session,
      instance: inst,
      execute: async (onEvent) => {
        if (executed) throw new Error('internal: a prepared call executes once');
        executed = true;
        // The session may have been stopped or closed by an administrator while the package loaded.
        if (!core.getSession(session.id)) {
          throw new DomainError(
            'EXECUTION_CANCELLED',
            `Session ${session.name} was closed before the execution started`,
          );
        }
        const exec = runner.start(inst, {
          node: req.node,
          variables: req.variables,
          inputs: req.inputs,
          requireAccess: req.node ? 'published' : undefined,
          controller: abort,
          onEvent,
        });
        try {
          const result = await exec.done;
          outcome = 'done';
          if (req.node && result.columns)
            this.d.onResultColumns?.(req.path, inst.fileVersion, req.node, result.columns);
          return result;
        } catch (err) {
          let explained = explain(err);
          if (isDomainError(explained) && explained.code === 'EXECUTION_CANCELLED' && explained === err) {
            // Stopped from the Session Manager (or the server is stopping): say so rather than a bare "cancelled".
            explained = new DomainError(
              'EXECUTION_CANCELLED',
              `The execution was stopped on the server (Session Manager or shutdown): ${explained.message}`,
            );
          }
          outcome = isDomainError(explained) ? explained.code.toLowerCase() : 'failed';
          throw explained;
        }
      },
      end,
    };
  }
}

/** Refuses a node the call may not run, naming the nodes it may. */
function checkNode(inst: InstanceInfo<EngineHandle>, node: string | undefined, kind: CallKind): void {
  const runtime = requireRuntime(inst.handle);
  if (node === undefined) {
    if (kind === 'integrator') throw new DomainError('BAD_REQUEST', 'An Integrator call names a published node');
    return;
  }
  const def = runtime.def.nodes.find((n) => n.id === node);
  if (def?.access === 'published') return;
  const published = runtime.def.nodes.filter((n) => n.access === 'published').map((n) => n.id);
  const list = published.length ? published.join(', ') : '(none)';
  if (!def) {
    throw new DomainError(
      'NODE_NOT_FOUND',
      `Package "${inst.name}" (${inst.path}) has no node "${node}"; its published nodes: ${list}`,
      { node, published },
    );
  }
  throw new DomainError(
    'NODE_NOT_FOUND',
    `Node "${node}" of package "${inst.name}" (${inst.path}) is ${def.access}, not published: only published nodes can be called from outside; its published nodes: ${list}`,
    { node, access: def.access, published },
  );
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
