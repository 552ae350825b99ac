// Closes sessions and packages for every reason (their user, an administrator, a lost client, ended access, shutdown), unsaved work backed up first.
import type { FlowportCore, InstanceInfo, SessionCloseReason } from '../core';
import { DomainError } from '../shared/domain-error';
import type { EngineHandle } from '../workspace/engine-handle';

/** Writes backups of unsaved work, each with whose and why; answers the backup files' names. */
export type BackupWriter = (
  sessionName: string,
  instances: InstanceInfo<EngineHandle>[],
  reason: string,
  by?: string,
) => Promise<string[]>;

/** A session this closer closed, told once its unsaved work is backed up. */
export interface SessionClosed {
  sessionId: string;
  reason: SessionCloseReason;
  by?: string;
  /** The backup files' names (see GET /api/backups); empty when nothing was unsaved. */
  backups: string[];
}

export interface SessionCloserDeps {
  core: FlowportCore<EngineHandle>;
  /** Writes the unsaved work of closed sessions and packages to the backup folder. */
  backup: BackupWriter;
}

export class SessionCloser {
  /** Sessions being closed here, while the core announces their close. */
  private readonly closing = new Set<string>();
  private readonly listeners = new Set<(c: SessionClosed) => void>();

  constructor(private readonly d: SessionCloserDeps) {}

  /**
   * True while the core announces (session-closed) the close of a session this closer is closing:
   * whoever tells its client waits for `onClosed`, which names the backups.
   */
  isClosing(sid: string): boolean {
    return this.closing.has(sid);
  }

  /** Listens to the sessions this closer closed, each once its backups are written. */
  onClosed(listener: (c: SessionClosed) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Closes a session of any kind (Studio, Integrator, batch); resolves with how many packages it
   * closed and the names of the backups of their unsaved work, once those are written. The core
   * announces the close (the Session Manager updates at once); `onClosed` listeners (the Studio's
   * socket) hear of it after the backups, with their names.
   */
  async close(sid: string, reason: SessionCloseReason, by?: string): Promise<{ closed: number; backups: string[] }> {
    const s = this.d.core.getSession(sid);
    if (!s) throw new DomainError('SESSION_NOT_FOUND', `No session "${sid}"`);
    this.closing.add(sid);
    let result;
    try {
      result = this.d.core.closeSession(sid, reason, by);
    } finally {
      this.closing.delete(sid);
    }
    const { closed, unsaved } = result;
    const backups = unsaved.length ? await this.d.backup(s.name, unsaved, reason, by) : [];
    for (const l of this.listeners) l({ sessionId: sid, reason, by, backups });
    return { closed: closed.length, backups };
  }

  /** Closes every session (shutdown), one after the other; one failing does not keep the others open. */
  async closeAll(reason: SessionCloseReason): Promise<void> {
    for (const s of this.d.core.snapshot().sessions) await this.close(s.id, reason).catch(() => undefined);
  }

  /**
   * Closes one package of a session; an edited one is backed up first, with `reason` and `by`
   * (whose and why) in its catalog entry. `stopReason` is the core's stop reason (it tells whoever
   * counts stopped executions who stopped it). Resolves with the package and its backups' names.
   */
  async closePackage(
    id: string,
    why: { reason: string; by?: string; stopReason?: string },
  ): Promise<{ closed: InstanceInfo<EngineHandle>; backups: string[] }> {
    const i = this.d.core.getInstance(id);
    if (!i) throw new DomainError('PACKAGE_NOT_FOUND', `No package "${id}"; it may have closed already`);
    const session = i.sessionId ? this.d.core.getSession(i.sessionId) : undefined;
    const closed = this.d.core.closePackage(id, why.stopReason);
    const backups = session && closed.dirty ? await this.d.backup(session.name, [closed], why.reason, why.by) : [];
    return { closed, backups };
  }
}
