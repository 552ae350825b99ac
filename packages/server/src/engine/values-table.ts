// Creates a small table from bound parameters in one statement: no appender, nothing synchronous on the event loop.
import type { DuckDBMaterializedResult, DuckDBPreparedStatement } from '@duckdb/node-api';
import { sqlIdent, type LockedConnection, type QueryOptions } from './duckdb-runtime';
import type { ColumnInfo } from './json-values';

/**
 * Up to this many values (rows × columns), a table is made by CREATE TABLE … AS VALUES with typed
 * parameters: two round trips. More go through DuckDB's appender, far quicker in bulk, whose flush is
 * synchronous and blocks the event loop for a while.
 */
export const PARAMETER_VALUES = 1000;

/**
 * Creates `table` with `rows` rows of `columns` (DuckDB type names); `bind` sets parameter
 * `row × columns + column + 1` for every value. Values never become SQL text.
 */
export function createFromValues(
  conn: LockedConnection,
  table: string,
  columns: ColumnInfo[],
  rows: number,
  bind: (stmt: DuckDBPreparedStatement) => void,
  opts: QueryOptions,
): Promise<DuckDBMaterializedResult> {
  const tuple = (r: number) => `(${columns.map((c, k) => `$${r * columns.length + k + 1}::${c.type}`).join(', ')})`;
  const tuples = Array.from({ length: rows }, (_, r) => tuple(r)).join(', ');
  const names = columns.map((c) => sqlIdent(c.name)).join(', ');
  return conn.runBound(
    `CREATE TABLE ${sqlIdent(table)} AS SELECT * FROM (VALUES ${tuples}) AS v(${names})`,
    bind,
    opts,
  );
}
