// The Session Manager's live feed: coalesces core changes into deltas a few times a second, per client.
import type { ManagerLiveFrame, ManagerSession, ManagerSharedPackage, ManagerSnapshot } from '@flowport/protocol';
import type { WebSocket } from 'ws';
import { endSocket, type AccessOwner } from '../workspace/access-revocation';

/** What the feed needs from the bookkeeping: whole snapshots and single rows. */
export interface FeedSource {
  snapshot(): ManagerSnapshot;
  sessionRow(id: string): ManagerSession | undefined;
  sharedRow(id: string): ManagerSharedPackage | undefined;
  pool(): ManagerSnapshot['pool'];
  readonly version: number;
}

interface Client {
  socket: WebSocket;
  /** The administrator watching; undefined in tests that need none. */
  owner?: AccessOwner;
  decorate: (s: ManagerSession) => ManagerSession;
  /** Set when the client fell behind; it gets a fresh snapshot once its buffer drains. */
  lagging: boolean;
}

/** A client whose unsent data passes this is skipped and later resynchronised with a snapshot. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export class ManagerFeed {
  private readonly clients = new Set<Client>();
  private readonly dirtySessions = new Set<string>();
  private readonly dirtyShared = new Set<string>();
  private poolDirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: FeedSource,
    private readonly intervalMs = 250,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  attach(socket: WebSocket, decorate: (s: ManagerSession) => ManagerSession, owner?: AccessOwner): void {
    const client: Client = { socket, decorate, lagging: false, owner };
    this.clients.add(client);
    this.sendSnapshot(client);
    const drop = () => this.clients.delete(client);
    socket.on('close', drop);
    socket.on('error', drop);
    socket.on('message', (data) => {
      // {"type":"resync"} asks for a fresh snapshot (the page's Refresh).
      if (String(data).includes('"resync"')) this.sendSnapshot(client);
    });
  }

  // Nobody watching: nothing to remember (a new client starts from a snapshot anyway).
  sessionChanged(id: string): void {
    if (this.clients.size === 0) return;
    this.dirtySessions.add(id);
    this.schedule();
  }

  sharedChanged(id: string): void {
    if (this.clients.size === 0) return;
    this.dirtyShared.add(id);
    this.schedule();
  }

  poolChanged(): void {
    if (this.clients.size === 0) return;
    this.poolDirty = true;
    this.schedule();
  }

  /** Sends a frame to every client at once (audit entries, resolved host names trigger a session change instead). */
  broadcast(frame: ManagerLiveFrame): void {
    const text = JSON.stringify(frame);
    for (const c of this.clients) if (!c.lagging) this.write(c, text);
  }

  /**
   * Ends the clients whose owner `match`es (their access ended): they get nothing more, not even a
   * frame already due, and their sockets close. Returns how many.
   */
  closeWhere(match: (owner: AccessOwner) => boolean, code: number, reason: string): number {
    let closed = 0;
    for (const c of [...this.clients]) {
      if (!c.owner || !match(c.owner)) continue;
      this.clients.delete(c);
      endSocket(c.socket, code, reason);
      closed++;
    }
    return closed;
  }

  close(): void {
    clearTimeout(this.timer);
    for (const c of this.clients) c.socket.close(1001, 'server stopping');
    this.clients.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs);
  }

  private clearDirty(): void {
    this.dirtySessions.clear();
    this.dirtyShared.clear();
    this.poolDirty = false;
  }

  /** Builds each changed row once and sends the same delta to every client that keeps up. */
  flush(): void {
    if (this.clients.size === 0) return this.clearDirty();
    const upsertSessions: ManagerSession[] = [];
    const removeSessions: string[] = [];
    for (const id of this.dirtySessions) {
      const row = this.source.sessionRow(id);
      if (row) upsertSessions.push(row);
      else removeSessions.push(id);
    }
    const upsertShared: ManagerSharedPackage[] = [];
    const removeShared: string[] = [];
    for (const id of this.dirtyShared) {
      const row = this.source.sharedRow(id);
      if (row) upsertShared.push(row);
      else removeShared.push(id);
    }
    const pool = this.poolDirty ? this.source.pool() : undefined;
    this.clearDirty();
    const base = {
      type: 'delta' as const,
      version: this.source.version,
      serverTime: new Date().toISOString(),
      removeSessions,
      upsertShared,
      removeShared,
      ...(pool ? { pool } : {}),
    };
    const texts = new Map<Client['decorate'], string>();
    for (const c of this.clients) {
      if (c.lagging) {
        if (c.socket.bufferedAmount < MAX_BUFFERED / 4) this.sendSnapshot(c);
        continue;
      }
      let text = texts.get(c.decorate);
      if (text === undefined) {
        text = JSON.stringify({ ...base, upsertSessions: upsertSessions.map(c.decorate) } satisfies ManagerLiveFrame);
        texts.set(c.decorate, text);
      }
      this.write(c, text);
    }
  }

  private sendSnapshot(c: Client): void {
    const snap = this.source.snapshot();
    c.lagging = false;
    this.write(
      c,
      JSON.stringify({
        type: 'snapshot',
        snapshot: { ...snap, sessions: snap.sessions.map(c.decorate) },
      } satisfies ManagerLiveFrame),
    );
  }

  private write(c: Client, text: string): void {
    if (c.socket.readyState !== c.socket.OPEN) return;
    if (c.socket.bufferedAmount > MAX_BUFFERED) {
      c.lagging = true;
      return;
    }
    c.socket.send(text);
  }
}
