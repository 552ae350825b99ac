// Resolves a package's references, transitively, to shared instances: loads what is missing, pins what exists.
import type { IdGenerator } from '../shared/clock';
import type { FileChanges } from './file-changes';
import { InstanceRecord } from './package-instance';
import type { PackageLoader } from './package-loader';
import { findReferenceCycle, referenceCycleError } from './reference-cycles';
import { sharedClosure, type SharedPackages } from './shared-packages';

/** What the cycle check needs of a package: the root being resolved, or an instance it reaches. */
export interface CycleVertex<H> {
  id: string;
  /** Null for a draft. */
  path: string | null;
  name: string;
  handle: H;
  links: Map<string, InstanceRecord<H>>;
}

/**
 * The outcome of resolving, not yet visible to anyone: instances loaded for it are registered,
 * and existing ones (pinned meanwhile) gain the new holder only when the caller commits.
 */
export interface Resolution<H> {
  /** Direct reference path -> serving instance (shared, or one of the same session). */
  links: Map<string, InstanceRecord<H>>;
  /** Shared instances this resolution loaded; unregistered until commit. */
  created: InstanceRecord<H>[];
  /** Existing shared instances pinned (with their closures) until commit or abandon. */
  pinned: InstanceRecord<H>[];
  /** Shared instances chosen per path, so a diamond or a cycle resolves to one instance. */
  byPath: Map<string, InstanceRecord<H>>;
}

export interface ResolverDeps<H> {
  loader: PackageLoader<H>;
  shared: SharedPackages<H>;
  changes: FileChanges;
  newId: IdGenerator;
  now: () => number;
  /** Called when a file turns out to have changed without notice: mark the outdated instances. */
  outdated: (path: string, fileVersion: string) => void;
  unload: (handle: H) => void;
  /** Called for each instance a given-up resolution unpinned: its last holder may have gone meanwhile. */
  collect: (rec: InstanceRecord<H>) => void;
}

export class ReferenceResolver<H> {
  constructor(private readonly d: ResolverDeps<H>) {}

  /**
   * Resolves direct references; `local(path)` may name an instance of the opening session, which
   * then serves that path instead of a shared one. Throws (after cleaning up) if a load fails, and
   * REFERENCE_CYCLE if what `root` references leads back to a package on the way (`root` itself,
   * by its path, included): executing such a package would call itself without end.
   */
  async resolve(
    root: Omit<CycleVertex<H>, 'links'>,
    references: readonly string[],
    local: (path: string) => InstanceRecord<H> | undefined,
  ): Promise<Resolution<H>> {
    const res: Resolution<H> = { links: new Map(), created: [], pinned: [], byPath: new Map() };
    try {
      for (const path of references) {
        if (res.links.has(path)) continue;
        res.links.set(path, local(path) ?? (await this.acquire(path, res)));
      }
      this.assertAcyclic({ ...root, links: res.links });
    } catch (err) {
      this.abandon(res);
      throw err;
    }
    return res;
  }

  /** Throws REFERENCE_CYCLE, naming the cycle and the line of each reference on it, if `root` reaches one. */
  assertAcyclic(root: CycleVertex<H>): void {
    const cycle = findReferenceCycle<CycleVertex<H>>(root, {
      key: (v) => v.path ?? `\u0000${v.id}`,
      next: (v) => v.links,
    });
    if (!cycle) return;
    throw referenceCycleError(cycle, {
      file: (v) => v.path ?? `draft "${v.name}"`,
      site: (v, path) => this.d.loader.referenceSite?.(v.handle, path),
    });
  }

  /**
   * Gives up a resolution: unloads what it loaded and unpins what it pinned, collecting each
   * unpinned instance, since a pin is all that kept one loaded whose holders left meanwhile (also
   * when `resolve` itself gives up, on a cycle or a failed load).
   */
  abandon(res: Resolution<H>): void {
    for (const rec of res.created) this.d.unload(rec.handle);
    res.created = [];
    const unpinned = res.pinned;
    res.pinned = [];
    for (const rec of unpinned) rec.pins--;
    for (const rec of unpinned) this.d.collect(rec);
  }

  /**
   * Shared instances are keyed by (path, file version): an existing current instance serves only if
   * the file still has its version; otherwise the file changed unnoticed and a new one is loaded.
   * Loads are not shared between concurrent resolutions (a duplicate is dropped at commit), so two
   * resolutions never wait on each other and reference cycles cannot deadlock.
   */
  private async acquire(path: string, res: Resolution<H>): Promise<InstanceRecord<H>> {
    const chosen = res.byPath.get(path);
    if (chosen) return chosen;
    const epoch = this.d.changes.epoch();
    const fileVersion = await this.d.loader.currentVersion(path);
    const again = res.byPath.get(path);
    if (again) return again;
    const existing = this.d.shared.currentOf(path);
    if (existing && existing.fileVersion !== fileVersion) this.d.outdated(path, fileVersion);
    const current = this.d.shared.currentOf(path);
    if (current) {
      // Pin the whole closure: its members lose their holders if the last root goes meanwhile.
      for (const rec of sharedClosure([current])) {
        rec.pins++;
        res.pinned.push(rec);
      }
      res.byPath.set(path, current);
      return current;
    }
    const loaded = await this.d.loader.load(path);
    const rec = new InstanceRecord<H>(this.d.newId(), 'shared', this.d.now());
    rec.apply(loaded);
    rec.path = path;
    rec.loadEpoch = epoch;
    res.created.push(rec);
    res.byPath.set(path, rec);
    for (const ref of rec.references) {
      if (!rec.links.has(ref)) rec.links.set(ref, await this.acquire(ref, res));
    }
    return rec;
  }
}
