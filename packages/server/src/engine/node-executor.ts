// Executes one node of each kind on the package's DuckDB database: its result is a table, or literal rows when small.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DomainError } from '../shared/domain-error';
import { tempNameFor } from '../storage/atomic-write';
import { sqlIdent, sqlString } from './duckdb-runtime';
import { createInputTable, declaredColumns } from './input-rows';
import { jsonRowsOf } from './json-rows';
import type { CallNodeDef, ExportNodeDef, FileFormat, ImportNodeDef, InputNodeDef, NodeDef } from './package-types';
import { createdRows, createReplacing, describeTable, HEAD_ROWS, keptHead, type Described } from './result-tables';
import type { ExecContext, InputSource } from './exec-context';
import { runSql } from './sql-node';
import { relationOf } from './sql-literals';
import { isRows, receiveTable, sendTable, type Received, type RowsTable } from './table-transfer';

/**
 * Up to this much JSON text, a request's rows are kept as that text (DuckDB reads it where they are
 * used); more go into a table. The text is about the size of the body that brought the rows.
 */
export const JSON_ROWS_CHARS = 4 * 1024 * 1024;

export async function executeNode(node: NodeDef, ctx: ExecContext): Promise<Described> {
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

/** The result a received small table becomes: its literal rows, no table. */
function receivedInline(table: string, data: RowsTable): Described {
  return { table, rows: data.rows, columns: data.columns, head: data.head, literal: data.literal };
}

/**
 * An input's result when its rows are kept as their JSON text (no table, nothing to wait for): most
 * Integrator calls' inputs, which the run then takes at once, with no job to await.
 */
export function keptInput(node: InputNodeDef, source: InputSource | undefined, table: string): Described | undefined {
  const rows =
    source === undefined ? jsonRowsOf(node.id, node.columns, []) : source.kind === 'rows' ? source.rows : undefined;
  if (!rows || rows.text.length > JSON_ROWS_CHARS) return undefined;
  const head = rows.count <= HEAD_ROWS ? keptHead(rows.rowObjects()) : undefined;
  return { table, rows: rows.count, columns: declaredColumns(node.columns), head, literal: rows };
}

async function runInput(node: InputNodeDef, ctx: ExecContext) {
  const kept = keptInput(node, ctx.inputSource, ctx.table);
  if (kept) return kept;
  const source = ctx.inputSource!;
  if (source.kind === 'rows') {
    const rows = source.rows;
    // The count and columns are known already: no round trip to describe the table.
    return ctx.db.withConnection(async (conn) => {
      await createReplacing(conn, ctx.table, () => createInputTable(conn, ctx.table, rows, { signal: ctx.signal }));
      return { table: ctx.table, rows: rows.count, columns: declaredColumns(node.columns) };
    }, ctx.signal);
  }
  // The calling package sends the declared columns already cast: they go straight into the table.
  let received: Described | undefined;
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
  let inline: Described | undefined;
  await callee.callNode(
    node.node,
    inputs,
    ctx.signal,
    ctx.progress,
    async (data, signal) => {
      if (isRows(data)) {
        inline = receivedInline(ctx.table, data);
        return;
      }
      await ctx.db.withConnection(async (conn) => {
        received = await createReplacing(conn, ctx.table, () => receiveTable(conn, ctx.table, data, signal, HEAD_ROWS));
      }, signal);
    },
    ctx.callChain,
  );
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
  return {
    table: source.table,
    rows: source.rows,
    columns: source.columns,
    head: source.head,
    literal: source.literal,
  };
}
