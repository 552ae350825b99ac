// Runs a SQL node: its result as a table (inputs as views), or as literal rows when it stays small (a kept prepared query).
import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { sqlIdent, type LockedConnection, type QueryOptions } from './duckdb-runtime';
import { materializedPage } from './json-values';
import type { ExecContext, SqlMemory } from './exec-context';
import type { SqlNodeDef } from './package-types';
import type { RowSink } from './run-types';
import {
  createdRows,
  createReplacing,
  describeFromFirstRows,
  describeTable,
  HEAD_ROWS,
  inlinePage,
  type Described,
} from './result-tables';
import { answerMemory, answerSql, wrappingFailed, type BoundQuery } from './sql-answer';
import { streamQuery, type Streamed } from './result-stream';
import { relationOf } from './sql-literals';
import { bindParameters, type BoundValue } from './sql-parameters';

/** A fresh memory of what an instance learns about its SQL texts, so later runs take fewer round trips. */
export function sqlMemory(): SqlMemory {
  return { proven: new Set(), small: new Set(), unwrappable: new Set(), answers: answerMemory() };
}

/**
 * SQL texts remembered per kind. Everything here is learnt again on the next run, so when a
 * Studio session has edited its way past this many texts the memory simply starts over.
 */
export const REMEMBERED_SQL = 1000;

export function remember(memory: Set<string>, sql: string): void {
  if (memory.size >= REMEMBERED_SQL && !memory.has(sql)) memory.clear();
  memory.add(sql);
}

/** `$name` or `$1` anywhere (strings included): such SQL is always prepared, its parameters bound. */
const PARAMETER = /\$[A-Za-z0-9_]/;

export async function runSql(node: SqlNodeDef, ctx: ExecContext): Promise<Described> {
  return ctx.db.withConnection(async (conn) => {
    const memory = ctx.sqlMemory;
    if (memory.small.has(node.sql) && !memory.unwrappable.has(node.sql)) {
      const inline = await queryInline(conn, node, ctx);
      if (inline) return inline;
      memory.small.delete(node.sql);
    }
    // A run's answered target with at most its row limit of rows: its answer with no table.
    if (ctx.answer && !memory.unwrappable.has(node.sql) && !memory.answers.large.has(node.sql)) {
      const answered = await answerSql(conn, node, ctx, boundQuery(node, ctx), ctx.answer.limit, {
        small: () => remember(memory.small, node.sql),
        unwrappable: () => remember(memory.unwrappable, node.sql),
        ordered: () => remember(memory.answers.ordered, node.sql),
      });
      if (answered) return answered;
    }
    // Inputs are visible by their ids through connection-local views; they are dropped before the
    // next statement on this connection, in its round trip, so no other node ever sees them.
    const views = node.inputs
      .map((id) => `CREATE OR REPLACE TEMP VIEW ${sqlIdent(id)} AS SELECT * FROM ${relationOf(ctx.upstream(id))};\n`)
      .join('');
    try {
      const made = await makeTable(conn, node, ctx, views);
      if (made.head && inlinePage(made.table, { columns: made.columns, rows: made.head }))
        remember(memory.small, node.sql);
      if (ctx.answer && made.rows <= ctx.answer.limit) memory.answers.large.delete(node.sql);
      return made;
    } finally {
      conn.later(node.inputs.map((id) => `DROP VIEW IF EXISTS temp.main.${sqlIdent(id)};\n`).join(''));
    }
  }, ctx.signal);
}

/**
 * Streams the node's rows straight from its query, a chunk at a time, keeping nothing: a run asked
 * for every row. Throws a parser or binder error when the SQL cannot be wrapped (see wrappingFailed).
 */
export function streamSql(node: SqlNodeDef, ctx: ExecContext, sink: RowSink): Promise<Streamed> {
  return ctx.db.withConnection(
    (conn) => streamQuery(conn, boundQuery(node, ctx), node.sql, sink, ctx.signal),
    ctx.signal,
  );
}

/**
 * The node's inputs by their ids as common table expressions of its query, literal rows with a
 * typed parameter per value (`place` binds it). Unlike views they cost DuckDB no catalog change
 * (creating and dropping a view is about as dear as a small query), NOT MATERIALIZED keeps each one
 * a plain reference to its table as a view is, and the text stays the same from run to run while
 * the row counts do, so the connection keeps the statement prepared.
 */
function inputsAsCtes(node: SqlNodeDef, ctx: ExecContext, place: (value: BoundValue) => string): string {
  if (!node.inputs.length) return '';
  const ctes = node.inputs.map((id) => {
    const up = ctx.upstream(id);
    const rel = up.literal ? up.literal.parameterized(place) : `main.${sqlIdent(up.table)}`;
    return `${sqlIdent(id)} AS NOT MATERIALIZED (SELECT * FROM ${rel})`;
  });
  return `WITH ${ctes.join(',\n')}\n`;
}

/**
 * Runs the SQL as a plain query for at most HEAD_ROWS + 1 rows; the whole result, when that is
 * all of it and it can be kept as literal rows. A table costs DuckDB more than a small query.
 */
async function queryInline(conn: LockedConnection, node: SqlNodeDef, ctx: ExecContext): Promise<Described | undefined> {
  const opts: QueryOptions = { signal: ctx.signal, onProgress: ctx.progress };
  const { ctes, params } = boundQuery(node, ctx);
  // A single table subquery with LIMIT keeps the query's row order (DuckDB's order preservation).
  const query = `${ctes}SELECT * FROM (\n${node.sql}\n) LIMIT ${HEAD_ROWS + 1}`;
  let result: DuckDBMaterializedResult;
  try {
    result = await conn.runPrepared(query, (stmt) => bindParameters(stmt, params), opts);
  } catch (err) {
    // The SQL ran as one statement when it made a table, so a parser error here comes from the
    // wrapping (a trailing semicolon), and a catalog or binder error may come from reading the inputs
    // as CTEs rather than views (SQL that names `temp.main.<input>`, say): such SQL always makes a
    // table, which meets the query's own errors if it has any. Other errors are the query's own, the
    // ones the table would meet too: reported at once rather than run twice.
    if (!wrappingFailed(err, ctx.signal)) throw err;
    remember(ctx.sqlMemory.unwrappable, node.sql);
    return undefined;
  }
  return inlinePage(ctx.table, materializedPage(result));
}

/** The node's inputs as CTEs, with the package's variables and the inputs' values all bound by name. */
function boundQuery(node: SqlNodeDef, ctx: ExecContext): BoundQuery {
  const params: Record<string, BoundValue> = { ...ctx.variables };
  let n = 0;
  const place = (value: BoundValue) => {
    let name: string;
    do name = `__flowport_v${++n}`;
    while (Object.prototype.hasOwnProperty.call(params, name));
    params[name] = value;
    return name;
  };
  return { ctes: inputsAsCtes(node, ctx, place), params };
}

/** Creates the result table. Package SQL is prepared the first time: that proves it one statement. */
async function makeTable(
  conn: LockedConnection,
  node: SqlNodeDef,
  ctx: ExecContext,
  views: string,
): Promise<Described> {
  const opts: QueryOptions = { signal: ctx.signal, onProgress: ctx.progress };
  const table = `main.${sqlIdent(ctx.table)}`;
  if (ctx.sqlMemory.proven.has(node.sql)) {
    // Views, the table and its first rows: one round trip. The line break ends a trailing `--`
    // comment of the package SQL before the engine's next statement.
    const first = await createReplacing(conn, ctx.table, () =>
      conn.script(
        `${views}CREATE TABLE ${table} AS ${node.sql}\n;\nSELECT * FROM ${table} LIMIT ${HEAD_ROWS + 1}`,
        opts,
      ),
    );
    return describeFromFirstRows(conn, ctx.table, first, { signal: ctx.signal });
  }
  const created = await createReplacing(conn, ctx.table, async () => {
    if (views) await conn.script(views, { signal: ctx.signal });
    return conn.runBound(`CREATE TABLE ${table} AS ${node.sql}`, (stmt) => bindParameters(stmt, ctx.variables), opts);
  });
  if (!PARAMETER.test(node.sql)) remember(ctx.sqlMemory.proven, node.sql);
  return describeTable(conn, ctx.table, createdRows(created), { signal: ctx.signal });
}
