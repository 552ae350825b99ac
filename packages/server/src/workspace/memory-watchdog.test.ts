// The watchdog's choice of offender and its pace, on fake measurements.
import { describe, expect, it } from 'vitest';
import type { MemorySample, RunningExecution } from './memory-accounting';
import { MiB } from './memory-budget';
import { chooseOffender, MemoryWatchdog, type Offender, type WithinBudget } from './memory-watchdog';

const BUDGET = 1000 * MiB;

function sample(o: {
  untracked?: number;
  perInstance?: Record<string, number>;
  running?: RunningExecution[];
  budget?: number;
}): MemorySample {
  const perInstance = new Map(Object.entries(o.perInstance ?? {}).map(([k, v]) => [k, v * MiB]));
  let duckdbBytes = 0;
  for (const v of perInstance.values()) duckdbBytes += v;
  const untrackedBytes = (o.untracked ?? 0) * MiB;
  const nodeBytes = 150 * MiB;
  return {
    budgetBytes: o.budget ?? BUDGET,
    instanceLimitBytes: (o.budget ?? BUDGET) / 4,
    duckdbBytes,
    rssBytes: nodeBytes + duckdbBytes + untrackedBytes,
    nodeBytes,
    heapBytes: nodeBytes / 2,
    usedBytes: duckdbBytes + untrackedBytes,
    perInstance,
    measuredAt: 0,
    untrackedBytes,
    running: o.running ?? [],
  };
}

const exec = (id: string, instanceId: string, startedAt: number, untrackedAtStartMB = 0): RunningExecution => ({
  executionId: id,
  instanceId,
  startedAt,
  untrackedAtStart: untrackedAtStartMB * MiB,
});

const within = (untracked = 0, perInstance: Record<string, number> = {}): WithinBudget => ({
  untrackedBytes: untracked * MiB,
  perInstance: new Map(Object.entries(perInstance).map(([k, v]) => [k, v * MiB])),
});

describe('chooseOffender', () => {
  it('stops nothing within the budget, nor when nothing runs', () => {
    expect(chooseOffender(sample({ untracked: 900, running: [exec('e', 'i', 1)] }), within())).toBeUndefined();
    expect(chooseOffender(sample({ untracked: 1500 }), within())).toBeUndefined();
  });

  it('blames untracked growth on the execution it grew under, not on one started into it', () => {
    // A repeat() started at t=1 with nothing untracked; a small query started at t=5 with 900 MB already there.
    const running = [exec('runaway', 'a', 1, 0), exec('small', 'b', 5, 900)];
    const got = chooseOffender(sample({ untracked: 1200, running }), within());
    expect(got).toEqual({ execution: running[0], kind: 'untracked', grownBytes: 1200 * MiB });
  });

  it('of executions that ran through all of the growth, stops the newest: the one started into a steady load', () => {
    // A long steady job (its memory in DuckDB's accounting) started first; the runaway grew the untracked part.
    const running = [exec('etl', 'etl', 1, 0), exec('runaway', 'r', 2, 5)];
    const got = chooseOffender(sample({ untracked: 700, perInstance: { etl: 500 }, running }), within(0, { etl: 500 }));
    expect(got?.execution.executionId).toBe('runaway');
    expect(got?.kind).toBe('untracked');
  });

  it("blames DuckDB's accounted growth per instance: the biggest grower, the newest of near ties", () => {
    const running = [exec('a', 'A', 1), exec('b', 'B', 2), exec('c', 'C', 3)];
    const base = within(0, { A: 100, B: 100, C: 100 });
    const big = chooseOffender(sample({ perInstance: { A: 700, B: 300, C: 150 }, running }), base);
    expect(big).toEqual({ execution: running[0], kind: 'duckdb', grownBytes: 600 * MiB });
    // A and B grew about as much (within 10 %): the newer one, B.
    const tie = chooseOffender(sample({ perInstance: { A: 540, B: 530, C: 150 }, running }), base);
    expect(tie?.execution.executionId).toBe('b');
  });

  it('stops nothing when no running execution grew the use (memory kept by idle instances or the allocator)', () => {
    const running = [exec('late', 'L', 9, 1100)];
    expect(chooseOffender(sample({ untracked: 1105, running }), within(1100))).toBeUndefined();
    expect(
      chooseOffender(sample({ perInstance: { idle: 1200, L: 5 }, running }), within(0, { idle: 1200, L: 5 })),
    ).toBe(undefined);
  });
});

describe('MemoryWatchdog', () => {
  function kit() {
    const stops: Offender[] = [];
    const computing = new Set<string>();
    let released = 0;
    let now = 0;
    const dog = new MemoryWatchdog({
      measure: async () => sample({}),
      stop: (o) => stops.push(o),
      computing: (id) => computing.has(id),
      release: () => ++released,
      now: () => now,
    });
    return { dog, stops, computing, released: () => released, advance: (ms: number) => (now += ms) };
  }

  it('stops once, waits while the stopped query still computes, and refuses meanwhile', () => {
    const { dog, stops, computing } = kit();
    const running = [exec('older', 'r', 1, 0), exec('newer', 'o', 2, 0)];
    dog.check(sample({ untracked: 100, running }));
    expect(dog.recovering).toBe(false);
    const first = dog.check(sample({ untracked: 1100, running }));
    expect(first?.execution.executionId).toBe('newer'); // a tie: both ran through the growth; the newest
    expect(stops).toHaveLength(1);
    computing.add('o');
    expect(dog.recovering).toBe(true);
    // Still past the budget while DuckDB computes: nobody else is stopped.
    expect(dog.check(sample({ untracked: 1500, running: [running[0]] }))).toBeUndefined();
    expect(stops).toHaveLength(1);
    // It let go, and the use is still past the budget: the next grower goes.
    computing.delete('o');
    expect(dog.check(sample({ untracked: 1600, running: [running[0]] }))?.execution.executionId).toBe('older');
    expect(stops).toHaveLength(2);
    // Back within the budget: no longer recovering.
    dog.check(sample({ untracked: 50 }));
    expect(dog.recovering).toBe(false);
  });

  it('gives up waiting for a stopped query after ten minutes', () => {
    const { dog, stops, computing, advance } = kit();
    dog.check(sample({ untracked: 0 }));
    dog.check(sample({ untracked: 1200, running: [exec('a', 'A', 1)] }));
    computing.add('A');
    advance(9 * 60_000);
    expect(dog.check(sample({ untracked: 1300, running: [exec('b', 'B', 2, 0)] }))).toBeUndefined();
    advance(2 * 60_000);
    expect(dog.check(sample({ untracked: 1300, running: [exec('b', 'B', 2, 0)] }))?.execution.executionId).toBe('b');
    expect(stops).toHaveLength(2);
  });

  it('drops idle pooled instances only when DuckDB itself holds the whole budget', () => {
    const { dog, released } = kit();
    dog.check(sample({ untracked: 1200 }));
    expect(released()).toBe(0);
    dog.check(sample({ perInstance: { a: 600, b: 500 } }));
    expect(released()).toBe(1);
  });

  it('measures every period through the injected source and acts on what it reads', async () => {
    const measured: number[] = [];
    const stops: Offender[] = [];
    let n = 0;
    const dog = new MemoryWatchdog({
      measure: async () => {
        measured.push(Date.now());
        n++;
        return n < 3 ? sample({ untracked: 10 }) : sample({ untracked: 2000, running: [exec('x', 'X', 1)] });
      },
      stop: (o) => stops.push(o),
      computing: () => true,
      periodMs: 20,
    });
    dog.start();
    await new Promise((r) => setTimeout(r, 200));
    dog.stop();
    expect(measured.length).toBeGreaterThanOrEqual(4);
    expect(stops.map((s) => s.execution.executionId)).toEqual(['x']);
  });
});
