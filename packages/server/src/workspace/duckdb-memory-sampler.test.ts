// The DuckDB memory sampler: sums instances, keeps a busy instance's last figures, never makes a read wait.
import { describe, expect, it } from 'vitest';
import type { DuckDbMemoryFigures } from '../engine';
import { DuckDbMemorySampler, type MemoryReporter } from './duckdb-memory-sampler';

class Instance implements MemoryReporter {
  constructor(public figures: DuckDbMemoryFigures | undefined) {}
  memory() {
    return Promise.resolve(this.figures);
  }
}

describe('DuckDbMemorySampler', () => {
  it('sums what the instances report, and keeps the last figures of one that is busy', async () => {
    const a = new Instance({ usedBytes: 100, limitBytes: 1000 });
    const b = new Instance({ usedBytes: 50, limitBytes: 1000 });
    const fresh = new Instance(undefined); // no database yet
    let open = [a, b, fresh];
    const sampler = new DuckDbMemorySampler(() => open);
    expect(await sampler.sample()).toEqual({ duckdbBytes: 150, budgetBytes: 2000 });
    b.figures = undefined; // all its connections busy
    a.figures = { usedBytes: 300, limitBytes: 1000 };
    expect(await sampler.sample()).toEqual({ duckdbBytes: 350, budgetBytes: 2000 });
    open = [a];
    expect(await sampler.sample()).toEqual({ duckdbBytes: 300, budgetBytes: 1000 });
  });

  it('answers a read at once with the last sample and refreshes it at most once per interval', async () => {
    const a = new Instance({ usedBytes: 10, limitBytes: 100 });
    let t = 0;
    let asked = 0;
    const sampler = new DuckDbMemorySampler(
      () => {
        asked++;
        return [a];
      },
      1000,
      () => t,
    );
    expect(sampler.latest()).toBeUndefined();
    await sampler.sample();
    expect(asked).toBe(1);
    a.figures = { usedBytes: 20, limitBytes: 100 };
    t = 500;
    expect(sampler.latest()).toEqual({ duckdbBytes: 10, budgetBytes: 100 });
    await sampler.sample();
    t = 1600;
    expect(sampler.latest()?.duckdbBytes).toBe(20);
    await new Promise((r) => setImmediate(r));
    // The sample taken at 500 counts: the read at 1600 started one more, not one per read.
    expect(asked).toBe(3);
    t = 1700;
    sampler.latest();
    expect(asked).toBe(3);
  });
});
