import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Execution, ExecutionProgress } from '../core';
import { ProgressThrottle } from './progress-throttle';

/** An execution that records what it kept and what it told. */
function recorder() {
  const told: ExecutionProgress[] = [];
  let kept: ExecutionProgress | undefined;
  let ended = false;
  const exec = {
    setProgress(p: ExecutionProgress, quiet?: boolean) {
      if (ended) return;
      kept = p;
      if (!quiet) told.push(p);
    },
    tellProgress() {
      if (!ended && kept) told.push(kept);
    },
  } as unknown as Execution;
  return { exec, told, kept: () => kept, end: () => (ended = true) };
}

const at = (nodesDone: number): ExecutionProgress => ({
  percent: nodesDone * 10,
  node: `n${nodesDone}`,
  nodeStartedAt: 0,
  nodesDone,
  nodesTotal: 10,
});

describe('an execution’s progress told at most every so often', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps every report at once and tells the latest once the interval has passed', () => {
    const r = recorder();
    const throttle = new ProgressThrottle(r.exec, 100, () => Date.now());
    for (let i = 1; i <= 4; i++) throttle.report(at(i));
    expect(r.kept()).toEqual(at(4));
    expect(r.told).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(r.told).toEqual([at(4)]);
    // Long after the last told one: told at once.
    vi.advanceTimersByTime(500);
    throttle.report(at(5));
    expect(r.told).toEqual([at(4), at(5)]);
  });

  it('tells nothing more once the execution ended within the interval (its end reports it)', () => {
    const r = recorder();
    const throttle = new ProgressThrottle(r.exec, 100, () => Date.now());
    throttle.report(at(1));
    throttle.report(at(2));
    throttle.end();
    r.end();
    vi.advanceTimersByTime(1000);
    expect(r.told).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('tells a steady stream of reports about once per interval, never more', () => {
    const r = recorder();
    const throttle = new ProgressThrottle(r.exec, 100, () => Date.now());
    for (let ms = 0; ms < 1000; ms += 10) {
      throttle.report(at(ms / 10));
      vi.advanceTimersByTime(10);
    }
    expect(r.told.length).toBeGreaterThanOrEqual(9);
    expect(r.told.length).toBeLessThanOrEqual(11);
    vi.advanceTimersByTime(100);
    expect(r.told.at(-1)).toEqual(at(99));
  });
});
