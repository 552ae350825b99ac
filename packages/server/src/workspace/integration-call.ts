// What an Integrator or batch call is: its request, and what a prepared call offers (IntegrationService makes them).
import type { Role, SessionEvent } from '@flowport/protocol';
import type { InstanceInfo, SessionInfo } from '../core';
import type { RowSink, RunResult } from '../engine';
import type { CallCancellation } from './call-cancellation';
import type { EngineHandle } from './engine-handle';

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
  /** Cancels the call (TIMEOUT) when it takes longer, loading included (and a streamed answer). */
  timeoutMs?: number;
  /** How the node's rows are answered: objects (default), their JSON text, or every row streamed into `sink`. */
  answer?: 'objects' | 'json' | 'stream';
  sink?: RowSink;
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
