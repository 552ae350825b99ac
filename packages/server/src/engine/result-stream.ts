// Streams every row of a result as NDJSON, a DuckDB chunk at a time: memory stays flat however many rows there are.
import type { DuckDBPreparedStatement } from '@duckdb/node-api';
import { interruptOnAbort } from './duckdb-interrupt';
import { cancelledError, sqlIdent, type DuckDbDatabase, type LockedConnection } from './duckdb-runtime';
import { columnAliases, rowWriter, withOurEscapes } from './answer-writer';
import { jsonSafeConverter, type ColumnInfo } from './json-values';
import type { NodeResult } from './node-job';
import { answerText } from './result-page';
import type { RowSink } from './run-types';
import type { BoundQuery } from './sql-answer';
import { bindParameters, type BoundValue } from './sql-parameters';

/** Rows of a result kept in memory go out in writes of this many. */
const ROWS_PER_WRITE = 2048;
/** Rows read from DuckDB go out in writes of this many (a chunk holds up to 2,048). */
const ROWS_PER_SLICE = 256;

/** What was streamed. */
export interface Streamed {
  rows: number;
  columns: ColumnInfo[];
}

/** Every row of a computed result: from memory when it is there, else read from DuckDB a chunk at a time. */
export async function streamResult(
  db: DuckDbDatabase,
  result: NodeResult,
  sink: RowSink,
  signal: AbortSignal,
): Promise<Streamed> {
  if (result.head?.length === result.rows || result.noRelation) return streamKept(result, sink, signal);
  const params: Record<string, BoundValue> = {};
  const relation = result.literal
    ? result.literal.parameterized((value) => {
        const name = `__flowport_v${Object.keys(params).length + 1}`;
        params[name] = value;
        return name;
      })
    : `main.${sqlIdent(result.table)}`;
  return db.withConnection(
    (conn) => streamQuery(conn, { ctes: '', params }, `SELECT * FROM ${relation}`, sink, signal),
    signal,
  );
}

/** Rows kept in memory (a small result's, or an answer's), as NDJSON. */
export async function streamKept(result: NodeResult, sink: RowSink, signal: AbortSignal): Promise<Streamed> {
  const rows =
    result.head?.length === result.rows
      ? result.head
      : (JSON.parse(result.answer ? answerText(result.answer) : '[]') as unknown[]);
  sink.begin(result.columns);
  for (let i = 0; i < rows.length; i += ROWS_PER_WRITE) {
    if (signal.aborted) throw cancelledError();
    let text = '';
    for (const row of rows.slice(i, i + ROWS_PER_WRITE)) text += `${JSON.stringify(row)}\n`;
    const wrote = sink.write(text);
    if (wrote) await wrote;
  }
  return { rows: rows.length, columns: result.columns };
}

/**
 * Streams `<ctes> SELECT * FROM (<sql>)`, its parameters bound, on `conn` into the sink, one DuckDB chunk per
 * write, waiting for the sink whenever it asks to. Rows of columns DuckDB writes as our JSON come as
 * one text per row; others are converted in JavaScript, as a page of rows is. The signal interrupts
 * DuckDB and stops between chunks.
 */
export async function streamQuery(
  conn: LockedConnection,
  query: BoundQuery,
  sql: string,
  sink: RowSink,
  signal: AbortSignal,
): Promise<Streamed> {
  if (signal.aborted) throw cancelledError();
  const interrupted = interruptOnAbort(conn.raw, signal);
  const statements: DuckDBPreparedStatement[] = [];
  const start = async (text: string) => {
    const stmt = await conn.raw.prepare(text);
    statements.push(stmt);
    bindParameters(stmt, query.params);
    return stmt.stream();
  };
  try {
    // The columns are known once the statement runs with its parameters (a prepared statement
    // whose parameters decide its columns, `range($n)` say, does not know them before).
    let result = await start(`${query.ctes}SELECT * FROM (\n${sql}\n)`);
    const names = result.deduplicatedColumnNames();
    const columns = result.columnTypes().map((t, i) => ({ name: names[i], type: t.toString() }));
    const writer = rowWriter({ names, types: columns.map((c) => c.type) }, 'exact');
    let written = false;
    if (writer) {
      const text = `${query.ctes}SELECT CAST(to_json(${writer.struct}) AS VARCHAR) FROM (\n${sql}\n) AS q(${columnAliases(columns.length)})`;
      const rows = await start(text).catch(() => undefined);
      if (rows) {
        result = rows;
        written = true;
      }
    }
    sink.begin(columns);
    let count = 0;
    for (;;) {
      if (signal.aborted) throw cancelledError();
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      count += chunk.rowCount;
      const rows = written ? (chunk.getColumnValues(0) as string[]) : chunk.convertRows(jsonSafeConverter);
      // Written a slice of rows at a time: texts of up to some tens of KiB die young in V8's
      // nursery, where one text per 2,048-row chunk would be a large object, freed only by a full GC.
      let wrote: void | Promise<void> = undefined;
      for (let i = 0; i < rows.length; i += ROWS_PER_SLICE) {
        const slice = rows.slice(i, i + ROWS_PER_SLICE);
        wrote = sink.write(written ? writtenLines(slice as string[]) : convertedLines(names, slice as unknown[][]));
      }
      if (wrote) await wrote;
    }
    return { rows: count, columns };
  } catch (err) {
    if (signal.aborted) throw cancelledError();
    throw err;
  } finally {
    interrupted();
    for (const stmt of statements) stmt.destroySync();
  }
}

/** Row texts DuckDB wrote, as NDJSON lines (with our escapes, see withOurEscapes). */
function writtenLines(texts: string[]): string {
  const text = `${texts.join('\n')}\n`;
  return /\\u00[01][A-F]/.test(text) ? `${texts.map(withOurEscapes).join('\n')}\n` : text;
}

/** Rows converted in JavaScript, as NDJSON lines of objects keyed as a page's rows are. */
function convertedLines(names: string[], rows: unknown[][]): string {
  let text = '';
  for (const row of rows) {
    const obj: Record<string, unknown> = {};
    names.forEach((n, i) => (obj[n] = row[i]));
    text += `${JSON.stringify(obj)}\n`;
  }
  return text;
}
