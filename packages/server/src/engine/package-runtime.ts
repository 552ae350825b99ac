// The engine's handle for one package instance: plans, executes, caches and cancels its nodes on its own DuckDB.
import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import type { NodeDto, PackageIssue, RowsPage } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import type { FileStorage } from '../storage/file-storage';
import { rootChain, type CallChain } from './call-chain';
import { cancelledError, DuckDbDatabase, sqlIdent } from './duckdb-runtime';
import type { CallTarget, InputSource } from './exec-context';
import { answerOf, type TargetAnswer } from './run-answer';
import { sqlMemory } from './sql-node';
import { sendTable, type TableSink } from './table-transfer';
import { assertNodeAccess } from './node-access';
import { checkGraph } from './package-graph';
import type { PackageDef, ReferenceDef } from './package-types';
import { bindInputs, bindVariables } from './run-arguments';
import { readResultPage } from './result-page';
import { ResultStore } from './result-store';
import type { RunListeners } from './run-report';
import { planRun } from './run-plan';
import { executeSteps, type ExecutionHost } from './run-execution';
import type { RunOptions, RunResult } from './run-types';
import type { BoundValue } from './sql-parameters';

export type { NodeEvent, RowSink, RunOptions, RunProgress, RunResult } from './run-types';

/** Gives the runtime that serves a reference; the core decides which instance (shared or session's own). */
export type ReferenceResolver = (alias: string, ref: ReferenceDef) => PackageRuntime | Promise<PackageRuntime>;

export interface PackageRuntimeOptions {
  def: PackageDef;
  storage: FileStorage;
  /** Absolute engine folder for DuckDB spill files; outside the storage and not readable by package SQL. */
  scratchDir: string;
  resolveReference?: ReferenceResolver;
  /** DuckDB memory limit, default '1GB'. */
  memoryLimit?: string;
  /** DuckDB threads, default 2. */
  threads?: number;
  /** Most DuckDB may spill to disk, e.g. '4GB'; DuckDB's default when absent (90 % of the free disk). */
  maxTempDirectorySize?: string;
  /** Rows a run returns for its target node at most (default 10,000); rows() pages through all. */
  maxResultRows?: number;
  /** Results kept per node for different fingerprints (default 3). */
  keepResultsPerNode?: number;
  /** The graph's issues when the parser found them already (ParseResult.graphIssues): not checked again. */
  graphIssues?: PackageIssue[];
}

export class PackageRuntime implements CallTarget {
  /** Identity of this instance; a new instance (e.g. after a file change) never shares cached keys. */
  readonly instanceId = randomBytes(6).toString('hex');
  readonly def: PackageDef;
  readonly issues: PackageIssue[];
  private dbPromise?: Promise<DuckDbDatabase>;
  private readonly results = new ResultStore();
  private readonly sqlMemory = sqlMemory();
  private activeRuns = 0;
  private exportSerial = 0;
  private closed = false;
  /** What the execution of planned steps (run-execution.ts) needs of this instance. */
  private readonly host: ExecutionHost;

  constructor(private readonly opts: PackageRuntimeOptions) {
    this.def = opts.def;
    this.issues = opts.graphIssues ?? checkGraph(opts.def);
    if (!path.isAbsolute(opts.scratchDir))
      throw new DomainError('INTERNAL', 'The engine scratch folder must be absolute.');
    this.host = {
      results: this.results,
      sqlMemory: this.sqlMemory,
      storage: opts.storage,
      memoryLimit: opts.memoryLimit,
      db: () => this.db(),
    };
  }

  get running(): boolean {
    return this.activeRuns > 0;
  }

  /** DuckDB still computes for it (a stopped computation may take a while to acknowledge the stop). */
  get computing(): boolean {
    return this.results.anyRunning();
  }
  /** What DuckDB's own accounting says this instance holds; 0 before its database exists. */
  memoryBytes(): Promise<number> {
    return this.dbPromise && !this.closed ? this.dbPromise.then((db) => db.memoryBytes()) : Promise.resolve(0);
  }

  /** Activates a node (or all) and its needed predecessors, reusing results still valid. */
  async run(opts: RunOptions = {}): Promise<RunResult> {
    const started = Date.now();
    const signal = opts.signal ?? new AbortController().signal;
    this.assertOpen();
    if (this.issues.length) {
      throw new DomainError('PACKAGE_INVALID', `Package "${this.def.name}" has errors: ${this.issues[0].message}`, {
        issues: this.issues,
      });
    }
    if (opts.node !== undefined) assertNodeAccess(this.def, opts.node, opts.requireAccess);
    if (opts.answer === 'stream' && (!opts.node || !opts.sink))
      throw new DomainError('INTERNAL', 'A streamed answer names its node and a sink.');
    const variables = bindVariables(this.def, opts.variables);
    const sources = bindInputs(this.def, opts.inputs);
    const limit = this.opts.maxResultRows ?? 10_000;
    const target: TargetAnswer | undefined = opts.node
      ? opts.answer === 'stream'
        ? { node: opts.node, mode: 'stream', limit, sink: opts.sink! }
        : { node: opts.node, mode: opts.answer ?? 'objects', limit }
      : undefined;
    this.activeRuns++;
    try {
      const { results, executed, reused, streamed } = await this.execute(
        opts.node ? [opts.node] : undefined,
        variables,
        sources,
        signal,
        { onNode: opts.onNode, onProgress: opts.onProgress },
        rootChain(signal),
        target,
      );
      const out: RunResult = { executed, reused, durationMs: Date.now() - started };
      if (target)
        Object.assign(out, await answerOf(target, results.get(target.node), streamed, signal, () => this.db()));
      return out;
    } finally {
      this.activeRuns--;
      const pruning = this.prune();
      if (pruning) await pruning;
    }
  }

  /** The fingerprint a node would have with these input sources (keys) and default variables. */
  async fingerprintOf(node: string, inputKeys: Record<string, string>, chain?: CallChain): Promise<string> {
    const sources: Record<string, InputSource> = {};
    for (const [id, key] of Object.entries(inputKeys))
      sources[id] = { kind: 'table', fingerprint: key, send: async () => undefined };
    const steps = await this.plan([node], bindVariables(this.def), sources, chain);
    return steps[steps.length - 1].fp;
  }

  /** Runs a public node for a referencing package and streams its result into the caller's sink. */
  async callNode(
    node: string,
    inputs: Record<string, InputSource>,
    signal: AbortSignal,
    onFraction: ((f: number) => void) | undefined,
    sink: TableSink,
    chain?: CallChain,
  ): Promise<void> {
    this.assertOpen();
    assertNodeAccess(this.def, node, 'public');
    if (this.issues.length)
      throw new DomainError(
        'PACKAGE_INVALID',
        `Referenced package "${this.def.name}" has errors: ${this.issues[0].message}`,
      );
    this.activeRuns++;
    try {
      const { results } = await this.execute(
        [node],
        bindVariables(this.def),
        inputs,
        signal,
        // A called package's own statement with no figure keeps the caller's bar indeterminate too.
        { onProgress: onFraction && ((p) => onFraction(p.indeterminate ? -1 : p.percent / 100)) },
        // Planned under this call's own signal: a caller that gives up stops the planning too.
        { ...(chain ?? rootChain()), signal },
      );
      await sendTable(await this.db(), results.get(node)!, sink, signal);
    } finally {
      this.activeRuns--;
      const pruning = this.prune();
      if (pruning) await pruning;
    }
  }

  /** A page of the latest result of a node. */
  async rows(node: string, offset = 0, limit = 100): Promise<RowsPage> {
    this.assertOpen();
    assertNodeAccess(this.def, node);
    const result = this.results.latestResult(node);
    if (!result) throw new DomainError('NOT_FOUND', `Node "${node}" has no result yet; run it first.`, { node });
    const off = Math.max(0, Math.floor(Number(offset) || 0));
    const lim = Math.min(10_000, Math.max(1, Math.floor(Number(limit) || 100)));
    const page = await readResultPage(result, off, lim, () => this.db());
    return { node, offset: off, limit: lim, total: result.rows, columns: page.columns, rows: page.rows };
  }

  /** How many times each node was computed in this instance (results awaited or reused do not count). */
  computationCounts(): Record<string, number> {
    return this.results.computationCounts();
  }

  nodeStates(): NodeDto[] {
    return this.results.nodeStates(this.def);
  }

  private plan(
    targets: string[] | undefined,
    variables: Record<string, BoundValue>,
    sources: Record<string, InputSource>,
    chain?: CallChain,
  ) {
    return planRun<PackageRuntime>({
      def: this.def,
      storage: this.opts.storage,
      targets,
      variables,
      sources,
      chain,
      resolveCallee: (alias) => this.resolveCallee(alias),
      nextExportSerial: () => ++this.exportSerial,
    });
  }

  /** Stops whatever runs, frees the database; the runtime cannot run afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.results.running().map((job) => {
      job.controller.abort();
      return job.promise.catch(() => undefined);
    });
    if (pending.length) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(pending), new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
    }
    const db = await this.dbPromise?.catch(() => undefined);
    // Closing a DuckDB database blocks the event loop (~12 ms here, whatever it holds): after the
    // answers already on their way out, not before them.
    await new Promise((r) => setImmediate(r));
    db?.close();
    await fs
      .rm(path.join(this.opts.scratchDir, `spill-${this.instanceId}`), { recursive: true, force: true })
      .catch(() => undefined);
  }

  // ---- planning and execution ----

  private async execute(
    targets: string[] | undefined,
    variables: Record<string, BoundValue>,
    sources: Record<string, InputSource>,
    signal: AbortSignal,
    listeners: RunListeners,
    chain: CallChain,
    target?: TargetAnswer,
  ) {
    const planned = this.plan(targets, variables, sources, chain);
    const steps = planned instanceof Promise ? await planned : planned;
    if (signal.aborted) throw cancelledError();
    return executeSteps(this.host, steps, variables, signal, listeners, target);
  }

  private async resolveCallee(alias: string): Promise<PackageRuntime> {
    const ref = this.def.references.find((r) => r.alias === alias);
    if (!ref) throw new DomainError('PACKAGE_INVALID', `Package "${this.def.name}" has no reference "${alias}".`);
    if (!this.opts.resolveReference) {
      throw new DomainError(
        'EXECUTION_FAILED',
        `Reference "${alias}" (${ref.path}) is not available to this package instance.`,
      );
    }
    return this.opts.resolveReference(alias, ref);
  }

  /**
   * Drops results beyond the kept number per node, when no run could still be reading them; a
   * promise only when there is something to drop (most runs: nothing, and nothing to wait for).
   */
  private prune(): Promise<void> | undefined {
    if (this.activeRuns > 0 || this.closed || !this.dbPromise) return undefined;
    const keep = this.opts.keepResultsPerNode ?? 3;
    // Tables are dropped in batches (a node may hold up to twice `keep` results for a while): one
    // round trip per few calls instead of one per call when every call brings new inputs.
    const drop = this.results.evict(keep, keep);
    if (!drop.length) return undefined;
    const script = drop.map((t) => `DROP TABLE IF EXISTS ${sqlIdent(t)};`).join('\n');
    return this.dbPromise
      .then((db) => db.withConnection((c) => c.script(script)))
      .then(
        () => undefined,
        () => undefined,
      );
  }

  private assertOpen(): void {
    if (this.closed) throw new DomainError('PACKAGE_NOT_FOUND', `Package instance "${this.def.name}" is closed.`);
  }

  private db(): Promise<DuckDbDatabase> {
    this.dbPromise ??= (async () => {
      mkdirSync(this.opts.scratchDir, { recursive: true });
      return DuckDbDatabase.create({
        // Only the storage: spill files live in the scratch folder, which package SQL cannot reach.
        allowedDirectories: [this.opts.storage.root],
        memoryLimit: this.opts.memoryLimit,
        threads: this.opts.threads,
        maxTempDirectorySize: this.opts.maxTempDirectorySize,
        tempDirectory: path.join(realpathSync(this.opts.scratchDir), `spill-${this.instanceId}`),
      });
    })();
    return this.dbPromise;
  }
}
