// The live feed of the Session Manager: a WebSocket reconnected with backoff, and 5-second polling while it is down.
import {
  decodeLiveFrame,
  MANAGER_SESSION_CLOSED,
  type AuditEntry,
  type ManagerLiveFrame,
  type ManagerSnapshot,
  type ServerStatsSample,
  type WireLiveFrame,
} from '@flowport/protocol';
import { ApiError } from '../api/http-client';
import { liveUrl, managerApi } from './manager-api';

export type ConnectionState = 'connecting' | 'live' | 'offline';

type DeltaFrame = Extract<ManagerLiveFrame, { type: 'delta' }>;

export interface LiveHandlers {
  /** `authoritative`: from the live feed or while it is down; otherwise only applied when not older. */
  snapshot(snapshot: ManagerSnapshot, authoritative: boolean): void;
  delta(delta: DeltaFrame): void;
  audit(entry: AuditEntry): void;
  /** A server-panel sample (every few seconds), of `node` in a cluster. */
  stats?(sample: ServerStatsSample, node: string | undefined): void;
  state(state: ConnectionState): void;
  /** A failure to report (null clears it); `code` NETWORK_ERROR when the server does not answer at all. */
  error(message: string | null, code?: string): void;
  /** The server answered (any frame, a heartbeat included, or a poll): the link's last contact. */
  contact(at: number): void;
}

export const POLL_INTERVAL_MS = 5000;
const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];
/** Without a first snapshot by then, the page polls while the socket keeps trying. */
const OPEN_TIMEOUT_MS = 4000;

export class LiveConnection {
  private socket: WebSocket | null = null;
  private state: ConnectionState = 'connecting';
  private retry = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  private disposed = false;
  private abort: AbortController | null = null;

  constructor(
    private readonly resolveNames: boolean,
    private readonly on: LiveHandlers,
  ) {}

  start(): void {
    this.setState('connecting');
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.openTimer);
    this.stopPolling();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, 'page closed');
    }
  }

  /** Reloads the whole list over HTTP now (the Refresh action); rejects with the failure. */
  async refresh(): Promise<void> {
    const snapshot = await managerApi.snapshot(this.resolveNames);
    if (this.disposed) return;
    this.on.contact(Date.now());
    this.on.snapshot(snapshot, this.state !== 'live');
    this.on.error(null);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state && state !== 'connecting') return;
    this.state = state;
    this.on.state(state);
  }

  private connect(): void {
    if (this.disposed) return;
    let socket: WebSocket;
    try {
      performance.mark('fp-manager:connect');
      socket = new WebSocket(liveUrl(this.resolveNames));
    } catch {
      this.down();
      return;
    }
    this.socket = socket;
    clearTimeout(this.openTimer);
    this.openTimer = setTimeout(() => {
      if (this.socket !== socket || this.state === 'live') return;
      this.setState('offline');
      this.startPolling();
    }, OPEN_TIMEOUT_MS);
    socket.onmessage = (message: MessageEvent) => {
      if (this.socket !== socket || typeof message.data !== 'string') return;
      const received = performance.now();
      let frame: ManagerLiveFrame;
      try {
        // The compact frames (liveUrl asks for them) read back as the full ones, here only.
        frame = decodeLiveFrame(JSON.parse(message.data) as WireLiveFrame);
      } catch {
        return;
      }
      // Timings of each snapshot for the benchmark (bench/manager.ts): when it arrived and how long parsing took.
      if (frame?.type === 'snapshot') performance.measure('fp-manager:snapshot-parse', { start: received });
      this.on.contact(Date.now());
      this.onFrame(frame);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === MANAGER_SESSION_CLOSED) {
        // An administrator closed this page's own session (its row in the list): it stays closed until a reload.
        clearTimeout(this.openTimer);
        this.setState('offline');
        this.on.error(event.reason || 'closed', 'MANAGER_SESSION_CLOSED');
        return;
      }
      this.down();
    };
  }

  private onFrame(frame: ManagerLiveFrame): void {
    switch (frame?.type) {
      case 'snapshot':
        this.retry = 0;
        clearTimeout(this.openTimer);
        this.stopPolling();
        this.on.snapshot(frame.snapshot, true);
        this.on.error(null);
        this.setState('live');
        break;
      case 'delta':
        this.on.delta(frame);
        break;
      case 'audit':
        this.on.audit(frame.entry);
        break;
      case 'stats':
        this.on.stats?.(frame.sample, frame.node);
        break;
      case 'error':
        this.on.error(frame.error?.message ?? String(frame.error?.code));
        break;
    }
  }

  /** The socket is gone: poll every 5 s and try the socket again after a growing delay. */
  private down(): void {
    if (this.disposed) return;
    clearTimeout(this.openTimer);
    this.setState('offline');
    this.startPolling();
    const delay = RECONNECT_DELAYS_MS[Math.min(this.retry, RECONNECT_DELAYS_MS.length - 1)];
    this.retry += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private startPolling(): void {
    if (this.polling || this.disposed) return;
    this.polling = true;
    void this.poll();
  }

  private stopPolling(): void {
    this.polling = false;
    clearTimeout(this.pollTimer);
    this.abort?.abort();
    this.abort = null;
  }

  private async poll(): Promise<void> {
    if (!this.polling || this.disposed) return;
    const abort = new AbortController();
    this.abort = abort;
    try {
      const snapshot = await managerApi.snapshot(this.resolveNames, abort.signal);
      if (this.polling && !abort.signal.aborted) {
        this.on.contact(Date.now());
        this.on.snapshot(snapshot, true);
        this.on.error(null);
      }
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') return;
      if (this.polling) this.on.error(e instanceof ApiError ? e.message : String(e), (e as ApiError)?.code);
    }
    if (this.polling && !this.disposed) this.pollTimer = setTimeout(() => void this.poll(), POLL_INTERVAL_MS);
  }
}
