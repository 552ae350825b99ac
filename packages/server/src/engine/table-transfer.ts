// Moves a table between two package instances' databases as DuckDB data chunks, in memory (no files to leak).
import type { DuckDBResult } from '@duckdb/node-api';
import { cancelledError, sqlIdent, type LockedConnection } from './duckdb-runtime';

/** Receives a streaming result of another database; must consume it before returning. */
export type TableSink = (result: DuckDBResult, signal: AbortSignal) => Promise<void>;

/** Streams `table` of this connection's database into the sink. */
export async function sendTable(
  conn: LockedConnection,
  table: string,
  sink: TableSink,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) throw cancelledError();
  const result = await conn.raw.stream(`SELECT * FROM ${sqlIdent(table)}`);
  await sink(result, signal);
}

/** Column names of a result, as they will be in the received table. */
export function resultColumns(result: DuckDBResult): string[] {
  return result.deduplicatedColumnNames();
}

/** Creates `table` with the result's columns and types and appends every chunk; checks the signal between chunks. */
export async function receiveTable(
  conn: LockedConnection,
  table: string,
  result: DuckDBResult,
  signal: AbortSignal,
): Promise<void> {
  const names = result.deduplicatedColumnNames();
  const columns = result.columnTypes().map((t, i) => `${sqlIdent(names[i])} ${t.toString()}`);
  await conn.raw.run(`CREATE TABLE ${sqlIdent(table)} (${columns.join(', ')})`);
  const appender = await conn.raw.createAppender(table);
  try {
    for (;;) {
      if (signal.aborted) throw cancelledError();
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
