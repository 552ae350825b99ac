// Executes one node of each kind on the package's DuckDB database, producing its result table.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DomainError } from '../core/domain-error';
import type { FileStorage } from '../storage/file-storage';
import { tempNameFor } from '../storage/atomic-write';
import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { sqlIdent, sqlString, type DuckDbDatabase, type LockedConnection, type QueryOptions } from './duckdb-runtime';
import { createInputTable, declaredColumns } from './input-rows';
import { materializedPage } from './json-values';
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
import { relationOf, valuesRelation, type LiteralColumn } from './sql-literals';
import {
  isRows,
  receiveTable,
  sendTable,
  type Received,
  type RowsTable,
  type TableSink,
  type WantedColumns,
} from './table-transfer';
import { DUCKDB_TYPES, type CheckedValue } from './typed-values';

/** Rows handed in by a request, or a table a calling package streams in on demand. */
export type InputSource =
  | { kind: 'rows'; rows: CheckedValue[][] }
  | {
      kind: 'table';
      fingerprint: string;
      /** Sends the rows, with the columns the receiving input node declares. */
      send(sink: TableSink, signal: AbortSignal, want: WantedColumns): Promise<void>;
    };

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
  /**
   * SQL texts of this instance DuckDB has already prepared as one statement without parameters:
   * those run in the same round trip as the engine's own statements around them.
   */
  singleStatements: Set<string>;
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

/** Results up to this many rows (and about this many bytes of text) are also kept in memory as JSON rows. */
export const HEAD_ROWS = 200;
const HEAD_BYTES = 256 * 1024;

/** Drops a leftover table of that name (a cleanup that failed). */
function dropFirst(table: string): string {
  return `DROP TABLE IF EXISTS main.${sqlIdent(table)};\n`;
}

/**
 * Runs `create`; if a leftover table of that name is in the way (a cleanup that failed), drops it
 * and runs `create` again. Saves a round trip on every computation for a case that is rare.
 */
async function createReplacing<T>(conn: LockedConnection, table: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (!(err instanceof Error) || !/already exists/i.test(err.message)) throw err;
    await conn.script(dropFirst(table));
    return create();
  }
}

/** The rows to keep in memory beside the table, unless their text is too large to keep. */
function keptHead(rows: Record<string, unknown>[]): Record<string, unknown>[] | undefined {
  let n = 0;
  for (const row of rows) for (const v of Object.values(row)) n += typeof v === 'string' ? v.length : 8;
  return n <= HEAD_BYTES ? rows : undefined;
}

/** The row count a CREATE TABLE … AS statement answers. */
function createdRows(result: DuckDBMaterializedResult): number {
  return Number(result.getChunk(0).getRows()[0][0]);
}

/**
 * Columns and (for a small result) the rows themselves, in one round trip with `before` (engine
 * SQL). The count comes from the statement that made the table: a LIMIT here would cost more than
 * reading a small table whole.
 */
async function describeTable(
  conn: LockedConnection,
  table: string,
  rows: number,
  opts: QueryOptions,
  before = '',
): Promise<Omit<NodeResult, 'durationMs'>> {
  const small = rows <= HEAD_ROWS;
  const page = materializedPage(
    await conn.script(`${before}SELECT * FROM main.${sqlIdent(table)}${small ? '' : ' LIMIT 0'}`, opts),
  );
  const head = small ? keptHead(page.rows) : undefined;
  return { table, rows, columns: page.columns, head };
}

/** Columns, rows and (when small) the rows themselves from the first HEAD_ROWS + 1 rows of the table. */
async function describeFromFirstRows(
  conn: LockedConnection,
  table: string,
  first: DuckDBMaterializedResult,
  opts: QueryOptions,
): Promise<Omit<NodeResult, 'durationMs'>> {
  const page = materializedPage(first);
  if (page.rows.length <= HEAD_ROWS)
    return { table, rows: page.rows.length, columns: page.columns, head: keptHead(page.rows) };
  const count = await conn.script(`SELECT count(*) FROM main.${sqlIdent(table)}`, opts);
  return { table, rows: Number(count.getChunk(0).getRows()[0][0]), columns: page.columns };
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
    const created = await createReplacing(conn, ctx.table, () =>
      conn.run(
        `CREATE TABLE ${sqlIdent(ctx.table)} AS SELECT * FROM ${READERS[node.format]}($file)`,
        { file: { type: 'string', value: file } },
        opts,
      ),
    );
    return describeTable(conn, ctx.table, createdRows(created), opts);
  }, ctx.signal);
}

/** A result kept as literal rows with no table, when it is small enough; `head` defaults to the rows. */
function inlineResult(
  table: string,
  columns: LiteralColumn[],
  rows: CheckedValue[][],
): Omit<NodeResult, 'durationMs'> | undefined {
  const values = valuesRelation(columns, rows);
  if (values === undefined) return undefined;
  const head = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]])));
  return {
    table,
    rows: rows.length,
    columns: columns.map((c) => ({ name: c.name, type: DUCKDB_TYPES[c.type] })),
    head,
    values,
  };
}

/** The result a received small table becomes: its literal rows, no table. */
function receivedInline(table: string, data: RowsTable): Omit<NodeResult, 'durationMs'> {
  return { table, rows: data.rows, columns: data.columns, head: data.head, values: data.values };
}

async function runInput(node: InputNodeDef, ctx: ExecContext) {
  const source = ctx.inputSource ?? { kind: 'rows', rows: [] };
  if (source.kind === 'rows') {
    const declared = Object.entries(node.columns).map(([name, type]) => ({ name, type }));
    const inline = inlineResult(ctx.table, declared, source.rows);
    if (inline) return inline;
    // The count and columns are known already: no round trip to describe the table.
    return ctx.db.withConnection(async (conn) => {
      await createReplacing(conn, ctx.table, () =>
        createInputTable(conn, ctx.table, node.columns, source.rows, { signal: ctx.signal }),
      );
      return { table: ctx.table, rows: source.rows.length, columns: declaredColumns(node.columns) };
    }, ctx.signal);
  }
  // The calling package sends the declared columns already cast: they go straight into the table.
  let received: Omit<NodeResult, 'durationMs'> | undefined;
  await source.send(
    async (data, signal) => {
      if (isRows(data)) {
        received = receivedInline(ctx.table, data);
        return;
      }
      await ctx.db.withConnection(async (conn) => {
        const got = await createReplacing(conn, ctx.table, () => receiveTable(conn, ctx.table, data, signal));
        received = { table: ctx.table, rows: got.rows, columns: declaredColumns(node.columns) };
      }, signal);
    },
    ctx.signal,
    { node: node.id, columns: node.columns },
  );
  return received ?? { table: ctx.table, rows: 0, columns: declaredColumns(node.columns) };
}

/** `$name` or `$1` anywhere (strings included): such SQL is always prepared, its parameters bound. */
const PARAMETER = /\$[A-Za-z0-9_]/;

async function runSql(node: SqlNodeDef, ctx: ExecContext) {
  return ctx.db.withConnection(async (conn) => {
    const opts = { signal: ctx.signal, onProgress: ctx.progress };
    const table = `main.${sqlIdent(ctx.table)}`;
    // Inputs are visible by their ids through connection-local views over the result tables.
    const views = node.inputs
      .map((id) => `CREATE OR REPLACE TEMP VIEW ${sqlIdent(id)} AS SELECT * FROM ${relationOf(ctx.upstream(id))};\n`)
      .join('');
    const dropViews = node.inputs.map((id) => `DROP VIEW IF EXISTS temp.main.${sqlIdent(id)};\n`).join('');
    // Package SQL is prepared the first time: that proves it one statement (and binds variables).
    // Once proven, SQL without parameters shares one round trip with the views it reads.
    try {
      if (ctx.singleStatements.has(node.sql)) {
        // Views, the table, the views' removal and its first rows: one round trip. The line break
        // ends a trailing `--` comment of the package SQL before the engine's next statement.
        const first = await createReplacing(conn, ctx.table, () =>
          conn.script(
            `${views}CREATE TABLE ${table} AS ${node.sql}\n;\n${dropViews}SELECT * FROM ${table} LIMIT ${HEAD_ROWS + 1}`,
            opts,
          ),
        );
        return await describeFromFirstRows(conn, ctx.table, first, { signal: ctx.signal });
      }
      const created = await createReplacing(conn, ctx.table, async () => {
        if (views) await conn.script(views, { signal: ctx.signal });
        return conn.run(`CREATE TABLE ${table} AS ${node.sql}`, ctx.variables, opts);
      });
      if (!PARAMETER.test(node.sql)) ctx.singleStatements.add(node.sql);
      return await describeTable(conn, ctx.table, createdRows(created), { signal: ctx.signal }, dropViews);
    } catch (err) {
      if (dropViews) await conn.script(dropViews).catch(() => undefined);
      throw err;
    }
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
    const source = ctx.upstream(ours);
    inputs[calleeInput] = {
      kind: 'table',
      fingerprint: ctx.sourceKey(ours),
      send: (sink, signal, want) => sendTable(ctx.db, source, sink, signal, want),
    };
  }
  // No connection is held while the callee computes: one is taken only to receive its rows.
  let received: Received | undefined;
  let inline: Omit<NodeResult, 'durationMs'> | undefined;
  await callee.callNode(node.node, inputs, ctx.signal, ctx.progress, async (data, signal) => {
    if (isRows(data)) {
      inline = receivedInline(ctx.table, data);
      return;
    }
    await ctx.db.withConnection(async (conn) => {
      received = await createReplacing(conn, ctx.table, () => receiveTable(conn, ctx.table, data, signal, HEAD_ROWS));
    }, signal);
  });
  if (inline) return inline;
  const got = received!;
  if (got.head && keptHead(got.head)) return { table: ctx.table, ...got };
  return ctx.db.withConnection((conn) => describeTable(conn, ctx.table, got.rows, { signal: ctx.signal }), ctx.signal);
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
        `COPY (SELECT * FROM ${relationOf(source)}) TO ${sqlString(temp)} (${COPY_OPTIONS[node.format]})`,
        {},
        opts,
      );
    }, ctx.signal);
    await fs.rename(temp, target);
  } finally {
    await fs.rm(temp, { force: true });
  }
  return { table: source.table, rows: source.rows, columns: source.columns, head: source.head, values: source.values };
}
