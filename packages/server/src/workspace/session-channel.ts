// The live WebSocket connections of one Studio session: pushes its events, tracks liveness by ping/pong.
import type { SessionEvent } from '@flowport/protocol';
import type { WebSocket } from 'ws';
import { endSocket, type AccessOwner } from './access-revocation';

export class SessionChannel {
  private readonly sockets = new Set<WebSocket>();
  /** Who attached each socket: a socket ends with its login even while its session stays. */
  private readonly owners = new WeakMap<WebSocket, AccessOwner>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  /** When the last socket went away (or the session was created without one), for the connection check. */
  private lonelySince: number;

  constructor(now: number) {
    this.lonelySince = now;
  }

  attach(socket: WebSocket, owner?: AccessOwner): void {
    this.sockets.add(socket);
    if (owner) this.owners.set(socket, owner);
    this.alive.set(socket, true);
    socket.on('pong', () => this.alive.set(socket, true));
    socket.on('message', (data) => {
      // Any message from the page counts as a sign of life; {"type":"ping"} is answered.
      this.alive.set(socket, true);
      if (String(data).includes('"ping"')) this.sendTo(socket, { type: 'ping' });
    });
    const drop = () => {
      if (this.sockets.delete(socket) && this.sockets.size === 0) this.lonelySince = Date.now();
    };
    socket.on('close', drop);
    socket.on('error', drop);
  }

  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /** Time since the session last had a live client, 0 while it has one. */
  lonelyFor(now: number): number {
    return this.sockets.size > 0 ? 0 : now - this.lonelySince;
  }

  /**
   * One round of the connection check: sockets that did not answer the last ping are ended,
   * the others are pinged again. Returns whether any client is still connected.
   */
  check(): boolean {
    for (const s of [...this.sockets]) {
      if (this.alive.get(s) === false) {
        s.terminate();
        this.sockets.delete(s);
        if (this.sockets.size === 0) this.lonelySince = Date.now();
        continue;
      }
      this.alive.set(s, false);
      try {
        s.ping();
      } catch {
        this.sockets.delete(s);
      }
    }
    return this.sockets.size > 0;
  }

  send(event: SessionEvent): void {
    for (const s of this.sockets) this.sendTo(s, event);
  }

  private sendTo(socket: WebSocket, event: SessionEvent): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
  }

  /** Tells the clients why the session ended, then closes their sockets. */
  close(event?: SessionEvent): void {
    for (const s of this.sockets) {
      if (event) this.sendTo(s, event);
      endSocket(s, 4000, event?.type ?? 'closed');
    }
    this.sockets.clear();
  }

  /** Closes the sockets whose owner `match`es (their access ended); returns how many. */
  closeWhere(match: (owner: AccessOwner) => boolean, code: number, reason: string): number {
    let closed = 0;
    for (const s of [...this.sockets]) {
      const owner = this.owners.get(s);
      if (!owner || !match(owner)) continue;
      this.sockets.delete(s);
      if (this.sockets.size === 0) this.lonelySince = Date.now();
      endSocket(s, code, reason);
      closed++;
    }
    return closed;
  }
}
