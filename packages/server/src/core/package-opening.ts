// Opening packages: load, resolve references, attach; and swapping in a package after an edit or save.
import type { CoreState } from './core-state';
import { packageNotFound } from './core-state';
import { DomainError } from '../shared/domain-error';
import { InstanceRecord, type InstanceInfo, type InstanceKind } from './package-instance';
import type { LoadedPackage } from './package-loader';

/** Loads racing with file changes are retried this many times before giving up. */
export const MAX_ATTEMPTS = 5;

export function keptChanging(what: string): DomainError {
  return new DomainError('INTERNAL', `${what} kept changing while it was being opened; try again`);
}

export class PackageOpening<H> {
  constructor(private readonly s: CoreState<H>) {}

  /**
   * Opens a package file in a session. Its references resolve transitively to shared instances,
   * except that a direct reference to a path already open in the same session uses that instance.
   */
  async openPackage(sessionId: string, path: string): Promise<InstanceInfo<H>> {
    this.s.checkPackageRoom(this.s.requireSession(sessionId));
    for (let attempt = 1; ; attempt++) {
      const epoch = this.s.changes.epoch();
      const loaded = await this.s.loader.load(path);
      const rec = await this.attachNew('session', sessionId, path, loaded, epoch, this.adoptBy(sessionId));
      if (rec) return rec.info();
      this.s.unload(loaded.handle);
      if (attempt >= MAX_ATTEMPTS) throw keptChanging(path);
    }
  }

  /** Opens a draft the adapter built (no path); it counts as unsaved unless `dirty: false`. */
  async openDraft(sessionId: string, loaded: LoadedPackage<H>, o: { dirty?: boolean } = {}): Promise<InstanceInfo<H>> {
    try {
      this.s.checkPackageRoom(this.s.requireSession(sessionId));
    } catch (err) {
      this.s.unload(loaded.handle);
      throw err;
    }
    for (let attempt = 1; ; attempt++) {
      const rec = await this.attachNew(
        'session',
        sessionId,
        null,
        loaded,
        this.s.changes.epoch(),
        this.adoptBy(sessionId),
        o.dirty ?? true,
      );
      if (rec) return rec.info();
      if (attempt >= MAX_ATTEMPTS) {
        this.s.unload(loaded.handle);
        throw keptChanging('a reference of the draft');
      }
    }
  }

  /**
   * Swaps in what the engine built after an edit or a save: metadata, references (holdings are
   * re-resolved), the handle (the old one is unloaded when it differs) and, when `loaded.path` is
   * given, the path. An edit superseded by a later one before it finished is dropped.
   */
  async replaceLoaded(instanceId: string, loaded: LoadedPackage<H>, opts: { dirty: boolean }): Promise<void> {
    const rec = this.s.requireInstance(instanceId);
    if (rec.kind !== 'session')
      throw new DomainError('BAD_REQUEST', 'Only a package open in a session can be edited or saved');
    const edit = ++rec.edits;
    const drop = () => {
      if (loaded.handle !== rec.handle) this.s.unload(loaded.handle);
    };
    for (let attempt = 1; ; attempt++) {
      let res;
      try {
        // Checked under the path it will have (a save names it): saving must not close a cycle either.
        const root = {
          id: rec.id,
          path: loaded.path !== undefined ? loaded.path : rec.path,
          name: loaded.name,
          handle: loaded.handle,
        };
        res = await this.s.resolver.resolve(root, loaded.references, (p) =>
          this.s.localInstance(rec.sessionId!, p, rec),
        );
      } catch (err) {
        drop();
        throw err;
      }
      if (rec.closed || edit !== rec.edits) {
        this.s.rollback(res);
        drop();
        if (rec.closed) throw packageNotFound(instanceId);
        return;
      }
      const done = this.s.bus.batch(() => {
        const oldHolds = rec.holds;
        if (!this.s.attach(rec, res, rec.sessionId)) {
          this.s.rollback(res);
          return false;
        }
        const oldHandle = rec.handle;
        rec.apply(loaded);
        if (loaded.path !== undefined) rec.path = loaded.path;
        rec.dirty = opts.dirty;
        if (oldHandle !== loaded.handle) {
          if (this.s.byHandle.get(oldHandle) === rec) this.s.byHandle.delete(oldHandle);
          this.s.byHandle.set(loaded.handle, rec);
          this.s.unload(oldHandle);
        }
        this.s.touch(rec);
        this.s.emit({ type: 'package-changed', instanceId, sessionId: rec.sessionId }, this.s.affectsOf(rec));
        this.s.releaseHolds(rec, oldHolds, rec.holds);
        return true;
      });
      if (done) return;
      if (attempt >= MAX_ATTEMPTS) {
        drop();
        throw keptChanging(`a reference of "${rec.name}"`);
      }
    }
  }

  /** Places a newly opened package in its session. */
  private adoptBy(sessionId: string): (rec: InstanceRecord<H>) => void {
    return (rec) => {
      this.s.requireSession(sessionId).packages.add(rec);
      this.s.touch(rec);
      this.s.emit({ type: 'package-opened', instanceId: rec.id, sessionId }, this.s.affectsOf(rec));
    };
  }

  /**
   * Resolves the references of a freshly loaded package and, if nothing went stale or away
   * meanwhile, registers it and lets `adopt` place it. Returns undefined to retry, leaving the
   * handle to the caller (a draft retries with it, a file is loaded again); unloads it on an error.
   */
  async attachNew(
    kind: Exclude<InstanceKind, 'shared'>,
    sessionId: string,
    path: string | null,
    loaded: LoadedPackage<H>,
    epoch: number,
    adopt: (rec: InstanceRecord<H>) => void,
    dirty = false,
  ): Promise<InstanceRecord<H> | undefined> {
    let res;
    try {
      const root = { id: `opening:${path ?? 'draft'}`, path, name: loaded.name, handle: loaded.handle };
      res = await this.s.resolver.resolve(root, loaded.references, (p) =>
        kind === 'session' ? this.s.localInstance(sessionId, p) : undefined,
      );
    } catch (err) {
      this.s.unload(loaded.handle);
      throw err;
    }
    const s = this.s.sessions.get(sessionId);
    if (!s) {
      this.s.rollback(res);
      this.s.unload(loaded.handle);
      throw new DomainError('SESSION_NOT_FOUND', `Session "${sessionId}" closed while a package was being opened`);
    }
    return this.s.bus.batch(() => {
      // Again here: opens in flight at the same time all passed the check made before loading.
      if (kind === 'session') {
        try {
          this.s.checkPackageRoom(s);
        } catch (err) {
          this.s.rollback(res);
          this.s.unload(loaded.handle);
          throw err;
        }
      }
      const rec = new InstanceRecord<H>(this.s.instanceId(), kind, this.s.now());
      rec.apply(loaded);
      rec.path = path;
      rec.loadEpoch = epoch;
      rec.sessionId = sessionId;
      rec.dirty = dirty;
      const stale = path !== null && this.s.changes.changedSince(path, epoch, loaded.fileVersion);
      if (stale || !this.s.attach(rec, res, sessionId)) {
        this.s.rollback(res);
        return undefined;
      }
      this.s.track(rec);
      adopt(rec);
      return rec;
    });
  }
}
