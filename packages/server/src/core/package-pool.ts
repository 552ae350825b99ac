// The package pool's bookkeeping: idle instances in LRU order, loans to callers, hit/miss counters.
import type { InstanceRecord } from './package-instance';

/**
 * The maximum bounds the IDLE instances, the warm cache the pool keeps. Checked-out instances are
 * on loan to running calls and are not limited here (one per concurrent call); on release
 * an instance rejoins the idle set only if that keeps it within the maximum, evicting the least
 * recently used first.
 */
export class PackagePool<H> {
  /** Idle instances, least recently used first (Map keeps insertion order). */
  private readonly idle = new Map<string, InstanceRecord<H>>();
  /** path -> idle instances of it, most recently used last. */
  private readonly idleByPath = new Map<string, InstanceRecord<H>[]>();
  private readonly out = new Map<string, InstanceRecord<H>>();
  hits = 0;
  misses = 0;

  constructor(public max: number) {}

  get idleCount(): number {
    return this.idle.size;
  }

  get checkedOutCount(): number {
    return this.out.size;
  }

  idleItems(): IterableIterator<InstanceRecord<H>> {
    return this.idle.values();
  }

  checkedOutItems(): IterableIterator<InstanceRecord<H>> {
    return this.out.values();
  }

  has(rec: InstanceRecord<H>): boolean {
    return this.idle.get(rec.id) === rec || this.out.get(rec.id) === rec;
  }

  /** Idle instances of a path, most recently used last. */
  idleOf(path: string): readonly InstanceRecord<H>[] {
    return this.idleByPath.get(path) ?? [];
  }

  /** Takes the most recently used idle instance of `path` at `fileVersion` out of the idle set. */
  takeIdle(path: string, fileVersion: string): InstanceRecord<H> | undefined {
    const list = this.idleByPath.get(path);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const rec = list[i];
      if (rec.fileVersion === fileVersion && !rec.stale) {
        this.removeIdle(rec);
        return rec;
      }
    }
    return undefined;
  }

  /** Lends an instance to a caller (a hit taken from the idle set, or a fresh load). */
  lend(rec: InstanceRecord<H>): void {
    rec.checkedOut = true;
    this.out.set(rec.id, rec);
  }

  /** Ends a loan without putting the instance back (release or discard follow). */
  endLoan(rec: InstanceRecord<H>): void {
    rec.checkedOut = false;
    this.out.delete(rec.id);
  }

  /** Adds an instance as the most recently used idle one; returns those evicted to stay within max. */
  putIdle(rec: InstanceRecord<H>): InstanceRecord<H>[] {
    this.idle.set(rec.id, rec);
    const list = this.idleByPath.get(rec.path!);
    if (list) list.push(rec);
    else this.idleByPath.set(rec.path!, [rec]);
    return this.trim();
  }

  resize(max: number): InstanceRecord<H>[] {
    this.max = max;
    return this.trim();
  }

  removeIdle(rec: InstanceRecord<H>): void {
    if (!this.idle.delete(rec.id)) return;
    const list = this.idleByPath.get(rec.path!)!;
    list.splice(list.indexOf(rec), 1);
    if (list.length === 0) this.idleByPath.delete(rec.path!);
  }

  /** Empties the idle set and returns what was in it. */
  takeAllIdle(): InstanceRecord<H>[] {
    const all = [...this.idle.values()];
    this.idle.clear();
    this.idleByPath.clear();
    return all;
  }

  private trim(): InstanceRecord<H>[] {
    const evicted: InstanceRecord<H>[] = [];
    while (this.idle.size > this.max) {
      const lru = this.idle.values().next().value!;
      this.removeIdle(lru);
      evicted.push(lru);
    }
    return evicted;
  }
}
