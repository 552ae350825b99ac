// Executes one node of each kind on the package's DuckDB database, producing its result table.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DomainError } from '../core/domain-error';
import type { FileStorage } from '../storage/file-storage';
import { tempNameFor } from '../storage/atomic-write';
import { sqlIdent, sqlString, type DuckDbDatabase, type LockedConnection, type QueryOptions } from './duckdb-runtime';
import { createInputTable, createInputTableFromResult } from './input-rows';
import { readerColumns } from './json-values';
import type { NodeResult } from './node-job';
import type {
  CallNodeDef,
  ExportNodeDef,
  FileFormat,
  ImportNodeDef,
  InputNodeDef,
  NodeDef,
  SqlNodeDef,
} from './package-types';
import type { BoundValue } from './sql-parameters';
import { receiveTable, sendTable, type TableSink } from './table-transfer';
import type { CheckedValue } from './typed-values';

/** Rows handed in by a request, or a table a calling package streams in on demand. */
export type InputSource =
  | { kind: 'rows'; rows: CheckedValue[][] }
  | { kind: 'table'; fingerprint: string; send(sink: TableSink, signal: AbortSignal): Promise<void> };

export interface CallTarget {
  /** Computes a public node with these inputs and streams its result into `sink`. */
  callNode(
    node: string,
    inputs: Record<string, InputSource>,
    signal: AbortSignal,
    onFraction: ((f: number) => void) | undefined,
    sink: TableSink,
  ): Promise<void>;
}

export interface ExecContext {
  db: DuckDbDatabase;
  storage: FileStorage;
  table: string;
  signal: AbortSignal;
  progress(fraction: number): void;
  upstream(id: string): NodeResult;
  /** The key a called package caches our node `id` under; the planner uses the same one. */
  sourceKey(id: string): string;
  variables: Record<string, BoundValue>;
  inputSource?: InputSource;
  resolveCallee?(alias: string): Promise<CallTarget>;
}

export async function executeNode(node: NodeDef, ctx: ExecContext): Promise<Omit<NodeResult, 'durationMs'>> {
  switch (node.kind) {
    case 'import':
      return runImport(node, ctx);
    case 'input':
      return runInput(node, ctx);
    case 'sql':
      return runSql(node, ctx);
    case 'call':
      return runCall(node, ctx);
    case 'export':
      return runExport(node, ctx);
  }
}

async function describeTable(conn: LockedConnection, table: string, opts: QueryOptions) {
  const count = await conn.read(`SELECT count(*) AS n FROM ${sqlIdent(table)}`, {}, opts);
  const probe = await conn.read(`SELECT * FROM ${sqlIdent(table)} LIMIT 0`, {}, opts);
  return { table, rows: Number(count.getRows()[0][0]), columns: readerColumns(probe) };
}

const READERS: Record<FileFormat, string> = { csv: 'read_csv_auto', json: 'read_json_auto', parquet: 'read_parquet' };

async function runImport(node: ImportNodeDef, ctx: ExecContext) {
  // Resolved through the storage first: `..`, absolute paths and symlinks out fail before DuckDB sees them.
  const file = await ctx.storage.resolve(node.file);
  if (!(await ctx.storage.exists(node.file))) {
    throw new DomainError('FILE_NOT_FOUND', `Node "${node.id}" imports "${node.file}", which is not in the storage.`, {
      path: node.file,
    });
  }
  return ctx.db.withConnection(async (conn) => {
    const opts = { signal: ctx.signal, onProgress: ctx.progress };
    await conn.run(
      `CREATE TABLE ${sqlIdent(ctx.table)} AS SELECT * FROM ${READERS[node.format]}($file)`,
      { file: { type: 'string', value: file } },
      opts,
    );
    return describeTable(conn, ctx.table, opts);
  }, ctx.signal);
}

async function runInput(node: InputNodeDef, ctx: ExecContext) {
  const source = ctx.inputSource ?? { kind: 'rows', rows: [] };
  if (source.kind === 'rows') {
    return ctx.db.withConnection(async (conn) => {
      await createInputTable(conn, ctx.table, node.columns, source.rows, { signal: ctx.signal });
      return describeTable(conn, ctx.table, { signal: ctx.signal });
    }, ctx.signal);
  }
  return ctx.db.withConnection(async (conn) => {
    await source.send(
      (result, signal) => createInputTableFromResult(conn, node.id, ctx.table, node.columns, result, { signal }),
      ctx.signal,
    );
    return describeTable(conn, ctx.table, { signal: ctx.signal });
  }, ctx.signal);
}

async function runSql(node: SqlNodeDef, ctx: ExecContext) {
  return ctx.db.withConnection(async (conn) => {
    const opts = { signal: ctx.signal, onProgress: ctx.progress };
    // Inputs are visible by their ids through connection-local views over the result tables.
    const views: string[] = [];
    try {
      for (const id of node.inputs) {
        await conn.run(
          `CREATE OR REPLACE TEMP VIEW ${sqlIdent(id)} AS SELECT * FROM main.${sqlIdent(ctx.upstream(id).table)}`,
        );
        views.push(id);
      }
      await conn.run(`CREATE TABLE main.${sqlIdent(ctx.table)} AS ${node.sql}`, ctx.variables, opts);
    } finally {
      for (const id of views) await conn.run(`DROP VIEW IF EXISTS temp.main.${sqlIdent(id)}`).catch(() => undefined);
    }
    return describeTable(conn, ctx.table, { signal: ctx.signal });
  }, ctx.signal);
}

async function runCall(node: CallNodeDef, ctx: ExecContext) {
  if (!ctx.resolveCallee)
    throw new DomainError(
      'EXECUTION_FAILED',
      `Node "${node.id}" calls "${node.package}", but no referenced package is available.`,
    );
  const callee = await ctx.resolveCallee(node.package);
  const inputs: Record<string, InputSource> = {};
  for (const [calleeInput, ours] of Object.entries(node.inputs)) {
    const table = ctx.upstream(ours).table;
    inputs[calleeInput] = {
      kind: 'table',
      fingerprint: ctx.sourceKey(ours),
      send: (sink, signal) => ctx.db.withConnection((conn) => sendTable(conn, table, sink, signal), signal),
    };
  }
  // No connection is held while the callee computes: one is taken only to receive its rows.
  await callee.callNode(node.node, inputs, ctx.signal, ctx.progress, (result, signal) =>
    ctx.db.withConnection((conn) => receiveTable(conn, ctx.table, result, signal), signal),
  );
  return ctx.db.withConnection((conn) => describeTable(conn, ctx.table, { signal: ctx.signal }), ctx.signal);
}

const COPY_OPTIONS: Record<FileFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  json: 'FORMAT json, ARRAY true',
  parquet: 'FORMAT parquet',
};

async function runExport(node: ExportNodeDef, ctx: ExecContext) {
  const target = await ctx.storage.resolve(node.file);
  const st = await fs.stat(target).catch(() => undefined);
  if (st?.isDirectory())
    throw new DomainError('PATH_INVALID', `Node "${node.id}" exports to "${node.file}", which is a folder.`);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const source = ctx.upstream(node.input);
  // Written beside the target and renamed, so readers never see a half-written export.
  const temp = tempNameFor(target);
  try {
    await ctx.db.withConnection(async (conn) => {
      const opts = { signal: ctx.signal, onProgress: ctx.progress };
      await conn.run(
        `COPY (SELECT * FROM ${sqlIdent(source.table)}) TO ${sqlString(temp)} (${COPY_OPTIONS[node.format]})`,
        {},
        opts,
      );
    }, ctx.signal);
    await fs.rename(temp, target);
  } finally {
    await fs.rm(temp, { force: true });
  }
  return { table: source.table, rows: source.rows, columns: source.columns };
}
