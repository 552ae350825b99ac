// Sessions: who is connected, from where, with which roles, and which package instances they have.
import { sortRoles, topRole, type Role, type SessionKind } from '@flowport/protocol';
import type { InstanceRecord } from './package-instance';

export interface OpenSessionOptions {
  user: string;
  roles: Role[];
  /** Client IP. */
  host: string;
  kind: SessionKind;
  /** The Integrator request that opened it, shown in the manager and logged. */
  requestId?: string;
}

export interface SessionInfo {
  id: string;
  /** `<user>:<id>`, written the same way in the log. */
  name: string;
  user: string;
  roles: Role[];
  /** The most privileged role. */
  role: Role | null;
  host: string;
  kind: SessionKind;
  requestId?: string;
  createdAt: number;
  lastActivityAt: number;
  /** Derived: a package of the session is executing. */
  running: boolean;
  /** Its own packages and the pool instances it has checked out, in opening order. */
  packageIds: string[];
}

export class SessionRecord<H> {
  readonly user: string;
  readonly host: string;
  readonly kind: SessionKind;
  readonly requestId: string | undefined;
  readonly name: string;
  readonly roles: Role[];
  readonly role: Role | null;
  lastActivityAt: number;
  /** Session-owned instances and pool instances checked out by the session. */
  readonly packages = new Set<InstanceRecord<H>>();

  constructor(
    readonly id: string,
    o: OpenSessionOptions,
    readonly createdAt: number,
  ) {
    this.user = o.user;
    this.host = o.host;
    this.kind = o.kind;
    this.requestId = o.requestId;
    this.name = `${o.user}:${id}`;
    this.roles = sortRoles(o.roles);
    this.role = topRole(this.roles);
    this.lastActivityAt = createdAt;
  }

  get running(): boolean {
    for (const p of this.packages) if (p.running) return true;
    return false;
  }

  info(): SessionInfo {
    const info: SessionInfo = {
      id: this.id,
      name: this.name,
      user: this.user,
      roles: [...this.roles],
      role: this.role,
      host: this.host,
      kind: this.kind,
      createdAt: this.createdAt,
      lastActivityAt: this.lastActivityAt,
      running: this.running,
      packageIds: [...this.packages].map((p) => p.id),
    };
    if (this.requestId !== undefined) info.requestId = this.requestId;
    return info;
  }
}

export class SessionRegistry<H> {
  private readonly byId = new Map<string, SessionRecord<H>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): SessionRecord<H> | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<SessionRecord<H>> {
    return this.byId.values();
  }

  /** How many Studio sessions the user has open. */
  studioSessionsOf(user: string): number {
    let n = 0;
    for (const s of this.byId.values()) if (s.user === user && s.kind === 'studio') n++;
    return n;
  }

  /** Opens a session under a fresh id; random ids can collide, so a taken one is drawn again. */
  open(o: OpenSessionOptions, newId: () => string, now: number): SessionRecord<H> {
    let id = newId();
    for (let tries = 0; this.byId.has(id); tries++) {
      if (tries > 100) throw new Error('the id generator keeps returning ids in use');
      id = newId();
    }
    const s = new SessionRecord<H>(id, o, now);
    this.byId.set(id, s);
    return s;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }
}
