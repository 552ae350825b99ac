// Closes sessions and packages for every reason (their user, an administrator, a lost client, ended access, shutdown), unsaved work backed up first.
import type { Logger } from 'pino';
import type { FlowportCore, InstanceInfo, SessionCloseReason } from '../core';
import { DomainError } from '../shared/domain-error';
import { writeBackup } from '../storage';
import type { EngineHandle } from '../workspace/engine-handle';

export interface SessionCloserDeps {
  core: FlowportCore<EngineHandle>;
  /** The folder unsaved work of closed sessions and packages is written to. */
  backupsDir: string;
  log: Logger;
}

export class SessionCloser {
  constructor(private readonly d: SessionCloserDeps) {}

  /**
   * Closes a session of any kind (Studio, Integrator, batch); resolves with how many packages it
   * closed once their unsaved work is backed up. The core announces the close (session-closed),
   * which ends the session's Studio socket and updates the Session Manager.
   */
  async close(sid: string, reason: SessionCloseReason, by?: string): Promise<number> {
    const s = this.d.core.getSession(sid);
    if (!s) throw new DomainError('SESSION_NOT_FOUND', `No session "${sid}"`);
    const { closed, unsaved } = this.d.core.closeSession(sid, reason, by);
    if (unsaved.length) await this.backup(s.name, unsaved);
    return closed.length;
  }

  /** Closes every session (shutdown), one after the other; one failing does not keep the others open. */
  async closeAll(reason: SessionCloseReason): Promise<void> {
    for (const s of this.d.core.snapshot().sessions) await this.close(s.id, reason).catch(() => undefined);
  }

  /**
   * Closes one package of a session; an edited one is backed up first. `reason` is the core's
   * stop reason (it tells whoever counts stopped executions who stopped it).
   */
  async closePackage(id: string, reason?: string): Promise<InstanceInfo<EngineHandle>> {
    const i = this.d.core.getInstance(id);
    if (!i) throw new DomainError('PACKAGE_NOT_FOUND', `No package "${id}"; it may have closed already`);
    const session = i.sessionId ? this.d.core.getSession(i.sessionId) : undefined;
    const closed = this.d.core.closePackage(id, reason);
    if (session && closed.dirty) await this.backup(session.name, [closed]);
    return closed;
  }

  private async backup(sessionName: string, instances: InstanceInfo<EngineHandle>[]): Promise<void> {
    const log = this.d.log;
    for (const inst of instances) {
      try {
        const file = await writeBackup(this.d.backupsDir, sessionName, inst.path ?? inst.name, inst.handle.text);
        log.info({ session: sessionName, package: inst.name, file }, 'unsaved work backed up');
      } catch (err) {
        log.error({ session: sessionName, package: inst.name, err }, 'backup of unsaved work failed');
      }
    }
  }
}
