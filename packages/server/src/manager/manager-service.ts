// Session Manager use cases: snapshots with host names, the live feed, and the administrator's actions.
import type { AuditEntry, ManagerSession, ManagerSnapshot } from '@flowport/protocol';
import type { WebSocket } from 'ws';
import type { FlowportCore } from '../core';
import { DomainError } from '../shared/domain-error';
import type { AccessOwner } from '../workspace/access-revocation';
import type { EngineHandle } from '../workspace/engine-handle';
import type { HostNames } from './host-names';
import type { ManagerFeed } from './manager-feed';
import type { SessionCloser } from './session-closer';
import type { StudioService } from '../workspace/studio-service';

export interface ManagerServiceDeps {
  core: FlowportCore<EngineHandle>;
  feed: ManagerFeed;
  hostNames: HostNames;
  /** Tells Studio pages what an administrator did to their session. */
  studio: StudioService;
  closer: SessionCloser;
  /** Subscribes to the audit log's new entries; each is broadcast to every live client. */
  onAudit?: (listener: (entry: AuditEntry) => void) => void;
}

export class ManagerService {
  private readonly plain = (s: ManagerSession) => s;
  private readonly named = (s: ManagerSession): ManagerSession => {
    const hostName = this.d.hostNames.lookup(s.host);
    return hostName ? { ...s, hostName } : s;
  };

  constructor(private readonly d: ManagerServiceDeps) {
    d.onAudit?.((entry) => d.feed.broadcast({ type: 'audit', entry }));
    // A name that becomes known updates the rows of the sessions from that host.
    d.hostNames.onResolved((ip) => {
      for (const s of d.core.snapshot().sessions) if (s.host === ip) d.feed.sessionChanged(s.id);
    });
  }

  async snapshot(resolveNames: boolean): Promise<ManagerSnapshot> {
    const snap = this.d.core.snapshot();
    if (!resolveNames) return snap;
    return { ...snap, sessions: snap.sessions.map(this.named) };
  }

  /** Starts the live feed for an administrator; it ends when their access does (see access-revocation.ts). */
  attachLive(socket: WebSocket, resolveNames: boolean, admin: AccessOwner): void {
    this.d.feed.attach(socket, resolveNames ? this.named : this.plain, admin);
  }

  sessionLabel(id: string): string {
    return this.d.core.getSession(id)?.name ?? id;
  }

  packageLabel(id: string): string {
    const i = this.d.core.getInstance(id);
    return i ? `${i.name}${i.path ? ` (${i.path})` : ''}` : id;
  }

  stopSession(id: string, by: string): { stopped: number } {
    const s = this.d.core.getSession(id);
    if (!s) throw new DomainError('SESSION_NOT_FOUND', `No session "${id}"; it may have closed already`);
    // Named before the stop, while each still knows the node it executes.
    const running = this.d.core
      .listInstances()
      .filter((i) => i.sessionId === id && i.running)
      .map((i) => ({ packageId: i.id, name: i.name, node: i.progress?.node ?? null }));
    const stopped = this.d.core.stopSession(id, `stopped by administrator ${by}`);
    if (stopped === 0) throw new DomainError('NOT_RUNNING', `Session ${s.name} is not executing anything`);
    this.d.studio.send(id, { type: 'stopped-by-administrator', packageId: null, by, stopped: running });
    return { stopped };
  }

  async closeSession(id: string, by: string): Promise<{ closed: number }> {
    const s = this.d.core.getSession(id);
    if (!s) throw new DomainError('SESSION_NOT_FOUND', `No session "${id}"; it may have closed already`);
    const { closed } = await this.d.closer.close(id, 'administrator', by);
    return { closed };
  }

  stopPackage(id: string, by: string): { stopped: boolean } {
    const i = this.d.core.getInstance(id);
    if (!i) throw new DomainError('PACKAGE_NOT_FOUND', `No package "${id}"; it may have closed already`);
    if (!i.running) throw new DomainError('NOT_RUNNING', `Package ${i.name} is not executing`);
    const what = { packageId: id, name: i.name, node: i.progress?.node ?? null };
    this.d.core.stopPackage(id, `stopped by administrator ${by}`);
    if (i.sessionId)
      this.d.studio.send(i.sessionId, { type: 'stopped-by-administrator', packageId: id, by, stopped: [what] });
    return { stopped: true };
  }

  async closePackage(id: string, by: string): Promise<{ closed: true }> {
    const sessionId = this.d.core.getInstance(id)?.sessionId;
    // The reason tells whoever counts stopped executions (metrics) that an administrator stopped it.
    await this.d.closer.closePackage(id, { reason: 'administrator', by, stopReason: `closed by administrator ${by}` });
    if (sessionId) this.d.studio.send(sessionId, { type: 'package-closed', packageId: id, byAdministrator: true });
    return { closed: true };
  }

  clearPool(): { removed: number } {
    return { removed: this.d.core.clearPool() };
  }
}
