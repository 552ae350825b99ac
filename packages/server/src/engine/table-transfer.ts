// Moves a table between two package instances' databases as DuckDB data chunks, in memory (no files to leak).
import { DuckDBMaterializedResult, type DuckDBResult, type DuckDBValue } from '@duckdb/node-api';
import { DomainError } from '../core/domain-error';
import { cancelledError, sqlIdent, type LockedConnection } from './duckdb-runtime';
import { materializedPage, type ColumnInfo } from './json-values';
import type { ValueType } from './package-types';
import { DUCKDB_TYPES } from './typed-values';
import { createFromValues, PARAMETER_VALUES } from './values-table';

/** Receives a result of another database; must consume it before returning. */
export type TableSink = (result: DuckDBResult, signal: AbortSignal) => Promise<void>;

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
}

/** Up to this many rows a table is sent materialized: one round trip instead of a stream's several. */
const MATERIALIZE_ROWS = 20_000;

/** The SELECT that sends `source`, projected and cast to what the receiver declares. */
function selectFor(source: SentTable, want?: WantedColumns): string {
  if (!want) return `SELECT * FROM ${sqlIdent(source.table)}`;
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
  return `SELECT ${list} FROM ${sqlIdent(source.table)}`;
}

/** Sends `source` of this connection's database into the sink. */
export async function sendTable(
  conn: LockedConnection,
  source: SentTable,
  sink: TableSink,
  signal: AbortSignal,
  want?: WantedColumns,
): Promise<void> {
  if (signal.aborted) throw cancelledError();
  const sql = selectFor(source, want);
  if (source.rows <= MATERIALIZE_ROWS) return sink(await conn.script(sql, { signal }), signal);
  const stmt = await conn.raw.prepare(sql);
  try {
    await sink(await stmt.stream(), signal);
  } finally {
    stmt.destroySync();
  }
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
