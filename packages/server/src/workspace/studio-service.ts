// Studio sessions: the session API's use cases over the core bookkeeping, the engine and the storage.
import type {
  PackageDto,
  RowsPage,
  RunRequest,
  SaveRequest,
  SessionCreated,
  SessionEvent,
  StorageListing,
} from '@flowport/protocol';
import type { OpenPackageRequest } from '@flowport/protocol/schemas';
import type { WebSocket } from 'ws';
import type { Principal } from '../auth/auth-service';
import type { Clock } from '../shared/clock';
import { DomainError } from '../shared/domain-error';
import type { FlowportCore, InstanceInfo } from '../core';
import type { SessionCloser } from '../manager/session-closer';
import { variableDtos } from '../engine';
import type { FileStorage } from '../storage';
import { isPackagePath, normalizeStoragePath } from '../storage';
import {
  ACCESS_ENDED_CLOSE,
  revocationText,
  revokes,
  type AccessOwner,
  type AccessRevocation,
} from './access-revocation';
import type { EngineHandle } from './engine-handle';
import { requireRuntime, type EngineLoader } from './engine-loader';
import type { ExecutionRunner } from './execution-runner';
import type { PackageFileStore } from './package-files';
import { describeChange, saveChecked, statIfAny } from './save-conflict';
import { SessionChannel } from './session-channel';

export interface StudioServiceDeps {
  core: FlowportCore<EngineHandle>;
  loader: EngineLoader;
  storage: FileStorage;
  runner: ExecutionRunner;
  clock: Clock;
  /** Closes sessions for every reason, unsaved work backed up. */
  closer: SessionCloser;
  /** Who saved which file through Flowport, for a conflict's who/when (absent: only the mtime is known). */
  files?: PackageFileStore;
}

const ownerOf = (p: Principal): AccessOwner => ({ user: p.user, login: p.sessionName, roles: p.roles });

export class StudioService {
  private readonly channels = new Map<string, SessionChannel>();
  /** Who opened each Studio session: it ends when that access does. */
  private readonly owners = new Map<string, AccessOwner>();
  /** Package id -> the number of its latest edit still being parsed: a later edit wins, however long each parses. */
  private readonly latestEdit = new Map<string, number>();
  private edits = 0;
  /** Channels of sessions the closer is closing: their tab is told once the backups are written, naming them. */
  private readonly awaitingBackups = new Map<string, SessionChannel>();

  constructor(private readonly d: StudioServiceDeps) {
    d.core.on((e) => {
      if (e.type !== 'session-closed') return;
      const ch = this.channels.get(e.sessionId);
      this.channels.delete(e.sessionId);
      this.owners.delete(e.sessionId);
      if (!ch) return;
      if (d.closer.isClosing(e.sessionId)) this.awaitingBackups.set(e.sessionId, ch);
      else ch.close({ type: 'session-closed', reason: e.reason, by: e.by });
    });
    // The socket closes after the backups are written, and the notice names them.
    d.closer.onClosed(({ sessionId, reason, by, backups }) => {
      const ch = this.awaitingBackups.get(sessionId);
      this.awaitingBackups.delete(sessionId);
      ch?.close({ type: 'session-closed', reason, by, ...(backups.length ? { backups } : {}) });
    });
  }

  channelsById(): [string, SessionChannel][] {
    return [...this.channels];
  }

  send(sessionId: string, event: SessionEvent): void {
    this.channels.get(sessionId)?.send(event);
  }

  listStorage(path: string): Promise<StorageListing> {
    return this.d.storage.list(path);
  }

  createSession(p: Principal, host: string): SessionCreated {
    const s = this.d.core.openSession({ user: p.user, roles: p.roles, host, kind: 'studio' });
    this.channels.set(s.id, new SessionChannel(this.d.clock.now()));
    this.owners.set(s.id, ownerOf(p));
    return { id: s.id, name: s.name };
  }

  /** The session, if it exists and belongs to this user; others' sessions look absent. */
  private session(p: Principal, sid: string) {
    const s = this.d.core.getSession(sid);
    if (!s || s.user !== p.user || s.kind !== 'studio')
      throw new DomainError('SESSION_NOT_FOUND', `No session "${sid}" of yours; create one with POST /api/sessions`);
    this.d.core.touchSession(sid);
    return s;
  }

  private instance(p: Principal, sid: string, pid: string): InstanceInfo<EngineHandle> {
    this.session(p, sid);
    const inst = this.d.core.getInstance(pid);
    if (!inst || inst.sessionId !== sid)
      throw new DomainError('PACKAGE_NOT_FOUND', `No package "${pid}" in session "${sid}"`);
    return inst;
  }

  private canEdit(p: Principal): boolean {
    return p.roles.includes('admin') || p.roles.includes('design');
  }

  private requireEditor(p: Principal): void {
    if (!this.canEdit(p))
      throw new DomainError('PACKAGE_READ_ONLY', 'Report viewers may open and run packages but not edit or save them');
  }

  async endSession(p: Principal, sid: string): Promise<void> {
    this.session(p, sid);
    await this.d.closer.close(sid, 'client');
  }

  /**
   * Ends what `r` revokes: the Studio sessions opened with that access, as an administrator's
   * close would (unsaved work backed up; the page is told why), and the sockets attached with it.
   */
  async revoke(r: AccessRevocation): Promise<{ sessions: number; sockets: number }> {
    const text = revocationText(r.reason);
    const sids = [...this.owners].filter(([, owner]) => revokes(r, owner)).map(([sid]) => sid);
    const reason = r.reason === 'logout' ? 'client' : r.reason === 'idle' ? 'timeout' : 'administrator';
    const by = reason === 'administrator' ? `the server (${text})` : undefined;
    // Each close is made at once (its backup is what is awaited), so every session ends now.
    const closing = sids.map((sid) => this.d.closer.close(sid, reason, by).catch(() => 0));
    let sockets = 0;
    for (const ch of this.channels.values())
      sockets += ch.closeWhere((owner) => revokes(r, owner), ACCESS_ENDED_CLOSE, text);
    await Promise.all(closing);
    return { sessions: sids.length, sockets };
  }

  attachSocket(p: Principal, sid: string, socket: WebSocket): void {
    let s;
    try {
      s = this.session(p, sid);
    } catch (err) {
      socket.send(
        JSON.stringify({ type: 'error', error: { code: (err as DomainError).code, message: (err as Error).message } }),
      );
      socket.close(4404, 'no such session');
      return;
    }
    let ch = this.channels.get(sid);
    if (!ch) {
      ch = new SessionChannel(this.d.clock.now());
      this.channels.set(sid, ch);
    }
    ch.attach(socket, ownerOf(p));
    socket.on('message', () => this.d.core.touchSession(sid));
    socket.send(JSON.stringify({ type: 'hello', session: { id: s.id, name: s.name } } satisfies SessionEvent));
  }

  /** The body's shape is the route's schema (OpenPackageRequestSchema); which of path and draft is sent is checked here. */
  async openPackage(p: Principal, sid: string, body: OpenPackageRequest): Promise<PackageDto> {
    this.session(p, sid);
    if (body.draft !== undefined) {
      this.requireEditor(p);
      const yaml = body.draft.yaml ?? `name: New package\nversion: 1.0.0\nnodes: []\n`;
      const inst = await this.d.core.openDraft(sid, await this.d.loader.fromText(yaml, 'draft', null));
      return this.dto(p, inst);
    }
    if (body.path === undefined) {
      throw new DomainError(
        'BAD_REQUEST',
        'Send {"path": "<package path in the storage>"} or {"draft": {"yaml": "..."}}',
      );
    }
    if (!isPackagePath(body.path))
      throw new DomainError('PATH_INVALID', `"${body.path}" is not a package: package files end in .pkg.yaml`);
    const inst = await this.d.core.openPackage(sid, body.path);
    return this.dto(p, inst);
  }

  packageDto(p: Principal, sid: string, pid: string): PackageDto {
    return this.dto(p, this.instance(p, sid, pid));
  }

  source(p: Principal, sid: string, pid: string): { yaml: string } {
    return { yaml: this.instance(p, sid, pid).handle.text };
  }

  async replaceSource(p: Principal, sid: string, pid: string, yaml: string): Promise<PackageDto> {
    const inst = this.instance(p, sid, pid);
    this.requireEditor(p);
    if (inst.running) throw new DomainError('ALREADY_RUNNING', 'Stop the execution before editing the package');
    const edit = ++this.edits;
    this.latestEdit.set(pid, edit);
    let superseded = false;
    let loaded;
    try {
      loaded = await this.d.loader.fromText(yaml, inst.name, inst.path);
    } finally {
      superseded = this.latestEdit.get(pid) !== edit;
      if (!superseded) this.latestEdit.delete(pid);
    }
    // A large source parses for a while: the package may have started running meanwhile.
    const running = !superseded && this.instance(p, sid, pid).running;
    if (superseded || running) void this.d.loader.unload(loaded.handle);
    if (running) throw new DomainError('ALREADY_RUNNING', 'Stop the execution before editing the package');
    if (!superseded) {
      await this.d.core.replaceLoaded(
        pid,
        { ...loaded, fileVersion: inst.fileVersion, createdAt: inst.createdAt, savedAt: inst.savedAt },
        { dirty: true },
      );
    }
    // An edit sent after this one owns the package now; this one is dropped, as the core drops one.
    return this.dto(p, this.instance(p, sid, pid));
  }

  /** The body's shape is the route's schema (SaveRequestSchema). */
  async save(p: Principal, sid: string, pid: string, body: SaveRequest = {}): Promise<PackageDto> {
    const inst = this.instance(p, sid, pid);
    this.requireEditor(p);
    const path = body.path ?? inst.path;
    if (!path) throw new DomainError('BAD_REQUEST', 'A draft has no path yet: send {"path": "folder/name.pkg.yaml"}');
    if (!isPackagePath(path)) throw new DomainError('PATH_INVALID', `"${path}" must end in .pkg.yaml`);
    const canonical = normalizeStoragePath(path);
    // Before writing: a file that references its own path (through others, too) must never be stored.
    this.d.core.checkSaveAs(pid, canonical);
    // Saving over the file it was opened from: it must still be the version the designer opened.
    const checked = canonical === inst.path && body.overwrite !== true;
    const base = typeof body.baseVersion === 'string' ? body.baseVersion : inst.fileVersion;
    const stat = await saveChecked(this.d.storage, this.d.files, path, inst.handle.text, {
      user: p.user,
      baseVersion: checked ? base : null,
    });
    // The saved text is the instance's own, so its engine (and the results it computed) stays.
    inst.handle.path = stat.path;
    await this.d.core.replaceLoaded(
      pid,
      {
        name: inst.name,
        version: inst.version,
        references: inst.references,
        handle: inst.handle,
        fileVersion: stat.fileVersion,
        createdAt: stat.createdAtMs,
        savedAt: stat.savedAtMs,
        path: stat.path,
      },
      { dirty: false },
    );
    // Other instances of this file (pool, shared) are now stale; the watcher would tell too, later.
    this.d.core.fileChanged(stat.path, stat.fileVersion);
    await this.fileChanged(stat.path);
    return this.dto(p, this.d.core.getInstance(pid)!);
  }

  /**
   * A package file changed (a save here or another program): every Studio package opened from
   * another version of it is told at once, with who and when where known.
   */
  async fileChanged(path: string): Promise<void> {
    const open = this.d.core
      .listInstances()
      .filter((i) => i.kind === 'session' && i.path === path && i.sessionId && this.channels.has(i.sessionId));
    if (!open.length) return;
    const stat = await statIfAny(this.d.storage, path);
    const version = stat?.fileVersion ?? null;
    const change = describeChange(this.d.files, stat, path);
    for (const inst of open) {
      if (inst.fileVersion === version) continue;
      this.send(inst.sessionId!, { type: 'file-changed', packageId: inst.id, path, fileVersion: version, change });
    }
  }

  async closePackage(p: Principal, sid: string, pid: string): Promise<void> {
    this.instance(p, sid, pid);
    // The core frees the engine of what it closes, evicts or replaces.
    this.d.core.closePackage(pid);
  }

  async run(p: Principal, sid: string, pid: string, body: RunRequest) {
    const inst = this.instance(p, sid, pid);
    const runtime = requireRuntime(inst.handle);
    if (body.node && !runtime.def.nodes.some((n) => n.id === body.node)) {
      throw new DomainError('NODE_NOT_FOUND', `Package "${inst.name}" has no node "${body.node}"`);
    }
    const exec = this.d.runner.start(inst, {
      node: body.node,
      variables: body.variables,
      onEvent: (event) => this.send(sid, event),
    });
    return { executionId: exec.id, packageId: pid, node: body.node ?? null };
  }

  stop(p: Principal, sid: string, pid: string): { stopped: boolean } {
    this.instance(p, sid, pid);
    return { stopped: this.d.core.stopPackage(pid, 'user') };
  }

  async rows(p: Principal, sid: string, pid: string, node: string, offset = 0, limit = 100): Promise<RowsPage> {
    const inst = this.instance(p, sid, pid);
    const runtime = requireRuntime(inst.handle);
    if (!runtime.def.nodes.some((n) => n.id === node))
      throw new DomainError('NODE_NOT_FOUND', `Package "${inst.name}" has no node "${node}"`);
    return runtime.rows(node, offset, limit);
  }

  dto(p: Principal, inst: InstanceInfo<EngineHandle>): PackageDto {
    const h = inst.handle;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const dto: PackageDto = {
      id: inst.id,
      name: inst.name,
      version: inst.version,
      path: inst.path,
      dirty: inst.dirty,
      running: inst.running,
      readOnly: !this.canEdit(p),
      createdAt: iso(inst.createdAt),
      savedAt: iso(inst.savedAt),
      fileVersion: inst.fileVersion,
      nodes: h.runtime?.nodeStates() ?? [],
      variables: h.def ? variableDtos(h.def) : [],
      issues: h.issues,
    };
    if (inst.progress) dto.progress = { ...inst.progress, nodeStartedAt: iso(inst.progress.nodeStartedAt)! };
    return dto;
  }
}
