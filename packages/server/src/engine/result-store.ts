// The node results of one package instance: jobs by node and fingerprint, the latest result and state of each node.
import type { NodeDto, NodeState } from '@flowport/protocol';
import type { NodeJob, NodeResult } from './node-job';
import type { PackageDef } from './package-types';
import { errorText } from './run-plan';

interface NodeStatus {
  state: NodeState;
  rows?: number;
  durationMs?: number;
  error?: string;
}

export class ResultStore {
  private readonly jobs = new Map<string, Map<string, NodeJob>>();
  private readonly latest = new Map<string, NodeJob>();
  private readonly status = new Map<string, NodeStatus>();
  private readonly computations = new Map<string, number>();

  /** The job computing or holding this node's result for this fingerprint. */
  find(node: string, fp: string): NodeJob | undefined {
    return this.jobs.get(node)?.get(fp);
  }

  isDone(node: string, fp: string): boolean {
    return this.find(node, fp)?.status === 'done';
  }

  /** Registers a started computation; a failed or cancelled one is forgotten so the next activation retries. */
  add(job: NodeJob): void {
    const id = job.node;
    this.computations.set(id, (this.computations.get(id) ?? 0) + 1);
    let byFp = this.jobs.get(id);
    if (!byFp) this.jobs.set(id, (byFp = new Map()));
    byFp.set(job.fingerprint, job);
    if (job.status === 'done') {
      this.latest.set(id, job);
      this.status.set(id, { state: 'done', rows: job.result!.rows, durationMs: job.result!.durationMs });
      return;
    }
    this.status.set(id, { state: 'running' });
    job.promise.then(
      (r) => {
        this.latest.set(id, job);
        this.status.set(id, { state: 'done', rows: r.rows, durationMs: r.durationMs });
      },
      (err) => {
        if (this.jobs.get(id)?.get(job.fingerprint) === job) this.jobs.get(id)!.delete(job.fingerprint);
        this.status.set(id, job.signal.aborted ? { state: 'cancelled' } : { state: 'failed', error: errorText(err) });
      },
    );
  }

  /** Marks a cached result as the node's current one. */
  reuse(job: NodeJob): NodeResult {
    job.lastUsed = Date.now();
    this.latest.set(job.node, job);
    this.status.set(job.node, { state: 'done', rows: job.result!.rows, durationMs: job.result!.durationMs });
    return job.result!;
  }

  latestResult(node: string): NodeResult | undefined {
    return this.latest.get(node)?.result;
  }

  /** Whether any job runs, without listing them (asked for every instance five times a second). */
  anyRunning(): boolean {
    for (const m of this.jobs.values()) for (const j of m.values()) if (j.status === 'running') return true;
    return false;
  }

  running(): NodeJob[] {
    return [...this.jobs.values()].flatMap((m) => [...m.values()]).filter((j) => j.status === 'running');
  }

  computationCounts(): Record<string, number> {
    return Object.fromEntries(this.computations);
  }

  nodeStates(def: PackageDef): NodeDto[] {
    return def.nodes.map((n) => {
      const s = this.status.get(n.id) ?? { state: 'idle' as const };
      const dto: NodeDto = { id: n.id, kind: n.kind, access: n.access, state: s.state };
      if (s.rows !== undefined) dto.rows = s.rows;
      if (s.durationMs !== undefined) dto.durationMs = s.durationMs;
      if (s.error !== undefined) dto.error = s.error;
      return dto;
    });
  }

  /**
   * Forgets all but the `keep` most recently used results of each node that holds more than
   * `keep + slack` (never a node's latest one) and returns the tables that no kept result uses any
   * more. Call only when nothing runs.
   */
  evict(keep: number, slack = 0): string[] {
    const forgotten: NodeResult[] = [];
    for (const [id, byFp] of this.jobs) {
      if (byFp.size <= keep + slack) continue;
      const done = [...byFp.values()].filter((j) => j.status === 'done').sort((a, b) => b.lastUsed - a.lastUsed);
      for (const job of done.slice(keep)) {
        if (this.latest.get(id) === job) continue;
        byFp.delete(job.fingerprint);
        if (job.result) forgotten.push(job.result);
      }
    }
    if (!forgotten.length) return [];
    // An export's result is its input's table: a table is dropped only when no kept result shares it.
    const kept = new Set<string>();
    for (const byFp of this.jobs.values()) for (const j of byFp.values()) if (j.result) kept.add(j.result.table);
    for (const j of this.latest.values()) if (j.result) kept.add(j.result.table);
    const tables = forgotten.filter((r) => !r.literal && !r.noRelation).map((r) => r.table);
    return [...new Set(tables)].filter((t) => !kept.has(t));
  }
}
