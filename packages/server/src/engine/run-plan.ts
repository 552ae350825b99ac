// Plans a run: the nodes it needs in order, each keyed by a fingerprint of its definition, variables, inputs and upstream.
import type { FileStorage } from '../storage/file-storage';
import { fingerprint } from './fingerprint';
import type { InputSource } from './node-executor';
import { executionOrder } from './package-graph';
import type { NodeDef, PackageDef } from './package-types';
import { referencedVariables, type BoundValue } from './sql-parameters';

/** What the planner needs of a called package (a PackageRuntime). */
export interface PlannedCallee {
  readonly instanceId: string;
  fingerprintOf(node: string, inputKeys: Record<string, string>): Promise<string>;
}

export interface Step<C extends PlannedCallee = PlannedCallee> {
  node: NodeDef;
  fp: string;
  /** The result table; also the key a called package caches this node's rows under. */
  table: string;
  source?: InputSource;
  callee?: C;
}

export interface PlanContext<C extends PlannedCallee> {
  def: PackageDef;
  storage: FileStorage;
  targets?: string[];
  variables: Record<string, BoundValue>;
  sources: Record<string, InputSource>;
  resolveCallee(alias: string): Promise<C>;
  /** A fresh number per export step: exports write files, so they are never answered from cache. */
  nextExportSerial(): number;
}

export async function planRun<C extends PlannedCallee>(ctx: PlanContext<C>): Promise<Step<C>[]> {
  const fps = new Map<string, string>();
  const steps: Step<C>[] = [];
  const declared = Object.keys(ctx.def.variables);
  for (const node of executionOrder(ctx.def, ctx.targets)) {
    const step: Step<C> = { node, fp: '', table: '' };
    switch (node.kind) {
      case 'import': {
        // The file's version is part of the key: a changed source invalidates the import.
        const version = await ctx.storage.stat(node.file).then(
          (s) => s.fileVersion,
          (err: unknown) => `unavailable:${errorText(err)}`,
        );
        step.fp = fingerprint('import', node.file, node.format, version);
        break;
      }
      case 'input': {
        step.source = ctx.sources[node.id] ?? { kind: 'rows', rows: [] };
        const src = step.source.kind === 'rows' ? step.source.rows : step.source.fingerprint;
        step.fp = fingerprint('input', node.columns, step.source.kind, src);
        break;
      }
      case 'sql': {
        // Only the variables the query names count, so changing another one keeps this result.
        const used = Object.fromEntries(referencedVariables(node.sql, declared).map((v) => [v, ctx.variables[v]]));
        step.fp = fingerprint(
          'sql',
          node.sql,
          node.inputs.map((i) => [i, fps.get(i)]),
          used,
        );
        break;
      }
      case 'call': {
        const callee = await ctx.resolveCallee(node.package);
        const keys = Object.fromEntries(
          Object.entries(node.inputs).map(([k, ours]) => [k, tableName(ours, fps.get(ours)!)]),
        );
        step.callee = callee;
        const calleeFp = await callee.fingerprintOf(node.node, keys);
        step.fp = fingerprint('call', node.package, node.node, callee.instanceId, calleeFp);
        break;
      }
      case 'export':
        step.fp = fingerprint('export', node.file, node.format, fps.get(node.input), ctx.nextExportSerial());
        break;
    }
    step.table = tableName(node.id, step.fp);
    fps.set(node.id, step.fp);
    steps.push(step);
  }
  return steps;
}

/** Result tables are named by node and fingerprint; `__` ids are reserved, so they never clash with node ids. */
export function tableName(node: string, fp: string): string {
  return `__r_${node}_${fp.slice(0, 16)}`;
}

export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
