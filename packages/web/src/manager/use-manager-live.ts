// The live state for the page: the store fed by the live connection, rows rebuilt at most 4 times a second.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntry, ManagerWatch, ServerStatsSample } from '@flowport/protocol';
import { LiveConnection, type ConnectionState } from './live-connection';
import { RowBuilder, warmSearchText, type RowModel } from './manager-rows';
import { ManagerStore } from './manager-store';
import type { ClusterState } from './cluster-panel';

export interface ManagerLive {
  model: RowModel;
  /** In a cluster: this node, every node, and whether the cluster view is degraded (node null on a single server). */
  cluster: ClusterState;
  loaded: boolean;
  connection: ConnectionState;
  /** Browser time (ms) of the link's last contact with the server (a heartbeat, a change, a poll), 0 before the first. */
  updatedAt: number;
  error: string | null;
  /** The live feed is down and the server does not answer a poll either: the rows may be out of date. */
  serverDown: boolean;
  /** Reloads the whole list now. */
  refresh: () => Promise<void>;
  /** The watchdog's thresholds, or null from a server without them. */
  watch: ManagerWatch | null;
  /** Why this page's own Session Manager session was closed by an administrator (it then stays offline). */
  closedReason: string | null;
}

export type StatsListener = (sample: ServerStatsSample, node: string | undefined) => void;

export function useManagerLive(
  resolveNames: boolean,
  onAudit: (entry: AuditEntry) => void,
  onStats?: StatsListener,
): ManagerLive {
  const store = useMemo(() => new ManagerStore(), []);
  const builder = useMemo(() => new RowBuilder(), []);
  const [revision, setRevision] = useState(store.revision);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [error, setErrorText] = useState<string | null>(null);
  const [errorCode, setErrorCode] = useState<string | undefined>(undefined);
  const [contactAt, setContactAt] = useState(0);
  const setError = useCallback((message: string | null, code?: string) => {
    setErrorText(message);
    setErrorCode(message === null ? undefined : code);
  }, []);
  const connectionRef = useRef<LiveConnection | null>(null);
  const auditRef = useRef(onAudit);
  auditRef.current = onAudit;
  const statsRef = useRef(onStats);
  statsRef.current = onStats;

  useEffect(() => store.subscribe(() => setRevision(store.revision)), [store]);

  useEffect(() => {
    const live = new LiveConnection(resolveNames, {
      snapshot: (snapshot, authoritative) => store.applySnapshot(snapshot, authoritative),
      delta: (delta) => store.applyDelta(delta),
      audit: (entry) => auditRef.current(entry),
      stats: (sample, node) => statsRef.current?.(sample, node),
      state: setConnection,
      error: setError,
      contact: setContactAt,
    });
    connectionRef.current = live;
    live.start();
    return () => {
      live.dispose();
      if (connectionRef.current === live) connectionRef.current = null;
    };
  }, [resolveNames, store, setError]);

  const refresh = useCallback(async () => {
    const live = connectionRef.current;
    if (!live) return;
    try {
      await live.refresh();
    } catch (e) {
      setError((e as Error).message, (e as { code?: string }).code);
      throw e;
    }
  }, [setError]);

  // The rows follow the store's revision, which moves at most once per render interval.
  const model = useMemo(() => builder.build(store), [builder, store, revision]);

  // Search texts are made between updates, so that the first search does not have to make them all.
  useEffect(() => {
    const signal = { cancelled: false };
    warmSearchText(model.fresh, signal);
    return () => {
      signal.cancelled = true;
    };
  }, [model]);

  // For the benchmark: when the first rows were committed after the page opened.
  const firstRows = useRef(false);
  useEffect(() => {
    if (firstRows.current || model.sessions.length + model.shared.length + model.pool.length === 0) return;
    firstRows.current = true;
    performance.mark('fp-manager:first-rows');
  }, [model]);

  const serverDown = connection !== 'live' && errorCode === 'NETWORK_ERROR';
  // The nodes change with the store's revision too (a node appears, is lost, Redis goes or comes back).
  const cluster = useMemo(
    () => ({ node: store.node, nodes: store.nodes, degraded: store.degraded }),
    [store, revision],
  );
  const watch = useMemo(() => store.watch, [store, revision]);
  return {
    model,
    cluster,
    loaded: store.loaded,
    connection,
    updatedAt: contactAt,
    error,
    serverDown,
    refresh,
    watch,
    closedReason: errorCode === 'MANAGER_SESSION_CLOSED' ? error : null,
  };
}
