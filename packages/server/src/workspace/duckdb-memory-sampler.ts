// DuckDB memory of every open instance, summed from DuckDB's own figures and sampled when read (the metrics' source).
import type { DuckDbMemoryFigures } from '../engine';

/** What the sampler asks: an instance's figures, none when it has no database or no idle connection. */
export interface MemoryReporter {
  memory(): Promise<DuckDbMemoryFigures | undefined>;
}

export interface MemorySample {
  duckdbBytes: number;
  /** Until a server-wide memory budget exists: the sum of the instances' DuckDB memory limits. */
  budgetBytes: number;
}

/**
 * A read answers the last finished sample at once and starts a new one when it is older than
 * `minIntervalMs`: a scrape never waits for DuckDB, and shows what the sample before it found.
 * An instance whose connections are all busy keeps the figures it last gave.
 */
export class DuckDbMemorySampler {
  private last: MemorySample | undefined;
  private readonly known = new WeakMap<MemoryReporter, DuckDbMemoryFigures>();
  private running: Promise<MemorySample> | undefined;
  private startedAt = -Infinity;

  constructor(
    private readonly instances: () => MemoryReporter[],
    private readonly minIntervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  latest(): MemorySample | undefined {
    if (!this.running && this.now() - this.startedAt >= this.minIntervalMs) void this.sample();
    return this.last;
  }

  /** Samples now (or joins the sample under way) and answers it. */
  sample(): Promise<MemorySample> {
    this.running ??= this.take().finally(() => (this.running = undefined));
    return this.running;
  }

  private async take(): Promise<MemorySample> {
    this.startedAt = this.now();
    const instances = this.instances();
    const figures = await Promise.all(instances.map((i) => i.memory().catch(() => undefined)));
    let duckdbBytes = 0;
    let budgetBytes = 0;
    instances.forEach((inst, k) => {
      const f = figures[k] ?? this.known.get(inst);
      if (!f) return;
      this.known.set(inst, f);
      duckdbBytes += f.usedBytes;
      if (Number.isFinite(f.limitBytes)) budgetBytes += f.limitBytes;
    });
    this.last = { duckdbBytes, budgetBytes };
    return this.last;
  }
}
