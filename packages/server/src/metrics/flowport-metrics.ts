// The flowport_ Prometheus metrics of one app: declared here, fed by the core, the HTTP layer and logins, rendered per scrape.
import type { SessionKind } from '@flowport/protocol';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CoreCounts, ExecutionKind, ExecutionOutcome, InstanceKind } from '../core';
import { IntegratorLabels, statusClass } from './integrator-labels';
import { processMetrics } from './process-metrics';
import type { CallHistogram } from './server-stats';
import { stopCause, type StopCause } from './stop-cause';

/** The memory figures the metrics show; undefined while none are known. */
export interface MemoryFigures {
  duckdbBytes: number;
  budgetBytes: number;
}
export type MemorySource = () => MemoryFigures | undefined;

/** The process's memory ceiling (RLIMIT_DATA) and its data segment, which it bounds; null: none or unknown. Each read from /proc by its own gauge. */
export interface ProcessMemorySource {
  ceilingBytes(): number | null;
  dataSegmentBytes(): number | null;
}

export type FinishedOutcome = 'done' | 'failed' | `stopped_by_${StopCause}`;
export type EvictionCause = 'capacity' | 'file_changed' | 'cleared';

const SESSION_KINDS: readonly SessionKind[] = ['studio', 'integrator', 'batch'];
const EXECUTION_KINDS: readonly ExecutionKind[] = [...SESSION_KINDS, 'none'];
const PLACES: readonly InstanceKind[] = ['session', 'shared', 'pool'];
const STOP_CAUSES: readonly StopCause[] = ['administrator', 'server', 'client'];
const OUTCOMES: readonly FinishedOutcome[] = ['done', 'failed', ...STOP_CAUSES.map((c) => `stopped_by_${c}` as const)];
const EVICTION_CAUSES: readonly EvictionCause[] = ['capacity', 'file_changed', 'cleared'];

/** Seconds: an Integrator call of a warm trivial node takes about a millisecond, the timeout is a minute. */
const INTEGRATOR_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds from a stop to the engine's end: DuckDB is interrupted at once, a file read may take longer. */
const STOP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface FlowportMetricsOptions {
  /** The `node` label of every metric (nodeName()). */
  node: string;
  version: string;
}

export class FlowportMetrics {
  /** This app's flowport_ metrics; the process's default metrics are rendered beside them. */
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private counts: (() => CoreCounts) | undefined;
  /** Counted once per scrape, for the several gauges that read it. */
  private scraped: CoreCounts | undefined;
  private memory: MemorySource = () => undefined;
  private processMemory: ProcessMemorySource | undefined;
  private readonly targets = new IntegratorLabels();
  /** Counted here, copied into the counter at each scrape: a labelled inc() hashes its labels, once per call. */
  private readonly finished = new Map<ExecutionKind, Record<FinishedOutcome, number>>(
    EXECUTION_KINDS.map((k) => [k, Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<FinishedOutcome, number>]),
  );
  private readonly stopLatency: Histogram<'cause'>;
  private readonly poolEvictions: Counter<'cause'>;
  private readonly integratorDuration: Histogram<'package' | 'package_node' | 'status_class'>;
  private readonly loginFailures: Counter;
  private readonly loginLockouts: Counter;

  constructor(o: FlowportMetricsOptions) {
    this.registry.setDefaultLabels({ node: o.node });
    // Made now, not at the first scrape: the event-loop delay is measured from the start.
    processMetrics();
    const registers = [this.registry];
    const counts = () => this.scraped ?? this.counts?.();
    const finished = this.finished;
    const memory = () => this.memory();
    const processMemory = () => this.processMemory;

    new Gauge({
      name: 'flowport_build_info',
      help: 'Always 1; the version label names the running Flowport',
      labelNames: ['version'],
      registers,
    }).set({ version: o.version }, 1);
    new Gauge({
      name: 'flowport_sessions_open',
      help: 'Sessions open, by kind (studio, integrator, batch)',
      labelNames: ['kind'],
      registers,
      collect() {
        const c = counts();
        if (c) for (const kind of SESSION_KINDS) this.set({ kind }, c.sessions[kind]);
      },
    });
    new Gauge({
      name: 'flowport_executions_running',
      help: 'Executions running, by the kind of session they run for (none: an instance of no session)',
      labelNames: ['kind'],
      registers,
      collect() {
        const c = counts();
        if (c) for (const kind of EXECUTION_KINDS) this.set({ kind }, c.running[kind]);
      },
    });
    new Counter({
      name: 'flowport_executions_finished_total',
      help: 'Executions ended, by session kind and outcome: done, failed, or stopped by an administrator, the client (a Studio user, a caller gone) or the server (timeout, shutdown, eviction)',
      labelNames: ['kind', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const [kind, byOutcome] of finished)
          for (const outcome of OUTCOMES) this.inc({ kind, outcome }, byOutcome[outcome]);
      },
    });
    this.stopLatency = new Histogram({
      name: 'flowport_execution_stop_seconds',
      help: 'Time from a stop request to the execution’s end, by who stopped it',
      labelNames: ['cause'],
      buckets: STOP_BUCKETS,
      registers,
    });
    for (const cause of STOP_CAUSES) this.stopLatency.zero({ cause });
    new Gauge({
      name: 'flowport_package_instances',
      help: 'Package instances loaded, by place: session (opened in a session), shared (by reference), pool (idle or checked out)',
      labelNames: ['place'],
      registers,
      collect() {
        const c = counts();
        if (c) for (const place of PLACES) this.set({ place }, c.instances[place]);
      },
    });
    new Gauge({
      name: 'flowport_pool_capacity',
      help: 'Most idle instances the package pool keeps (server parameter packagePoolSize)',
      registers,
      collect() {
        const c = counts();
        if (c) this.set(c.pool.capacity);
      },
    });
    new Gauge({
      name: 'flowport_pool_checked_out',
      help: 'Pooled instances lent to running Integrator and batch calls',
      registers,
      collect() {
        const c = counts();
        if (c) this.set(c.pool.checkedOut);
      },
    });
    // The core counts hits and misses itself (the Session Manager shows them): copied at each scrape.
    new Counter({
      name: 'flowport_pool_hits_total',
      help: 'Pool checkouts served by an idle instance',
      registers,
      collect() {
        const c = counts();
        if (!c) return;
        this.reset();
        this.inc(c.pool.hits);
      },
    });
    new Counter({
      name: 'flowport_pool_misses_total',
      help: 'Pool checkouts that loaded a new instance',
      registers,
      collect() {
        const c = counts();
        if (!c) return;
        this.reset();
        this.inc(c.pool.misses);
      },
    });
    this.poolEvictions = new Counter({
      name: 'flowport_pool_evictions_total',
      help: 'Idle pooled instances removed, by cause: capacity (pool full or made smaller), file_changed, cleared',
      labelNames: ['cause'],
      registers,
    });
    for (const cause of EVICTION_CAUSES) this.poolEvictions.inc({ cause }, 0);
    this.integratorDuration = new Histogram({
      name: 'flowport_integrator_request_duration_seconds',
      help: 'Integrator calls from arrival to answer, by package path, the package’s node and status class ((unknown): a target that never answered 2xx or 5xx)',
      // `node` is the server's label (every metric has it): the package's node is `package_node`.
      labelNames: ['package', 'package_node', 'status_class'],
      buckets: INTEGRATOR_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'flowport_duckdb_memory_bytes',
      help: 'Memory DuckDB holds for all loaded package instances (NaN: not known yet)',
      registers,
      collect() {
        this.set(memory()?.duckdbBytes ?? NaN);
      },
    });
    new Gauge({
      name: 'flowport_memory_budget_bytes',
      help: 'The memory budget of the package instances (NaN: not known yet)',
      registers,
      collect() {
        this.set(memory()?.budgetBytes ?? NaN);
      },
    });
    new Gauge({
      name: 'flowport_process_memory_ceiling_bytes',
      help: "The process's memory ceiling, the limit of its data segment (NaN: none set)",
      registers,
      collect() {
        this.set(processMemory()?.ceilingBytes() ?? NaN);
      },
    });
    new Gauge({
      name: 'flowport_process_data_bytes',
      help: "The process's data segment (VmData: its private writable memory), which the memory ceiling bounds",
      registers,
      collect() {
        this.set(processMemory()?.dataSegmentBytes() ?? NaN);
      },
    });
    this.loginFailures = new Counter({
      name: 'flowport_login_failures_total',
      help: 'Logins refused for a wrong user name or password (form, token, HTTP Basic)',
      registers,
    });
    this.loginLockouts = new Counter({
      name: 'flowport_login_lockouts_total',
      help: 'Lockouts begun: an account or a client reached the failed-login limit',
      registers,
    });
  }

  /** Where sessions, executions, instances and the pool are counted at each scrape. */
  readCounts(counts: () => CoreCounts): void {
    this.counts = counts;
  }

  readMemory(source: MemorySource): void {
    this.memory = source;
  }

  readProcessMemory(source: ProcessMemorySource): void {
    this.processMemory = source;
  }

  executionFinished(
    kind: ExecutionKind,
    outcome: ExecutionOutcome,
    stop: { reason: string | null; seconds: number | null },
  ): void {
    const cause = stopCause(stop.reason);
    const counted: FinishedOutcome = outcome === 'cancelled' ? `stopped_by_${cause}` : outcome;
    this.finished.get(kind)![counted]++;
    if (stop.seconds !== null) this.stopLatency.observe({ cause }, stop.seconds);
  }

  poolEvicted(cause: EvictionCause, n: number): void {
    this.poolEvictions.inc({ cause }, n);
  }

  /** `target`: the URL after the Integrator prefix. */
  integratorAnswered(target: string, status: number, seconds: number): void {
    const t = this.targets.of(target, status);
    this.integratorDuration.observe(
      { package: t.package, package_node: t.node, status_class: statusClass(status) },
      seconds,
    );
  }

  /** The Integrator duration histogram with every label summed (the server panel's calls per second and p95). */
  async integratorCalls(): Promise<CallHistogram> {
    const byBound = new Map<number, number>();
    let count = 0;
    for (const v of (await this.integratorDuration.get()).values) {
      if (v.metricName?.endsWith('_count')) count += v.value;
      else if (v.metricName?.endsWith('_bucket')) {
        const bound = (v.labels as { le?: string | number }).le;
        const le = bound === '+Inf' ? Infinity : Number(bound);
        byBound.set(le, (byBound.get(le) ?? 0) + v.value);
      }
    }
    const buckets = [...byBound].map(([le, n]) => ({ le, count: n })).sort((a, b) => a.le - b.le);
    return { count, buckets };
  }

  loginFailed(): void {
    this.loginFailures.inc();
  }

  lockoutBegan(): void {
    this.loginLockouts.inc();
  }

  /** The Prometheus text exposition: the process's default metrics, then this app's. */
  async render(): Promise<string> {
    this.scraped = this.counts?.();
    try {
      const [process, app] = await Promise.all([processMetrics().metrics(), this.registry.metrics()]);
      return `${process}\n${app}`;
    } finally {
      this.scraped = undefined;
    }
  }
}
