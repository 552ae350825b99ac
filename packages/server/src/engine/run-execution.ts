// Executes a run's planned steps on one package instance: a kept result reused, a SQL target streamed, or a node job started or joined.
import { DomainError } from '../shared/domain-error';
import type { FileStorage } from '../storage/file-storage';
import { DuckDbDatabase, sqlIdent } from './duckdb-runtime';
import type { CallTarget, ExecContext } from './exec-context';
import { executeNode, keptInput } from './node-executor';
import { NodeJob, type NodeResult } from './node-job';
import type { Streamed } from './result-stream';
import type { ResultStore } from './result-store';
import type { TargetAnswer } from './run-answer';
import { RunReport, type RunListeners } from './run-report';
import type { PlannedCallee, Step } from './run-plan';
import { wrappingFailed } from './sql-answer';
import { streamSql, type sqlMemory } from './sql-node';
import type { BoundValue } from './sql-parameters';

/** What executing steps needs of the instance they run on. */
export interface ExecutionHost {
  readonly results: ResultStore;
  readonly sqlMemory: ReturnType<typeof sqlMemory>;
  readonly storage: FileStorage;
  /** DuckDB's memory limit of the instance, named in an out-of-memory failure. */
  readonly memoryLimit?: string;
  db(): Promise<DuckDbDatabase>;
}

/** Runs the steps in order (each after its inputs); the results by node, what ran and what was reused. */
export async function executeSteps<T extends PlannedCallee & CallTarget>(
  host: ExecutionHost,
  steps: Step<T>[],
  variables: Record<string, BoundValue>,
  signal: AbortSignal,
  listeners: RunListeners,
  target?: TargetAnswer,
) {
  const outputs = new Map<string, NodeResult>();
  const stepTables = new Map(steps.map((s) => [s.node.id, s.table]));
  const report = new RunReport(listeners, steps.filter((s) => !host.results.isDone(s.node.id, s.fp)).length);
  const run: RunState = { host, outputs, variables, stepTables };
  let streamed: Streamed | undefined;
  for (const [index, step] of steps.entries()) {
    const id = step.node.id;
    const answering = target?.node === id && index === steps.length - 1 ? target : undefined;
    // A result with no table answers only as its run's target; a node reading it needs it again.
    const usable = (r: NodeResult) => !r.noRelation || answering !== undefined;
    let job = host.results.find(id, step.fp);
    if (job?.status === 'done' && usable(job.result!)) {
      const cached = host.results.reuse(job);
      outputs.set(id, cached);
      report.reusedResult(id, cached.rows);
      continue;
    }
    if (job?.status === 'done') job = undefined;
    // Every row asked for: a SQL target streams straight from its query, and nothing is kept.
    if (answering?.mode === 'stream' && step.node.kind === 'sql') {
      const startedAt = Date.now();
      report.started(id, startedAt);
      try {
        const progress = (f: number) => report.progress(id, startedAt, f);
        const ctx = context(run, step, () => signal, progress, await host.db());
        streamed = await streamSql(step.node, ctx, answering.sink);
        report.finished(id, startedAt, streamed.rows, Date.now() - startedAt);
        continue;
      } catch (err) {
        // SQL that cannot be read as a subquery is made into a table, then streamed from it.
        if (!wrappingFailed(err, signal)) throw report.failure(id, err, signal, host.memoryLimit);
      }
    }
    const limit = answering?.mode === 'json' ? answering.limit : undefined;
    job ??= keptInputJob(run, step);
    job ??= startJob(run, step, limit);
    report.started(id, job.startedAt);
    try {
      let result =
        job.status === 'done'
          ? job.result!
          : await job.await(signal, { progress: (f) => report.progress(id, job!.startedAt, f) });
      // Another run's answer, with no table, shared by a run that reads it: made again as a table.
      if (!usable(result)) {
        job = startJob(run, step, undefined);
        result = await job.await(signal, { progress: (f) => report.progress(id, job!.startedAt, f) });
      }
      outputs.set(id, result);
      report.finished(id, job.startedAt, result.rows, result.durationMs);
    } catch (err) {
      throw report.failure(id, err, signal, host.memoryLimit);
    }
  }
  report.end(steps.at(-1)?.node.id);
  return { results: outputs, executed: report.executed, reused: report.reused, streamed };
}

/** One run's state that its steps share. */
interface RunState {
  host: ExecutionHost;
  /** The results of the steps done so far, by node. */
  outputs: Map<string, NodeResult>;
  variables: Record<string, BoundValue>;
  stepTables: Map<string, string>;
}

/** What a node's execution sees: the database, its inputs' results, its variables, and how to report. */
function context<T extends PlannedCallee & CallTarget>(
  run: RunState,
  step: Step<T>,
  signal: () => AbortSignal,
  progress: (fraction: number) => void,
  db: DuckDbDatabase,
  answerLimit?: number,
): ExecContext {
  return {
    db,
    storage: run.host.storage,
    table: step.table,
    // Asked for only by a node that runs DuckDB: a job's signal costs ~5 µs to make (Node 20),
    // and an input node kept as its JSON text needs none.
    get signal() {
      return signal();
    },
    progress,
    upstream: (dep) => {
      const r = run.outputs.get(dep);
      if (!r) throw new DomainError('INTERNAL', `Result of "${dep}" is missing.`);
      return r;
    },
    sourceKey: (dep) => run.stepTables.get(dep)!,
    variables: step.node.kind === 'sql' ? run.variables : {},
    inputSource: step.source,
    sqlMemory: run.host.sqlMemory,
    resolveCallee: async () => step.callee!,
    callChain: step.chain,
    answer: answerLimit === undefined ? undefined : { limit: answerLimit },
  };
}

/** An input step whose rows are kept as their text, done at once; undefined when it needs a table. */
function keptInputJob<T extends PlannedCallee & CallTarget>(run: RunState, step: Step<T>): NodeJob | undefined {
  if (step.node.kind !== 'input') return undefined;
  const kept = keptInput(step.node, step.source, step.table);
  if (!kept) return undefined;
  const job = NodeJob.done(step.node.id, step.fp, { ...kept, durationMs: 0 });
  run.host.results.add(job);
  return job;
}

/** Starts computing a step as a job other runs with the same fingerprint can join; its table is dropped if it fails. */
function startJob<T extends PlannedCallee & CallTarget>(
  run: RunState,
  step: Step<T>,
  answerLimit: number | undefined,
): NodeJob {
  const job = new NodeJob(step.node.id, step.fp, async (j) => {
    const started = Date.now();
    const db = await run.host.db();
    const owned = step.node.kind !== 'export';
    try {
      const progress = (f: number) => j.progress(f);
      const ctx = context(run, step, () => j.signal, progress, db, answerLimit);
      const r = await executeNode(step.node, ctx);
      return Object.assign({}, r, { durationMs: Date.now() - started });
    } catch (err) {
      if (owned)
        await db.withConnection((c) => c.script(`DROP TABLE IF EXISTS ${sqlIdent(step.table)}`)).catch(() => undefined);
      throw err;
    }
  });
  run.host.results.add(job);
  return job;
}
