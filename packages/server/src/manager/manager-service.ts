// Session Manager use cases: snapshots with host names, the live feed, and the administrator's actions.
import { MANAGER_SESSION_CLOSED, type AuditEntry, type ManagerSession, type ManagerSnapshot } from '@flowport/protocol';
import type { WebSocket } from 'ws';
import type { FlowportCore } from '../core';
import { DomainError } from '../shared/domain-error';
import { endSocket, type AccessOwner } from '../workspace/access-revocation';
import type { EngineHandle } from '../workspace/engine-handle';
import type { ClusterPort, NodeCommand } from './cluster-port';
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

  private cluster: ClusterPort | undefined;
  /** Login -> its open Session Manager connections (kind manager): an action of that login is their activity. */
  private readonly connections = new Map<string, Set<string>>();

  constructor(private readonly d: ManagerServiceDeps) {
    d.onAudit?.((entry) => d.feed.broadcast({ type: 'audit', entry }));
    // A name that becomes known updates the rows of the sessions from that host.
    d.hostNames.onResolved((ip) => {
      for (const s of d.core.snapshot().sessions) if (s.host === ip) d.feed.sessionChanged(s.id);
    });
  }

  /** With --redis-url: the snapshot shows every node, and actions on another node's rows go to that node. */
  joinCluster(cluster: ClusterPort): void {
    this.cluster = cluster;
    this.d.feed.setView(cluster);
  }

  /** Runs a command another node sent to this one (its owner): the same actions, answered with this node's outcome. */
  async execute(c: NodeCommand): Promise<unknown> {
    switch (c.op) {
      case 'session.stop':
        return this.stopSession(c.id, c.by, true);
      case 'session.close':
        return this.closeSession(c.id, c.by, true);
      case 'package.stop':
        return this.stopPackage(c.id, c.by, true);
      case 'package.close':
        return this.closePackage(c.id, c.by, true);
      case 'pool.clear':
        return { removed: this.d.core.clearPool() };
    }
  }

  /** Who did it where, for the audit row: the administrator's node and the row's owner (in a cluster). */
  auditNodes(id: string | null): { node: string; owner: string } | Record<string, never> {
    if (!this.cluster) return {};
    const owner = id ? (this.cluster.ownerOfSession(id) ?? this.cluster.ownerOfPackage(id)) : null;
    return { node: this.cluster.node, owner: owner ?? this.cluster.node };
  }

  async snapshot(resolveNames: boolean): Promise<ManagerSnapshot> {
    const local = this.d.core.snapshot();
    const snap = this.d.feed.withWatch(this.cluster ? this.cluster.merge(local) : local);
    if (!resolveNames) return snap;
    return { ...snap, sessions: snap.sessions.map(this.named) };
  }

  /**
   * Starts the live feed for an administrator; it ends when their access does (see access-revocation.ts).
   * The socket is a session of kind `manager` while it is open (Megaladata lists the administrator's
   * own session): its row comes in the first snapshot, and closing the row closes the socket.
   */
  attachLive(socket: WebSocket, resolveNames: boolean, admin: AccessOwner, host: string, compact = false): void {
    const s = this.d.core.openSession({ user: admin.user, roles: [...admin.roles], host, kind: 'manager' });
    let mine = this.connections.get(admin.login);
    if (!mine) this.connections.set(admin.login, (mine = new Set()));
    mine.add(s.id);
    const forget = () => {
      mine.delete(s.id);
      if (mine.size === 0) this.connections.delete(admin.login);
    };
    let open = true;
    const unfollow = this.d.core.on((e) => {
      if (e.type !== 'session-closed' || e.sessionId !== s.id) return;
      open = false;
      unfollow();
      forget();
      const by = e.by ? ` by ${e.by}` : '';
      endSocket(socket, MANAGER_SESSION_CLOSED, `Session Manager connection closed${by} (${e.reason})`);
    });
    const end = () => {
      if (!open) return;
      open = false;
      unfollow();
      forget();
      if (this.d.core.hasSession(s.id)) this.d.core.closeSession(s.id, 'client');
    };
    socket.on('close', end);
    socket.on('error', end);
    socket.on('message', () => this.d.core.touchSession(s.id));
    this.d.feed.attach(socket, resolveNames ? this.named : this.plain, admin, compact);
  }

  /** An action by `login` (its session name) is activity of its Session Manager connections. */
  private acted(login: string): void {
    for (const sid of this.connections.get(login) ?? []) this.d.core.touchSession(sid);
  }

  sessionLabel(id: string): string {
    return this.d.core.getSession(id)?.name ?? this.cluster?.labelOf(id) ?? id;
  }

  packageLabel(id: string): string {
    const i = this.d.core.getInstance(id);
    return i ? `${i.name}${i.path ? ` (${i.path})` : ''}` : (this.cluster?.labelOf(id) ?? id);
  }

  /** The other node that owns the row, when it is not here. */
  private remoteOwner(id: string, kind: 'session' | 'package', here: boolean): string | null {
    if (here || !this.cluster) return null;
    if (kind === 'session') return this.d.core.hasSession(id) ? null : this.cluster.ownerOfSession(id);
    return this.d.core.getInstance(id) ? null : this.cluster.ownerOfPackage(id);
  }

  async stopSession(id: string, by: string, here = false): Promise<{ stopped: number }> {
    this.acted(by);
    const owner = this.remoteOwner(id, 'session', here);
    if (owner) return (await this.cluster!.send(owner, { op: 'session.stop', id, by })) as { stopped: number };
    const s = this.d.core.getSession(id);
    if (!s) throw new DomainError('SESSION_NOT_FOUND', `No session "${id}"; it may have closed already`);
    if (s.kind === 'manager')
      throw new DomainError('NOT_RUNNING', `Session ${s.name} is a Session Manager connection: it executes nothing`);
    // Named before the stop, while each still knows the node it executes.
    // The session's own instances only (listing all of them cost ~13 ms per Stop at 9,000 instances).
    const running = s.packageIds.flatMap((pid) => {
      const i = this.d.core.getInstance(pid);
      return i?.running ? [{ packageId: i.id, name: i.name, node: i.progress?.node ?? null }] : [];
    });
    const stopped = this.d.core.stopSession(id, `stopped by administrator ${by}`);
    if (stopped === 0) throw new DomainError('NOT_RUNNING', `Session ${s.name} is not executing anything`);
    this.d.studio.send(id, { type: 'stopped-by-administrator', packageId: null, by, stopped: running });
    return { stopped };
  }

  async closeSession(id: string, by: string, here = false): Promise<{ closed: number }> {
    this.acted(by);
    const owner = this.remoteOwner(id, 'session', here);
    if (owner) return (await this.cluster!.send(owner, { op: 'session.close', id, by })) as { closed: number };
    const s = this.d.core.getSession(id);
    if (!s) throw new DomainError('SESSION_NOT_FOUND', `No session "${id}"; it may have closed already`);
    const { closed } = await this.d.closer.close(id, 'administrator', by);
    return { closed };
  }

  async stopPackage(id: string, by: string, here = false): Promise<{ stopped: true }> {
    this.acted(by);
    const owner = this.remoteOwner(id, 'package', here);
    if (owner) return (await this.cluster!.send(owner, { op: 'package.stop', id, by })) as { stopped: true };
    const i = this.d.core.getInstance(id);
    if (!i) throw new DomainError('PACKAGE_NOT_FOUND', `No package "${id}"; it may have closed already`);
    if (!i.running) throw new DomainError('NOT_RUNNING', `Package ${i.name} is not executing`);
    const what = { packageId: id, name: i.name, node: i.progress?.node ?? null };
    this.d.core.stopPackage(id, `stopped by administrator ${by}`);
    if (i.sessionId)
      this.d.studio.send(i.sessionId, { type: 'stopped-by-administrator', packageId: id, by, stopped: [what] });
    return { stopped: true };
  }

  async closePackage(id: string, by: string, here = false): Promise<{ closed: true }> {
    this.acted(by);
    const owner = this.remoteOwner(id, 'package', here);
    if (owner) return (await this.cluster!.send(owner, { op: 'package.close', id, by })) as { closed: true };
    const sessionId = this.d.core.getInstance(id)?.sessionId;
    // The reason tells whoever counts stopped executions (metrics) that an administrator stopped it.
    await this.d.closer.closePackage(id, { reason: 'administrator', by, stopReason: `closed by administrator ${by}` });
    if (sessionId) this.d.studio.send(sessionId, { type: 'package-closed', packageId: id, byAdministrator: true });
    return { closed: true };
  }

  /**
   * Empties the pool: on a single server this one's; in a cluster one node's (`node`) or, without it,
   * every live node's, each answering with what it removed.
   */
  async clearPool(node?: string): Promise<{ removed: number; nodes?: { node: string; removed: number }[] }> {
    if (!this.cluster) {
      if (node) throw new DomainError('NODE_NOT_FOUND', `No node "${node}": this server is not part of a cluster`);
      return { removed: this.d.core.clearPool() };
    }
    const targets = node ? [node] : this.cluster.liveNodes();
    if (node && !this.cluster.liveNodes().includes(node))
      throw new DomainError(
        'NODE_NOT_FOUND',
        `No live node "${node}"; the live nodes are ${this.cluster.liveNodes().join(', ')}`,
      );
    const nodes = await Promise.all(
      targets.map(async (n) => {
        const r =
          n === this.cluster!.node
            ? { removed: this.d.core.clearPool() }
            : ((await this.cluster!.send(n, { op: 'pool.clear' })) as { removed: number });
        return { node: n, removed: r.removed };
      }),
    );
    return { removed: nodes.reduce((a, n) => a + n.removed, 0), nodes };
  }
}
