// Runs a package instance on the engine under a core execution: one AbortController, progress and events.
import type { SessionEvent } from '@flowport/protocol';
import type { Logger } from 'pino';
import type { CancelSource, FlowportCore, InstanceInfo } from '../core';
import { isDomainError } from '../shared/domain-error';
import type { RowSink, RunResult } from '../engine';
import type { EngineHandle } from './engine-handle';
import { requireRuntime } from './engine-loader';
import type { ExecutionHooks } from './memory-stops';
import { ProgressThrottle } from './progress-throttle';

export interface RunRequestOptions {
  node?: string;
  variables?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  requireAccess?: 'public' | 'published';
  /** The caller's controller (a call's cancellation), to be the execution's own: one controller per call. */
  controller?: CancelSource;
  onEvent?: (event: SessionEvent) => void;
  /** How the target's rows are answered (see RunOptions.answer), and where streamed ones go. */
  answer?: 'objects' | 'json' | 'stream';
  sink?: RowSink;
}

export interface StartedExecution {
  id: string;
  done: Promise<RunResult>;
}

export class ExecutionRunner {
  constructor(
    private readonly core: FlowportCore<EngineHandle>,
    private readonly log: Logger,
    /** Written on every line of the execution (an Integrator call's request id). */
    private readonly logFields: Record<string, unknown> = {},
    /** The memory budget's: refuses new executions while the server recovers, explains its stops. */
    private readonly hooks?: ExecutionHooks,
  ) {}

  start(inst: InstanceInfo<EngineHandle>, o: RunRequestOptions = {}): StartedExecution {
    const runtime = requireRuntime(inst.handle);
    this.hooks?.admit();
    const exec = this.core.beginExecution(inst.id, { node: o.node, controller: o.controller });
    const session = inst.sessionId ? this.core.getSession(inst.sessionId) : undefined;
    // Made only when a line is written: most executions log one line, or none below debug.
    let child: Logger | undefined;
    const log = () =>
      (child ??= this.log.child({
        ...this.logFields,
        session: session?.name,
        package: inst.name,
        path: inst.path,
        execution: exec.id,
      }));
    const debug = this.log.isLevelEnabled('debug');
    // Events are built only for a listener (the Studio's page, a batch run): an Integrator call has none.
    const emit = o.onEvent;
    if (debug) log().debug({ node: o.node ?? '(all)' }, 'execution started');
    let lastProgressSent = 0;
    const told = new ProgressThrottle(exec);
    const done = runtime
      .run({
        node: o.node,
        variables: o.variables,
        inputs: o.inputs,
        requireAccess: o.requireAccess,
        answer: o.answer,
        sink: o.sink,
        signal: exec.signal,
        onProgress: (p) => {
          told.report(p);
          const now = Date.now();
          // The page needs a few updates a second, not one per DuckDB poll.
          if (emit && (now - lastProgressSent >= 200 || p.percent >= 100)) {
            lastProgressSent = now;
            emit({
              type: 'progress',
              packageId: inst.id,
              progress: { ...p, nodeStartedAt: new Date(p.nodeStartedAt).toISOString() },
            });
          }
        },
        // Nobody to tell (an Integrator call below debug): the engine builds no node events at all.
        onNode:
          !debug && !emit
            ? undefined
            : (e) => {
                if (e.type === 'started') {
                  if (debug) log().debug({ node: e.node }, 'node activation started');
                  emit?.({ type: 'node-started', packageId: inst.id, node: e.node, at: new Date(e.at).toISOString() });
                } else if (e.type === 'finished') {
                  if (debug)
                    log().debug(
                      { node: e.node, rows: e.rows, durationMs: e.durationMs, reused: e.reused },
                      'node activation finished',
                    );
                  emit?.({
                    type: 'node-finished',
                    packageId: inst.id,
                    node: e.node,
                    rows: e.rows,
                    durationMs: e.durationMs,
                  });
                } else if (e.type === 'failed') {
                  if (debug) log().debug({ node: e.node, error: e.error }, 'node activation failed');
                  emit?.({ type: 'node-failed', packageId: inst.id, node: e.node, error: e.error });
                }
              },
      })
      .then(
        (result) => {
          told.end();
          exec.end('done');
          emit?.({ type: 'run-finished', packageId: inst.id, outcome: 'done' });
          return result;
        },
        (failure: unknown) => {
          const err = this.hooks ? this.hooks.explain(failure, exec.signal.reason, inst) : failure;
          const cancelled = exec.signal.aborted || (isDomainError(err) && err.code === 'EXECUTION_CANCELLED');
          const message = (err as Error).message;
          told.end();
          exec.end(cancelled ? 'cancelled' : 'failed', cancelled ? undefined : message);
          log().info(
            {
              outcome: cancelled ? 'cancelled' : 'failed',
              reason: cancelled ? String(exec.signal.reason ?? '') : undefined,
              err: message,
            },
            'execution ended',
          );
          emit?.({
            type: 'run-finished',
            packageId: inst.id,
            outcome: cancelled ? 'cancelled' : 'failed',
            error: message,
            code: isDomainError(err) ? err.code : undefined,
          });
          throw err;
        },
      );
    // A Studio run is fire-and-forget; its outcome travels as events.
    done.catch(() => undefined);
    return { id: exec.id, done };
  }
}
