// One Integrator or batch call once admitted: its session, its pooled instance, its one execution, and the cleanup whatever happens.
import type { SessionEvent } from '@flowport/protocol';
import type { Logger } from 'pino';
import type { FlowportCore, InstanceInfo, SessionInfo } from '../core';
import { DomainError, isDomainError } from '../shared/domain-error';
import type { ColumnInfo, RunResult } from '../engine';
import type { CallCancellation } from './call-cancellation';
import type { CallSlot } from './call-limiter';
import type { EngineHandle } from './engine-handle';
import { requireRuntime } from './engine-loader';
import { ExecutionRunner } from './execution-runner';
import type { CallKind, CallRequest, PreparedCall } from './integration-call';
import type { ExecutionHooks } from './memory-stops';
import type { SessionLog } from './session-log';

/** What a prepared call needs of the server to execute and end. */
export interface CallExecutionDeps {
  core: FlowportCore<EngineHandle>;
  log: Logger;
  /** The memory budget's hooks (workspace.executionHooks): refusals while the server recovers, its stops explained. */
  hooks?: ExecutionHooks;
  /** Told the result columns of each successful node call (the OpenAPI document learns from them). */
  onResultColumns?: (path: string, fileVersion: string | null, node: string, columns: ColumnInfo[]) => void;
  /** Writes the call's outcome on its session's close line (workspace.sessionLog); absent: a line of its own. */
  sessionLog?: Pick<SessionLog, 'callEnded'>;
}

export class PreparedIntegrationCall implements PreparedCall {
  private instanceOrUndefined: InstanceInfo<EngineHandle> | undefined;
  private outcome = 'failed';
  private ended = false;
  private executed = false;

  constructor(
    private readonly d: CallExecutionDeps,
    private readonly req: CallRequest,
    private readonly cancel: CallCancellation,
    private readonly slot: CallSlot | undefined,
    readonly session: SessionInfo,
    private readonly started: number,
  ) {}

  get instance(): InstanceInfo<EngineHandle> {
    return this.instanceOrUndefined!;
  }

  /** Checks an instance out of the pool and the node it may run; on failure everything is given back. */
  async checkout(): Promise<void> {
    const { core } = this.d;
    const { req, session, cancel } = this;
    try {
      this.instanceOrUndefined = await core.checkout(req.path, session.id).catch((err: unknown) => {
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
      checkNode(this.instance, req.node, req.kind);
      if (cancel.cancelled) throw cancel.explain(new Error('aborted'));
    } catch (err) {
      this.outcome = cancel.cancelled ? 'cancelled' : 'refused';
      this.end();
      throw cancel.explain(err);
    }
  }

  async execute(onEvent?: (event: SessionEvent) => void): Promise<RunResult> {
    if (this.executed) throw new Error('internal: a prepared call executes once');
    this.executed = true;
    const { core } = this.d;
    const { req, session, instance: inst, cancel } = this;
    // The session may have been stopped or closed by an administrator while the package loaded.
    if (!core.hasSession(session.id)) {
      throw new DomainError('EXECUTION_CANCELLED', `Session ${session.name} was closed before the execution started`);
    }
    const runner = new ExecutionRunner(core, this.d.log, { requestId: req.requestId }, this.d.hooks);
    const exec = runner.start(inst, {
      node: req.node,
      variables: req.variables,
      inputs: req.inputs,
      requireAccess: req.node ? 'published' : undefined,
      answer: req.answer,
      sink: req.sink,
      controller: cancel.controller,
      onEvent,
    });
    try {
      const result = await exec.done;
      this.outcome = 'done';
      if (req.node && result.columns) this.d.onResultColumns?.(req.path, inst.fileVersion, req.node, result.columns);
      return result;
    } catch (err) {
      const explained = cancel.explainExecution(err);
      this.outcome = isDomainError(explained) ? explained.code.toLowerCase() : 'failed';
      throw explained;
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const { core, log } = this.d;
    const { req, session, cancel } = this;
    cancel.dispose();
    try {
      if (this.instanceOrUndefined) core.release(this.instanceOrUndefined.id);
    } catch (err) {
      log.warn({ requestId: req.requestId, session: session.name, err }, 'giving the instance back to the pool failed');
    }
    const outcome = {
      kind: req.kind,
      user: req.user,
      host: req.host,
      path: req.path,
      node: req.node ?? '(all)',
      outcome: this.outcome,
      ms: Date.now() - this.started,
    };
    // An administrator may have closed the session already: the outcome then gets a line of its own.
    const open = core.hasSession(session.id);
    const noted = open && this.d.sessionLog?.callEnded(session.id, outcome) === true;
    if (open) core.closeSession(session.id, cancel.expired ? 'timeout' : 'client');
    this.slot?.release();
    if (noted) return;
    // A literal: `{ ...fields, more }` costs about a microsecond per added property on Node 20.
    log.info(
      {
        requestId: req.requestId,
        session: session.name,
        kind: outcome.kind,
        user: outcome.user,
        host: outcome.host,
        path: outcome.path,
        node: outcome.node,
        outcome: outcome.outcome,
        ms: outcome.ms,
      },
      `${req.kind} call ended`,
    );
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
