// The Session Manager's live feed: follows the core's changes and sends them as deltas a few times a second, per client.
import {
  encodeLiveFrame,
  type ManagerLiveFrame,
  type ManagerSession,
  type ManagerSnapshot,
  type ManagerWatch,
} from '@flowport/protocol';
import type { WebSocket } from 'ws';
import type { Affects, CoreListener, ManagerDelta } from '../core';
import { endSocket, type AccessOwner } from '../workspace/access-revocation';

/**
 * What the feed needs from the bookkeeping (FlowportCore is one): whole snapshots, the delta of the
 * rows some changes touched (the core's one delta builder), and those changes as they happen.
 */
export interface FeedSource {
  snapshot(): ManagerSnapshot;
  delta(affects: Affects): ManagerDelta;
  on(listener: CoreListener): () => void;
}

/** How a cluster shows its rows: this node's stamped, the other nodes' added (cluster/cluster-view.ts). */
export interface FeedView {
  /** This node's snapshot with every other node's rows, the nodes and the degraded flag. */
  merge(local: ManagerSnapshot): ManagerSnapshot;
  /** This node's delta with its rows stamped with the node. */
  stamp(delta: ManagerDelta): ManagerDelta;
}

interface Client {
  socket: WebSocket;
  /** The administrator watching; undefined in tests that need none. */
  owner?: AccessOwner;
  decorate: (s: ManagerSession) => ManagerSession;
  /** Set when the client fell behind; it gets a fresh snapshot once its buffer drains. */
  lagging: boolean;
  /** Asked for the compact frames (?wire=compact, protocol/manager-wire.ts). */
  compact: boolean;
}

/** Frames as a client reads them: the full form, or the compact one. */
const text = (frame: ManagerLiveFrame, compact: boolean) => JSON.stringify(compact ? encodeLiveFrame(frame) : frame);

/** A client whose unsent data passes this is skipped and later resynchronised with a snapshot. */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** How often a quiet feed says it is alive; the page marks its rows out of date when this stops. */
export const HEARTBEAT_MS = 5000;

export class ManagerFeed {
  private readonly clients = new Set<Client>();
  private readonly dirtySessions = new Set<string>();
  private readonly dirtyShared = new Set<string>();
  private poolDirty = false;
  private watchDirty = false;
  private watch: (() => ManagerWatch) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly unfollow: () => void;
  private heartbeat: NodeJS.Timeout | undefined;
  private view: FeedView | undefined;

  constructor(
    private readonly source: FeedSource,
    private readonly intervalMs = 250,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    this.unfollow = source.on((e) => this.changed(e.affects));
  }

  /** In a cluster: snapshots and deltas go through the cluster's view. */
  setView(view: FeedView): void {
    this.view = view;
  }

  /** The watchdog's parameters go with every snapshot, and with a delta when they change (`watchChanged`). */
  setWatch(read: () => ManagerWatch): void {
    this.watch = read;
  }

  /** The watchdog's parameters changed: the next delta carries them. */
  watchChanged(): void {
    if (this.clients.size === 0 || !this.watch) return;
    this.watchDirty = true;
    this.schedule();
  }

  /** A snapshot with the watchdog's parameters (the page colours long-running rows with them). */
  withWatch(snap: ManagerSnapshot): ManagerSnapshot {
    return this.watch ? { ...snap, watch: this.watch() } : snap;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  attach(
    socket: WebSocket,
    decorate: (s: ManagerSession) => ManagerSession,
    owner?: AccessOwner,
    compact = false,
  ): void {
    const client: Client = { socket, decorate, lagging: false, owner, compact };
    this.clients.add(client);
    this.sendSnapshot(client);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        if (this.clients.size === 0) return this.stopHeartbeat();
        this.broadcast({ type: 'heartbeat', serverTime: new Date().toISOString() });
      }, this.heartbeatMs);
      this.heartbeat.unref();
    }
    const drop = () => this.clients.delete(client);
    socket.on('close', drop);
    socket.on('error', drop);
    socket.on('message', (data) => {
      // {"type":"resync"} asks for a fresh snapshot (the page's Refresh).
      if (String(data).includes('"resync"')) this.sendSnapshot(client);
    });
  }

  // Nobody watching: nothing to remember (a new client starts from a snapshot anyway).
  private changed(affects: Affects): void {
    if (this.clients.size === 0) return;
    for (const id of affects.sessions) this.dirtySessions.add(id);
    for (const id of affects.shared) this.dirtyShared.add(id);
    this.poolDirty ||= affects.pool;
    this.schedule();
  }

  /** A session's row changed outside the core (its host's name became known). */
  sessionChanged(id: string): void {
    if (this.clients.size === 0) return;
    this.dirtySessions.add(id);
    this.schedule();
  }

  /** Sends every client a fresh snapshot (another node's rows arrived). */
  resync(): void {
    for (const c of this.clients) this.sendSnapshot(c);
  }

  /** Sends a frame to every client at once (audit entries, resolved host names trigger a session change instead). */
  broadcast(frame: ManagerLiveFrame): void {
    // Each form made once, and only when a client reads it.
    const texts: (string | undefined)[] = [undefined, undefined];
    for (const c of this.clients) {
      if (c.lagging) continue;
      const i = Number(c.compact);
      this.write(c, (texts[i] ??= text(frame, c.compact)));
    }
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

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  close(): void {
    this.unfollow();
    clearTimeout(this.timer);
    this.stopHeartbeat();
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
    this.watchDirty = false;
  }

  /** Builds each changed row once (in the core) and sends the same delta to every client that keeps up. */
  flush(): void {
    if (this.clients.size === 0) return this.clearDirty();
    const local = this.source.delta({
      sessions: [...this.dirtySessions],
      shared: [...this.dirtyShared],
      pool: this.poolDirty,
    });
    const { upsertSessions, ...base } = this.view ? this.view.stamp(local) : local;
    if (this.watchDirty && this.watch) base.watch = this.watch();
    this.clearDirty();
    // One text per decoration and form, shared by the clients that read it.
    const texts = new Map<Client['decorate'], (string | undefined)[]>();
    for (const c of this.clients) {
      if (c.lagging) {
        if (c.socket.bufferedAmount < MAX_BUFFERED / 4) this.sendSnapshot(c);
        continue;
      }
      let forms = texts.get(c.decorate);
      if (!forms) texts.set(c.decorate, (forms = [undefined, undefined]));
      const i = Number(c.compact);
      forms[i] ??= text({ ...base, upsertSessions: upsertSessions.map(c.decorate) }, c.compact);
      this.write(c, forms[i]);
    }
  }

  private sendSnapshot(c: Client): void {
    const local = this.source.snapshot();
    const snap = this.withWatch(this.view ? this.view.merge(local) : local);
    c.lagging = false;
    this.write(
      c,
      text({ type: 'snapshot', snapshot: { ...snap, sessions: snap.sessions.map(c.decorate) } }, c.compact),
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
