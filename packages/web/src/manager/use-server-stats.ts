// The server panel's samples per node: the last 15 minutes from GET /api/manager/stats, then the live 'stats' frames.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServerStatsSample } from '@flowport/protocol';
import { managerApi } from './manager-api';

/** How far back the sparklines reach. */
export const STATS_WINDOW_MS = 15 * 60 * 1000;

/** Samples by node ('' on a single server), oldest first. */
export type StatsByNode = ReadonlyMap<string, readonly ServerStatsSample[]>;

/** The samples with `added` merged in by time (a sample of the same time once), the ones past the window dropped. */
export function mergeSamples(
  samples: readonly ServerStatsSample[],
  added: readonly ServerStatsSample[],
  now: number,
): ServerStatsSample[] {
  const byTime = new Map<number, ServerStatsSample>();
  for (const s of samples) byTime.set(s.t, s);
  for (const s of added) byTime.set(s.t, s);
  const from = now - STATS_WINDOW_MS;
  return [...byTime.values()].filter((s) => s.t >= from).sort((a, b) => a.t - b.t);
}

export function useServerStats(open: boolean) {
  const [byNode, setByNode] = useState<StatsByNode>(() => new Map());
  const [error, setError] = useState<string | null>(null);
  const loadedRef = useRef(false);

  const add = useCallback((node: string | undefined, samples: readonly ServerStatsSample[]) => {
    setByNode((current) => {
      const key = node ?? '';
      const next = new Map(current);
      next.set(key, mergeSamples(current.get(key) ?? [], samples, Date.now()));
      return next;
    });
  }, []);

  /** A live frame's sample (collected while the panel is closed too: one every few seconds costs nothing). */
  const onSample = useCallback((sample: ServerStatsSample, node: string | undefined) => add(node, [sample]), [add]);

  // The history is fetched when the panel first opens; the live frames keep it going.
  useEffect(() => {
    if (!open || loadedRef.current) return;
    const abort = new AbortController();
    managerApi
      .stats(abort.signal)
      .then((stats) => {
        loadedRef.current = true;
        setError(null);
        add(stats.node, stats.samples);
        // In a cluster, the other live nodes' history too; their live frames carry on from it.
        for (const other of stats.others ?? []) add(other.node, other.samples);
      })
      .catch((e: Error) => {
        if (!abort.signal.aborted) setError(e.message);
      });
    return () => abort.abort();
  }, [open, add]);

  return { byNode, error, onSample };
}
