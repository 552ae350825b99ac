// The chain of calls into other packages a run is in: bounded in depth, cancellable, and yielding to the event loop.
import { DomainError } from '../shared/domain-error';
import { cancelledError } from './duckdb-runtime';

/**
 * Calls into other packages nest at most this deep. Reference cycles are refused when a package is
 * opened, so this is the second line: nothing else may let a run call itself without end.
 */
export const MAX_CALL_DEPTH = 32;

/** Where a plan or an execution stands: how deep in calls, through which nodes, and what cancels it. */
export interface CallChain {
  /** 0 for the package a run or call was started on; 1 for a package it calls; and so on. */
  depth: number;
  /** `package.node` of each call that led here, outermost first. */
  trail: readonly string[];
  /** The signal of the run that started the chain. */
  signal?: AbortSignal;
}

export function rootChain(signal?: AbortSignal): CallChain {
  return { depth: 0, trail: [], signal };
}

/**
 * The chain inside a call that `node` of `pkg` makes; CALL_DEPTH_EXCEEDED past the limit and
 * EXECUTION_CANCELLED once the run was cancelled, so neither a deep chain nor a stopped run goes on.
 */
export function enterCall(chain: CallChain, pkg: string, node: string): CallChain {
  if (chain.signal?.aborted) throw cancelledError();
  const trail = [...chain.trail, `${pkg}.${node}`];
  if (chain.depth + 1 > MAX_CALL_DEPTH) {
    const shown = trail.length > 8 ? [...trail.slice(0, 4), '…', ...trail.slice(-3)] : trail;
    throw new DomainError(
      'CALL_DEPTH_EXCEEDED',
      `Calls into other packages nest deeper than ${MAX_CALL_DEPTH} levels (${shown.join(' → ')}); a package must not call itself, directly or through others: remove a call or a reference.`,
      { limit: MAX_CALL_DEPTH, trail },
    );
  }
  return { depth: chain.depth + 1, trail, signal: chain.signal };
}
