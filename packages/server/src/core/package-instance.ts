// A package loaded in memory: the record the core keeps and the read-only view it hands out.
import type { ExecutionProgress, ExecutionRecord } from './execution';
import type { LoadedPackage } from './package-loader';

/** Who owns an instance: a session, nobody (shared by reference), or the package pool. */
export type InstanceKind = 'session' | 'shared' | 'pool';

export interface InstanceInfo<H> {
  id: string;
  kind: InstanceKind;
  /** The owning session; for a pool instance, the session that has it checked out. */
  sessionId: string | null;
  /** Null for a draft. */
  path: string | null;
  name: string;
  version: string;
  fileVersion: string | null;
  createdAt: number | null;
  savedAt: number | null;
  references: string[];
  handle: H;
  dirty: boolean;
  running: boolean;
  /** Aborted and waiting for the engine to end the execution. */
  stopping: boolean;
  progress: ExecutionProgress | null;
  openedAt: number;
  lastActivityAt: number;
  /** Shared or pooled instance outdated by a file change: never handed out again. */
  stale: boolean;
  checkedOut: boolean;
}

/** What a look at an instance without copying it shows (the record itself, read-only). */
export type InstanceGlance<H> = Readonly<Pick<InstanceInfo<H>, 'id' | 'kind' | 'running' | 'handle'>>;

export class InstanceRecord<H> {
  sessionId: string | null = null;
  path: string | null = null;
  name = '';
  version = '';
  fileVersion: string | null = null;
  createdAt: number | null = null;
  savedAt: number | null = null;
  references: string[] = [];
  handle!: H;
  dirty = false;
  stale = false;
  closed = false;
  lastActivityAt: number;
  /** Change epoch when loading started; a file change after it makes a fresh load stale on arrival. */
  loadEpoch = 0;
  /** Direct reference path -> the instance serving it (a shared one, or one of the same session). */
  links = new Map<string, InstanceRecord<H>>();
  /** Roots (session and pool instances) only: every shared instance reachable through `links`. */
  holds = new Set<InstanceRecord<H>>();
  /** Shared only: the roots that hold it. */
  roots = new Set<InstanceRecord<H>>();
  /** Shared only: resolutions in flight that will hold it, so it is not unloaded meanwhile. */
  pins = 0;
  executions = new Set<ExecutionRecord>();
  /** Bumped by each replaceLoaded, so an older edit that finishes later does not win. */
  edits = 0;
  checkedOut = false;
  hits = 0;
  lastUsedAt: number;

  constructor(
    readonly id: string,
    readonly kind: InstanceKind,
    readonly openedAt: number,
  ) {
    this.lastActivityAt = openedAt;
    this.lastUsedAt = openedAt;
  }

  apply(loaded: LoadedPackage<H>): void {
    this.name = loaded.name;
    this.version = loaded.version;
    this.fileVersion = loaded.fileVersion;
    this.createdAt = loaded.createdAt;
    this.savedAt = loaded.savedAt;
    this.references = [...loaded.references];
    this.handle = loaded.handle;
  }

  get running(): boolean {
    return this.executions.size > 0;
  }

  get stopping(): boolean {
    for (const e of this.executions) if (e.stopping) return true;
    return false;
  }

  /** The progress of the most recently started execution that reported any. */
  get progress(): ExecutionProgress | null {
    let latest: ExecutionProgress | null = null;
    for (const e of this.executions) if (e.progress) latest = e.progress;
    return latest;
  }

  info(): InstanceInfo<H> {
    return {
      id: this.id,
      kind: this.kind,
      sessionId: this.sessionId,
      path: this.path,
      name: this.name,
      version: this.version,
      fileVersion: this.fileVersion,
      createdAt: this.createdAt,
      savedAt: this.savedAt,
      references: [...this.references],
      handle: this.handle,
      dirty: this.dirty,
      running: this.running,
      stopping: this.stopping,
      progress: this.progress,
      openedAt: this.openedAt,
      lastActivityAt: this.lastActivityAt,
      stale: this.stale,
      checkedOut: this.checkedOut,
    };
  }
}
