// The Session Manager's server panel: a sample every 5 s of what the metrics and the memory accounting already measure, the last 15 minutes kept.
import type { ServerStats, ServerStatsSample } from '@flowport/protocol';
import { processMetrics } from './process-metrics';

export const STATS_INTERVAL_MS = 5000;
/** The panel's sparklines show this much. */
export const STATS_WINDOW_MS = 15 * 60_000;

/** Cumulative Integrator call counts, per upper bound in seconds (a Prometheus histogram, all labels summed). */
export interface CallHistogram {
  count: number;
  /** Ascending bounds with the calls at or below each; the last bound may be Infinity. */
  buckets: { le: number; count: number }[];
}

export interface ServerStatsSources {
  /** The memory accounting's latest figures (measured every 200 ms by the memory watchdog). */
  memory: () => { rssBytes: number; heapBytes: number; duckdbBytes: number; budgetBytes: number };
  /** Executions running now. */
  running: () => number;
  /** The Integrator duration histogram of the metrics, as it stands. */
  integrator: () => Promise<CallHistogram>;
  /** Process CPU seconds (user + system) so far; prom-client's process_cpu_seconds_total by default. */
  cpuSeconds?: () => Promise<number>;
  /** The event-loop delay's p99 in ms since the last reading; prom-client's monitor by default. */
  loopDelayP99Ms?: () => Promise<number>;
  now?: () => number;
  intervalMs?: number;
  node?: string;
}

async function gaugeValue(name: string): Promise<number> {
  const got = await processMetrics().getSingleMetric(name)?.get();
  return got?.values[0]?.value ?? 0;
}

/** prom-client's own counter: its collect reads process.cpuUsage() once per reading. */
const promCpuSeconds = () => gaugeValue('process_cpu_seconds_total');

/**
 * prom-client's monitorEventLoopDelay histogram: reading `nodejs_eventloop_lag_seconds` sets the
 * p99 gauge and resets the histogram, so the figure covers the time since the last reading (this
 * sample's interval, or less when a scrape came between).
 */
async function promLoopDelayP99Ms(): Promise<number> {
  await gaugeValue('nodejs_eventloop_lag_seconds');
  return (await gaugeValue('nodejs_eventloop_lag_p99_seconds')) * 1000;
}

/** The p95 of the calls between two readings of a histogram, interpolated within its bucket, in ms (0: no call). */
export function intervalP95Ms(before: CallHistogram, after: CallHistogram): number {
  const calls = after.count - before.count;
  if (calls <= 0) return 0;
  const rank = calls * 0.95;
  let lower = 0;
  let below = 0;
  for (const b of after.buckets) {
    const was = before.buckets.find((x) => x.le === b.le)?.count ?? 0;
    const upto = b.count - was;
    if (upto >= rank) {
      // Past the last finite bound nothing is known but that bound.
      if (!Number.isFinite(b.le)) return lower * 1000;
      const within = upto - below;
      const share = within > 0 ? (rank - below) / within : 1;
      return (lower + (b.le - lower) * share) * 1000;
    }
    lower = Number.isFinite(b.le) ? b.le : lower;
    below = upto;
  }
  return lower * 1000;
}

export class ServerStatsRecorder {
  private readonly samples: ServerStatsSample[] = [];
  private readonly listeners = new Set<(s: ServerStatsSample) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private last: { t: number; cpu: number; calls: CallHistogram } | undefined;
  private readonly now: () => number;
  readonly intervalMs: number;

  constructor(private readonly d: ServerStatsSources) {
    this.now = d.now ?? Date.now;
    this.intervalMs = d.intervalMs ?? STATS_INTERVAL_MS;
  }

  /** Takes the first reading now (the base of the first interval); a sample every interval from then. */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.sample();
    this.timer = setInterval(() => {
      this.sample().catch(() => undefined);
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onSample(listener: (s: ServerStatsSample) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** GET /api/manager/stats. */
  view(): ServerStats {
    const out: ServerStats = { intervalMs: this.intervalMs, samples: [...this.samples] };
    if (this.d.node) out.node = this.d.node;
    return out;
  }

  /** Reads every source; the first reading only sets the base (nothing to compare it with). */
  async sample(): Promise<ServerStatsSample | undefined> {
    const t = this.now();
    const [cpu, calls, loop] = await Promise.all([
      (this.d.cpuSeconds ?? promCpuSeconds)(),
      this.d.integrator(),
      (this.d.loopDelayP99Ms ?? promLoopDelayP99Ms)(),
    ]);
    const prev = this.last;
    this.last = { t, cpu, calls };
    if (!prev || t <= prev.t) return undefined;
    const seconds = (t - prev.t) / 1000;
    const m = this.d.memory();
    const sample: ServerStatsSample = {
      t,
      cpuPercent: round1((Math.max(0, cpu - prev.cpu) / seconds) * 100),
      rssBytes: m.rssBytes,
      heapBytes: m.heapBytes,
      duckdbBytes: m.duckdbBytes,
      budgetBytes: m.budgetBytes,
      loopDelayMs: round1(loop),
      running: this.d.running(),
      integratorPerSecond: round1(Math.max(0, calls.count - prev.calls.count) / seconds),
      integratorP95Ms: round1(intervalP95Ms(prev.calls, calls)),
    };
    this.samples.push(sample);
    while (this.samples.length > 0 && this.samples[0]!.t <= t - STATS_WINDOW_MS) this.samples.shift();
    for (const l of this.listeners) l(sample);
    return sample;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
