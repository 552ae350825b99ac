// Moves a table between two package instances: small plain ones as literal rows from memory, others as DuckDB data chunks.
import { DuckDBMaterializedResult, type DuckDBResult, type DuckDBValue } from '@duckdb/node-api';
import { DomainError } from '../shared/domain-error';
import { cancelledError, sqlIdent, type DuckDbDatabase, type LockedConnection } from './duckdb-runtime';
import { materializedPage, type ColumnInfo } from './json-values';
import type { ValueType } from './package-types';
import {
  checkedRows,
  literalRows,
  relationOf,
  valueTypeOf,
  type LiteralColumn,
  type LiteralRows,
  type RowsRelation,
} from './sql-literals';
import { DUCKDB_TYPES } from './typed-values';
import { createFromValues, PARAMETER_VALUES } from './values-table';

/**
 * A small table sent from the rows its sender keeps in memory: no round trip on either side. The
 * receiver keeps it as literal rows, as its sender made them from checked values.
 */
export interface RowsTable {
  kind: 'rows';
  columns: ColumnInfo[];
  rows: number;
  /** The rows as JSON objects, the receiver's in-memory copy. */
  head: Record<string, unknown>[];
  /** The rows as literal rows. */
  literal: LiteralRows;
}

export function isRows(data: DuckDBResult | RowsTable): data is RowsTable {
  return (data as RowsTable).kind === 'rows';
}

/** Receives a result of another database, or rows sent from memory; must consume it before returning. */
export type TableSink = (data: DuckDBResult | RowsTable, signal: AbortSignal) => Promise<void>;

/** The columns an input node of the receiving package declares: sent cast to their types, the others left out. */
export interface WantedColumns {
  node: string;
  columns: Record<string, ValueType>;
}

/** The table to send and what is known of it. */
export interface SentTable {
  table: string;
  rows: number;
  columns: ColumnInfo[];
  /** The rows as JSON, when the table is small enough to be kept in memory. */
  head?: Record<string, unknown>[];
  /** The rows as literal rows, when there is no table. */
  literal?: RowsRelation;
}

/** Up to this many rows a table is sent materialized: one round trip instead of a stream's several. */
const MATERIALIZE_ROWS = 20_000;

/** The SELECT that sends `source`, projected and cast to what the receiver declares. */
function selectFor(source: SentTable, want?: WantedColumns): string {
  if (!want) return `SELECT * FROM ${relationOf(source)}`;
  const present = source.columns.map((c) => c.name);
  const missing = Object.keys(want.columns).filter((c) => !present.includes(c));
  if (missing.length) {
    throw new DomainError(
      'EXECUTION_FAILED',
      `Input "${want.node}" needs columns ${missing.join(', ')}, which the calling node does not provide (it has ${present.join(', ')}).`,
      { node: want.node },
    );
  }
  const list = Object.entries(want.columns)
    .map(([name, type]) => `CAST(${sqlIdent(name)} AS ${DUCKDB_TYPES[type]}) AS ${sqlIdent(name)}`)
    .join(', ');
  return `SELECT ${list} FROM ${relationOf(source)}`;
}

/**
 * The rows of `source` kept in memory, projected to what the receiver declares, when every column
 * has exactly the declared type (or, undeclared, a package value type) and every value checks.
 */
export function rowsToSend(source: SentTable, want?: WantedColumns): RowsTable | undefined {
  if (!source.head) return undefined;
  const have = new Map(source.columns.map((c) => [c.name, c.type]));
  const wanted: [string, ValueType | undefined][] = want
    ? Object.entries(want.columns)
    : source.columns.map((c) => [c.name, undefined]);
  const columns: LiteralColumn[] = [];
  for (const [name, declared] of wanted) {
    const duckdbType = have.get(name);
    const type = declared ?? (duckdbType ? valueTypeOf(duckdbType) : undefined);
    if (!type || duckdbType !== DUCKDB_TYPES[type]) return undefined;
    columns.push({ name, type });
  }
  const rows = checkedRows(columns, source.head);
  if (!rows) return undefined;
  const literal = literalRows(columns, rows);
  if (!literal) return undefined;
  const head = want
    ? source.head.map((row) => Object.fromEntries(columns.map((c) => [c.name, row[c.name]])))
    : source.head;
  return {
    kind: 'rows',
    columns: columns.map((c) => ({ name: c.name, type: DUCKDB_TYPES[c.type] })),
    rows: rows.length,
    head,
    literal,
  };
}

/** Sends `source` of this database into the sink: from memory when it can, else as DuckDB chunks. */
export async function sendTable(
  db: DuckDbDatabase,
  source: SentTable,
  sink: TableSink,
  signal: AbortSignal,
  want?: WantedColumns,
): Promise<void> {
  if (signal.aborted) throw cancelledError();
  const rows = rowsToSend(source, want);
  if (rows) return sink(rows, signal);
  const sql = selectFor(source, want);
  await db.withConnection(async (conn) => {
    if (source.rows <= MATERIALIZE_ROWS) return sink(await conn.script(sql, { signal }), signal);
    const stmt = await conn.raw.prepare(sql);
    try {
      await sink(await stmt.stream(), signal);
    } finally {
      stmt.destroySync();
    }
  }, signal);
}

export interface Received {
  rows: number;
  columns: ColumnInfo[];
  /** The rows as JSON, when asked for and the result was small enough to arrive materialized. */
  head?: Record<string, unknown>[];
}

/**
 * Creates `table` with the result's columns and types and appends every chunk; checks the signal
 * between chunks. Keeps the rows as JSON too when there are at most `headRows` of them.
 */
export async function receiveTable(
  conn: LockedConnection,
  table: string,
  result: DuckDBResult,
  signal: AbortSignal,
  headRows = 0,
): Promise<Received> {
  const names = result.deduplicatedColumnNames();
  const types = result.columnTypes();
  const columns = types.map((t, i) => ({ name: names[i], type: t.toString() }));
  const head =
    result instanceof DuckDBMaterializedResult && result.rowCount <= headRows
      ? materializedPage(result).rows
      : undefined;
  // A small materialized result goes in as typed parameters: two round trips and nothing
  // synchronous on the event loop, where the appender's flush would block it for a while.
  if (
    result instanceof DuckDBMaterializedResult &&
    result.rowCount > 0 &&
    result.rowCount * types.length <= PARAMETER_VALUES
  ) {
    const values: DuckDBValue[] = [];
    for (let i = 0; i < result.chunkCount; i++) for (const row of result.getChunk(i).getRows()) values.push(...row);
    const valueTypes = values.map((_, k) => types[k % types.length]);
    await createFromValues(conn, table, columns, result.rowCount, (stmt) => stmt.bind(values, valueTypes), {
      signal,
    });
    return { rows: result.rowCount, columns, head };
  }
  await conn.script(
    `CREATE TABLE ${sqlIdent(table)} (${columns.map((c) => `${sqlIdent(c.name)} ${c.type}`).join(', ')})`,
    { signal },
  );
  const appender = await conn.raw.createAppender(table);
  let rows = 0;
  try {
    if (result instanceof DuckDBMaterializedResult) {
      for (let i = 0; i < result.chunkCount; i++) {
        const chunk = result.getChunk(i);
        rows += chunk.rowCount;
        appender.appendDataChunk(chunk);
      }
    } else {
      for (;;) {
        if (signal.aborted) throw cancelledError();
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        rows += chunk.rowCount;
        appender.appendDataChunk(chunk);
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return { rows, columns, head };
}
