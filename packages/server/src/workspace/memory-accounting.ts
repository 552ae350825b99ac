// Measures what package instances use: the process (RSS), Node's own share, DuckDB's accounting per instance.
import type { FlowportCore } from '../core';
import type { EngineHandle } from './engine-handle';
import { instanceMemory } from './memory-budget';

/** The memory accounting of package instances, as the Session Manager and a metrics gauge read it. */
export interface MemoryUsage {
  /** What all package instances may use together (server parameter memoryBudgetMB, or its automatic value). */
  budgetBytes: number;
  /** The DuckDB memory_limit of instances loaded now: a share of the budget. */
  instanceLimitBytes: number;
  /** DuckDB's own accounting (`duckdb_memory()`), all instances together. */
  duckdbBytes: number;
  /** The server process's resident memory. */
  rssBytes: number;
  /** What Node itself holds: its JavaScript heap, its external buffers, the process before any package ran. */
  nodeBytes: number;
  /** Node's JavaScript heap in use (the server panel's heap). */
  heapBytes: number;
  /** The instances' use as the budget counts it: the larger of duckdbBytes and rssBytes - nodeBytes. */
  usedBytes: number;
  /** Core instance id -> DuckDB bytes as last measured (0 for an instance whose DuckDB has not started). */
  perInstance: ReadonlyMap<string, number>;
  /** When this was measured, in ms since the epoch. */
  measuredAt: number;
}

/** An execution as the watchdog weighs it. */
export interface RunningExecution {
  executionId: string;
  instanceId: string;
  startedAt: number;
  /** `untrackedBytes` when it started (as last measured then). */
  untrackedAtStart: number;
}

/** A measurement with what the watchdog needs besides the usage. */
export interface MemorySample extends MemoryUsage {
  /** rssBytes - nodeBytes - duckdbBytes (at least 0): memory DuckDB does not account for. */
  untrackedBytes: number;
  /** The executions running now, oldest first. */
  running: RunningExecution[];
}

export interface ProcessMemory {
  rss: number;
  heapTotal: number;
  /** In use of heapTotal (absent in fakes: heapTotal is taken). */
  heapUsed?: number;
  external: number;
}

export interface MemoryAccountingOptions {
  core: FlowportCore<EngineHandle>;
  /** The budget in bytes, asked at each measurement (the server parameter may change). */
  budget: () => number;
  /** Injectable for tests; process.memoryUsage() by default. */
  readProcess?: () => ProcessMemory;
  now?: () => number;
}

/** Instances that run nothing are measured this seldom: their DuckDB changes only when they run. */
const IDLE_REFRESH_MS = 5000;
/**
 * Every instance is looked at this often (closed ones forgotten, shared ones noted, idle ones
 * refreshed), not at every sample: at 9,000 instances a look at all of them five times a second held
 * the event loop ~20 ms per sample on a loaded machine (the cluster's Stop p99 waited behind it).
 */
const WALK_MS = 1000;
/** At most this many idle instances are measured per walk, the others at a later one. */
const IDLE_PER_WALK = 500;
/**
 * How long a measurement waits for DuckDB: its query needs a libuv thread, and long queries may hold
 * all of them. Late answers still update the figures; RSS is measured at once either way.
 */
const MEASURE_WAIT_MS = 100;

export class MemoryAccounting {
  private last: MemorySample;
  private readonly perInstance = new Map<string, number>();
  /** The copy of perInstance handed out with the last sample, while it still holds (null once changed). */
  private perInstanceCopy: ReadonlyMap<string, number> | null = null;
  private readonly measuredAt = new Map<string, number>();
  private readonly pending = new Set<string>();
  private readonly running = new Map<string, RunningExecution>();
  /** Instances whose execution ended: measured at every sample until DuckDB stops computing for them. */
  private readonly settling = new Set<string>();
  /** Shared instances as the last walk found them (measured at every sample while anything runs). */
  private shared = new Set<string>();
  private lastWalk = -Infinity;
  /** The process outside Node's heap and buffers before any package ran (code, DuckDB's library, SQLite). */
  private readonly baseline: number;
  private readonly readProcess: () => ProcessMemory;
  private readonly now: () => number;

  constructor(private readonly d: MemoryAccountingOptions) {
    this.readProcess = d.readProcess ?? (() => process.memoryUsage());
    this.now = d.now ?? Date.now;
    const p = this.readProcess();
    this.baseline = Math.max(0, p.rss - p.heapTotal - p.external);
    this.last = this.compose(p, this.now());
    d.core.on((e) => {
      if (e.type === 'execution-started') {
        // The last measurement, not a fresh one: this runs on every Integrator call.
        this.running.set(e.executionId, {
          executionId: e.executionId,
          instanceId: e.instanceId,
          startedAt: e.at,
          untrackedAtStart: this.last.untrackedBytes,
        });
      } else if (e.type === 'execution-ended') {
        const r = this.running.get(e.executionId);
        if (r) this.settling.add(r.instanceId);
        this.running.delete(e.executionId);
      } else if (e.type === 'package-closed' || e.type === 'shared-closed') this.forget(e.instanceId);
    });
  }

  /** The latest measurement (at most one watchdog period old while anything runs). */
  usage(): MemoryUsage {
    return this.last;
  }

  /**
   * Measures now: RSS and Node's heap at once; DuckDB's accounting of instances that run (and of the
   * shared ones while anything runs) every time, of the others every few seconds.
   */
  async sample(): Promise<MemorySample> {
    const now = this.now();
    const waits: Promise<void>[] = [];
    const measure = (id: string, runtime: NonNullable<EngineHandle['runtime']>) => {
      if (this.pending.has(id)) return;
      this.pending.add(id);
      waits.push(
        runtime
          .memoryBytes()
          .then(
            (bytes) => {
              if (!this.perInstance.has(id)) return; // closed meanwhile
              this.setBytes(id, bytes);
              this.measuredAt.set(id, this.now());
            },
            () => undefined,
          )
          .finally(() => this.pending.delete(id)),
      );
    };
    if (now - this.lastWalk >= WALK_MS) this.walk(now, measure);
    // An instance closed under a running execution ends it without an event (the instance is gone).
    const busy = new Set<string>();
    for (const [id, r] of this.running)
      if (this.d.core.peekInstance(r.instanceId)) busy.add(r.instanceId);
      else this.running.delete(id);
    if (this.running.size > 0) for (const id of this.shared) busy.add(id);
    for (const id of this.settling) busy.add(id);
    for (const id of busy) {
      const runtime = this.d.core.peekInstance(id)?.handle.runtime;
      if (!runtime) {
        this.settling.delete(id);
        continue;
      }
      if (!this.perInstance.has(id)) this.setBytes(id, 0);
      // Measured once more after its run, then only while DuckDB still computes (a stop not yet acknowledged).
      if (this.settling.has(id) && !runtime.computing) this.settling.delete(id);
      measure(id, runtime);
    }
    if (waits.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(waits), new Promise((r) => (timer = setTimeout(r, MEASURE_WAIT_MS)))]);
      clearTimeout(timer);
    }
    this.last = this.compose(this.readProcess(), now);
    return this.last;
  }

  /** Looks at every instance: forgets closed ones, notes the shared ones, measures idle ones not measured lately. */
  private walk(now: number, measure: (id: string, runtime: NonNullable<EngineHandle['runtime']>) => void): void {
    this.lastWalk = now;
    const live = new Set<string>();
    const shared = new Set<string>();
    let idle = IDLE_PER_WALK;
    this.d.core.forEachInstance((inst) => {
      const runtime = inst.handle.runtime;
      if (!runtime) return;
      live.add(inst.id);
      if (inst.kind === 'shared') shared.add(inst.id);
      if (!this.perInstance.has(inst.id)) this.setBytes(inst.id, 0);
      if (inst.running || runtime.computing) this.settling.add(inst.id);
      else if (idle > 0 && now - (this.measuredAt.get(inst.id) ?? 0) >= IDLE_REFRESH_MS) {
        idle--;
        measure(inst.id, runtime);
      }
    });
    this.shared = shared;
    for (const id of [...this.perInstance.keys()]) if (!live.has(id)) this.forget(id);
  }

  private setBytes(id: string, bytes: number): void {
    if (this.perInstance.get(id) === bytes) return;
    this.perInstance.set(id, bytes);
    this.perInstanceCopy = null;
  }

  private forget(instanceId: string): void {
    if (this.perInstance.delete(instanceId)) this.perInstanceCopy = null;
    this.settling.delete(instanceId);
    this.shared.delete(instanceId);
    this.measuredAt.delete(instanceId);
  }

  private compose(p: ProcessMemory, now: number): MemorySample {
    let duckdbBytes = 0;
    for (const b of this.perInstance.values()) duckdbBytes += b;
    const budgetBytes = this.d.budget();
    const nodeBytes = p.heapTotal + p.external + this.baseline;
    const engine = Math.max(0, p.rss - nodeBytes);
    return {
      budgetBytes,
      instanceLimitBytes: instanceMemory(budgetBytes).limitBytes,
      duckdbBytes,
      rssBytes: p.rss,
      nodeBytes,
      heapBytes: p.heapUsed ?? p.heapTotal,
      usedBytes: Math.max(duckdbBytes, engine),
      // The same copy while nothing changed (the watchdog keeps one as the use within the budget).
      perInstance: (this.perInstanceCopy ??= new Map(this.perInstance)),
      measuredAt: now,
      untrackedBytes: Math.max(0, engine - duckdbBytes),
      running: [...this.running.values()],
    };
  }
}
