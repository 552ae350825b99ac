// The server panel's samples: rates over the interval, the p95 of the interval's calls, the 15-minute window.
import { describe, expect, it } from 'vitest';
import { intervalP95Ms, ServerStatsRecorder, STATS_WINDOW_MS, type CallHistogram } from './server-stats';

const hist = (count: number, ...buckets: [number, number][]): CallHistogram => ({
  count,
  buckets: buckets.map(([le, n]) => ({ le, count: n })),
});

describe('intervalP95Ms', () => {
  it('is 0 without calls and interpolates within the bucket of the 95th percentile of the new calls', () => {
    const before = hist(100, [0.01, 100], [0.1, 100], [Infinity, 100]);
    expect(intervalP95Ms(before, before)).toBe(0);
    // 100 new calls: 50 within 10 ms, 50 within 100 ms; the 95th is 90 % into the second bucket.
    const after = hist(200, [0.01, 150], [0.1, 200], [Infinity, 200]);
    expect(intervalP95Ms(before, after)).toBeCloseTo(10 + 90 * 0.9, 5);
    // Beyond the last finite bound only that bound is known.
    const slow = hist(110, [0.01, 100], [0.1, 100], [Infinity, 110]);
    expect(intervalP95Ms(before, slow)).toBe(100);
  });
});

describe('ServerStatsRecorder', () => {
  it('samples per interval from the sources and keeps the last 15 minutes', async () => {
    let t = 1_000_000;
    let cpu = 10;
    let calls = hist(0, [0.005, 0], [Infinity, 0]);
    const rec = new ServerStatsRecorder({
      now: () => t,
      cpuSeconds: async () => cpu,
      loopDelayP99Ms: async () => 12.34,
      integrator: async () => calls,
      memory: () => ({ rssBytes: 300, heapBytes: 100, duckdbBytes: 50, budgetBytes: 1000 }),
      running: () => 2,
      intervalMs: 5000,
    });
    const heard: number[] = [];
    rec.onSample((s) => heard.push(s.t));
    expect(await rec.sample()).toBeUndefined();
    t += 5000;
    cpu += 2.5;
    calls = hist(50, [0.005, 50], [Infinity, 50]);
    const s = await rec.sample();
    expect(s).toEqual({
      t,
      cpuPercent: 50,
      rssBytes: 300,
      heapBytes: 100,
      duckdbBytes: 50,
      budgetBytes: 1000,
      loopDelayMs: 12.3,
      running: 2,
      integratorPerSecond: 10,
      integratorP95Ms: 4.8,
    });
    expect(heard).toEqual([t]);
    for (let i = 0; i < 200; i++) {
      t += 5000;
      await rec.sample();
    }
    const view = rec.view();
    expect(view.intervalMs).toBe(5000);
    expect(view.samples.length).toBe(STATS_WINDOW_MS / 5000);
    expect(view.samples.at(-1)!.t).toBe(t);
    expect(view.samples[0]!.t).toBeGreaterThan(t - STATS_WINDOW_MS);
    expect(view.node).toBeUndefined();
  });
});
