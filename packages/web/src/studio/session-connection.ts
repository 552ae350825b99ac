// One Studio session of this browser tab: created on start, kept alive by its event WebSocket (reconnected
// after a network blip), ended on dispose and, with a keepalive request, when the page goes away.
import type { SessionCreated, SessionEvent } from '@flowport/protocol';
import { ApiError } from '../api/http-client';
import { eventsUrl, studioApi } from './studio-api';

/** Why a session ended; `lost` is a connection that could not be restored or a session the server forgot. */
export type SessionEndReason = 'administrator' | 'client' | 'timeout' | 'shutdown' | 'lost';

export type SessionPhase =
  | { phase: 'starting' }
  | { phase: 'ready'; session: SessionCreated; connected: boolean }
  | { phase: 'no-access' }
  | { phase: 'failed'; message: string }
  | { phase: 'ended'; reason: SessionEndReason; by?: string; backups?: string[] };

export type SessionListener = (event: SessionEvent) => void;

/** Close codes of the server: 4000 after a session-closed event, 4404 for an unknown session. */
const CLOSE_UNKNOWN_SESSION = 4404;
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

export class SessionConnection {
  private session: SessionCreated | null = null;
  private socket: WebSocket | null = null;
  private retry = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private ended = false;
  private leftByPageHide = false;

  constructor(
    private readonly setPhase: (phase: SessionPhase) => void,
    private readonly emit: SessionListener,
  ) {}

  async start(): Promise<void> {
    this.setPhase({ phase: 'starting' });
    let created: SessionCreated;
    try {
      created = await studioApi.createSession();
    } catch (e) {
      if (this.disposed) return;
      if (e instanceof ApiError && e.status === 403) this.setPhase({ phase: 'no-access' });
      else this.setPhase({ phase: 'failed', message: (e as Error).message });
      return;
    }
    if (this.disposed) {
      // The page left while the session was being created (or React re-ran the effect): end it at once.
      void studioApi.endSession(created.id).catch(() => undefined);
      return;
    }
    this.session = created;
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onPageShow);
    this.setPhase({ phase: 'ready', session: created, connected: false });
    this.connect();
  }

  /** Ends the session (when the page unmounts or a new session replaces it). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.retryTimer);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onPageShow);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'page closed');
    if (this.session && !this.ended) void studioApi.endSession(this.session.id).catch(() => undefined);
  }

  private readonly onPageHide = () => {
    if (!this.session || this.ended || this.disposed) return;
    this.ended = true;
    this.leftByPageHide = true;
    this.socket?.close(1000, 'page closed');
    studioApi.endSessionOnUnload(this.session.id);
  };

  /** Back from the browser's page cache: the session was ended on the way out, so say so. */
  private readonly onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted && this.leftByPageHide && !this.disposed) this.setPhase({ phase: 'ended', reason: 'lost' });
  };

  private connect(): void {
    const session = this.session;
    if (!session || this.disposed || this.ended) return;
    const socket = new WebSocket(eventsUrl(session.id));
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.retry = 0;
      this.setPhase({ phase: 'ready', session, connected: true });
    };
    socket.onmessage = (message: MessageEvent) => {
      if (this.socket !== socket || typeof message.data !== 'string') return;
      let event: SessionEvent;
      try {
        event = JSON.parse(message.data) as SessionEvent;
      } catch {
        return;
      }
      if (!event || typeof event !== 'object' || typeof event.type !== 'string') return;
      if (event.type === 'session-closed') this.end(event.reason, event.by, event.backups);
      this.emit(event);
    };
    socket.onclose = (close: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.disposed || this.ended) return;
      if (close.code === CLOSE_UNKNOWN_SESSION || close.code === 4000) {
        this.end('lost');
        return;
      }
      if (this.retry >= RECONNECT_DELAYS_MS.length) {
        this.end('lost');
        return;
      }
      this.setPhase({ phase: 'ready', session, connected: false });
      this.retryTimer = setTimeout(() => this.connect(), RECONNECT_DELAYS_MS[this.retry++]);
    };
  }

  private end(reason: SessionEndReason, by?: string, backups?: string[]): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.retryTimer);
    this.setPhase({ phase: 'ended', reason, by, backups });
  }
}
