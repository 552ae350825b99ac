// Plans a run: the nodes it needs in order, each keyed by a fingerprint of its definition, variables, inputs and upstream.
import type { FileStorage } from '../storage/file-storage';
import { enterCall, rootChain, type CallChain } from './call-chain';
import { cancelledError } from './duckdb-runtime';
import { nextTurn } from './next-turn';
import { fingerprint, stableJson } from './fingerprint';
import type { InputSource } from './exec-context';
import { jsonRowsOf } from './json-rows';
import { executionOrder } from './package-graph';
import type { NodeDef, PackageDef } from './package-types';
import { referencedVariables, type BoundValue } from './sql-parameters';

/** What the planner needs of a called package (a PackageRuntime). */
export interface PlannedCallee {
  readonly instanceId: string;
  fingerprintOf(node: string, inputKeys: Record<string, string>, chain?: CallChain): Promise<string>;
}

export interface Step<C extends PlannedCallee = PlannedCallee> {
  node: NodeDef;
  fp: string;
  /** The result table; also the key a called package caches this node's rows under. */
  table: string;
  source?: InputSource;
  callee?: C;
  /** A call step: the chain inside the call, which its execution passes on to the callee. */
  chain?: CallChain;
}

export interface PlanContext<C extends PlannedCallee> {
  def: PackageDef;
  storage: FileStorage;
  targets?: string[];
  variables: Record<string, BoundValue>;
  sources: Record<string, InputSource>;
  resolveCallee(alias: string): Promise<C>;
  /** The calls this plan is nested in (none: the root of a run). */
  chain?: CallChain;
  /** A fresh number per export step: exports write files, so they are never answered from cache. */
  nextExportSerial(): number;
}

/**
 * Package definitions never change once parsed (an edit makes a new one), so what planning derives
 * from them alone is worked out once: every Integrator call plans its package.
 */
const orders = new WeakMap<PackageDef, Map<string, NodeDef[]>>();
const usedVariables = new WeakMap<NodeDef, string[]>();
const columnTexts = new WeakMap<NodeDef, string>();

/** The value kept for `key`, made by `make` the first time it is asked. */
function kept<K extends object, V>(map: WeakMap<K, V> | Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

function orderOf(def: PackageDef, targets: string[] | undefined): NodeDef[] {
  const byTargets = kept(orders, def, () => new Map<string, NodeDef[]>());
  // Targets are node ids (checked before planning), so the keys stay as few as the nodes.
  const key = targets ? targets.join('\n') : '';
  let order = byTargets.get(key);
  if (!order) byTargets.set(key, (order = executionOrder(def, targets)));
  return order;
}

/** An input's declared columns as the text `fingerprint` would write for them, written once. */
function columnsText(node: NodeDef & { columns: unknown }): string {
  return kept(columnTexts, node, () => stableJson(node.columns));
}

function variablesOf(def: PackageDef, node: NodeDef & { sql: string }): string[] {
  return kept(usedVariables, node, () => referencedVariables(node.sql, Object.keys(def.variables)));
}

/**
 * The steps of a run in order. Synchronous unless a step must wait (a called package's
 * fingerprint): most runs plan from memory, and the Integrator's calls are many.
 */
export function planRun<C extends PlannedCallee>(ctx: PlanContext<C>): Step<C>[] | Promise<Step<C>[]> {
  const fps = new Map<string, string>();
  const steps: Step<C>[] = [];
  const order = orderOf(ctx.def, ctx.targets);
  const add = (step: Step<C>) => {
    step.table = tableName(step.node.id, step.fp);
    fps.set(step.node.id, step.fp);
    steps.push(step);
  };
  for (let i = 0; i < order.length; i++) {
    const step = planStep(ctx, order[i], fps);
    if (step instanceof Promise) {
      // From the first step that waits on, the rest is planned asynchronously, in the same order.
      return (async () => {
        add(await step);
        for (let j = i + 1; j < order.length; j++) {
          const next = planStep(ctx, order[j], fps);
          add(next instanceof Promise ? await next : next);
        }
        return steps;
      })();
    }
    add(step);
  }
  return steps;
}

/** One step keyed by its fingerprint; `fps` holds the fingerprints of the steps before it. */
function planStep<C extends PlannedCallee>(
  ctx: PlanContext<C>,
  node: NodeDef,
  fps: Map<string, string>,
): Step<C> | Promise<Step<C>> {
  const step: Step<C> = { node, fp: '', table: '' };
  switch (node.kind) {
    case 'import': {
      // The file's version is part of the key: a changed source invalidates the import. One
      // synchronous stat of the lexical path (see versionNow): the import itself reads through the
      // confined path, and this runs on every call of a warm package (an asynchronous realpath and
      // stat cost two trips through the thread pool here).
      let version: string;
      try {
        version = ctx.storage.versionNow(node.file);
      } catch (err) {
        version = `unavailable:${errorText(err)}`;
      }
      step.fp = fingerprint('import', node.file, node.format, version);
      return step;
    }
    case 'input': {
      step.source = ctx.sources[node.id] ?? { kind: 'rows', rows: jsonRowsOf(node.id, node.columns, []) };
      // Rows by the JSON text DuckDB reads them from: written once, hashed as it is.
      const src = step.source.kind === 'rows' ? step.source.rows.text : step.source.fingerprint;
      step.fp = fingerprint('input', columnsText(node), step.source.kind, src);
      return step;
    }
    case 'sql': {
      // Only the variables the query names count, so changing another one keeps this result.
      const used = Object.fromEntries(variablesOf(ctx.def, node).map((v) => [v, ctx.variables[v]]));
      step.fp = fingerprint(
        'sql',
        node.sql,
        node.inputs.map((i) => [i, fps.get(i)]),
        used,
      );
      return step;
    }
    case 'call':
      return (async () => {
        const chain = enterCall(ctx.chain ?? rootChain(), ctx.def.name, node.id);
        // Plans of nested calls take turns with the rest of the server: the common one level of calls
        // plans at once; deeper ones cannot hold the event loop however many they are.
        if (chain.depth > 1) {
          await nextTurn();
          if (chain.signal?.aborted) throw cancelledError();
        }
        const callee = await ctx.resolveCallee(node.package);
        const keys = Object.fromEntries(
          Object.entries(node.inputs).map(([k, ours]) => [k, tableName(ours, fps.get(ours)!)]),
        );
        step.callee = callee;
        step.chain = chain;
        const calleeFp = await callee.fingerprintOf(node.node, keys, chain);
        step.fp = fingerprint('call', node.package, node.node, callee.instanceId, calleeFp);
        return step;
      })();
    case 'export':
      step.fp = fingerprint('export', node.file, node.format, fps.get(node.input), ctx.nextExportSerial());
      return step;
  }
}

/** Result tables are named by node and fingerprint; `__` ids are reserved, so they never clash with node ids. */
export function tableName(node: string, fp: string): string {
  return `__r_${node}_${fp.slice(0, 16)}`;
}

export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
