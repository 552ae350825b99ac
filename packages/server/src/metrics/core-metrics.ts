// Feeds the metrics from the core: its counts at each scrape, every execution's end, pool evictions with their cause.
import type { FlowportCore, PoolChange } from '../core';
import type { EvictionCause, FlowportMetrics } from './flowport-metrics';

const EVICTION_CAUSE: Partial<Record<PoolChange, EvictionCause>> = {
  release: 'capacity',
  resize: 'capacity',
  invalidate: 'file_changed',
  clear: 'cleared',
};

/** Subscribes; the answer unsubscribes. */
export function observeCore<H>(core: FlowportCore<H>, metrics: FlowportMetrics): () => void {
  metrics.readCounts(() => core.counts());
  const offSettled = core.onExecutionSettled((e) =>
    metrics.executionFinished(e.sessionKind ?? 'none', e.outcome, {
      reason: e.stopReason,
      seconds: e.stoppedAt === null ? null : Math.max(0, e.endedAt - e.stoppedAt) / 1000,
    }),
  );
  // An eviction closes the instance first and then says why in one pool-changed event, in the same
  // batch: the closes seen since the last pool change are that change's evictions.
  let evicted = 0;
  const offEvents = core.on((e) => {
    if (e.type === 'package-closed') {
      if (e.reason === 'evicted') evicted++;
    } else if (e.type === 'pool-changed' && evicted > 0) {
      metrics.poolEvicted(EVICTION_CAUSE[e.change] ?? 'capacity', evicted);
      evicted = 0;
    }
  });
  return () => {
    offSettled();
    offEvents();
  };
}
