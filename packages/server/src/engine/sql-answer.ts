// A run's answered SQL node straight into its answer: one query, no table, the rows written as JSON by DuckDB where it can.
import type { DuckDBMaterializedResult, DuckDBPreparedStatement } from '@duckdb/node-api';
import type { LockedConnection, QueryOptions } from './duckdb-runtime';
import type { DuckDBBlobValue } from '@duckdb/node-api';
import { bytesWithOurEscapes, columnAliases, isSequence, rowWriter, type ResultShape } from './answer-writer';
import { materializedPage } from './json-values';
import type { AnswerMemory, ExecContext } from './exec-context';
import type { SqlNodeDef } from './package-types';
import { HEAD_ROWS, inlinePage, keptHead, type Described } from './result-tables';
import { bindParameters, type BoundValue } from './sql-parameters';

export function answerMemory(): AnswerMemory {
  return { shapes: new Map(), large: new Set(), ordered: new Set() };
}

/** Statements and their parameters: the package's variables and the inputs' values, bound by name. */
export interface BoundQuery {
  /** `WITH <input> AS NOT MATERIALIZED (…), …` (empty without inputs). */
  ctes: string;
  params: Record<string, BoundValue>;
}

/** Thrown by a query the engine wraps around package SQL when the wrapping itself is what fails. */
export function wrappingFailed(err: unknown, signal: AbortSignal): boolean {
  return !signal.aborted && err instanceof Error && /^(Parser|Catalog|Binder) Error/i.test(err.message);
}

/**
 * The answer of `node` with at most `limit` rows, with no table: undefined when the result has
 * more rows (the caller makes a table, which counts them all) or the SQL cannot be wrapped.
 * Once a text's columns are known, DuckDB writes the rows' JSON (one string across the binding);
 * otherwise, or where its writing would differ from ours, the rows are converted in JavaScript.
 */
export async function answerSql(
  conn: LockedConnection,
  node: SqlNodeDef,
  ctx: ExecContext,
  query: BoundQuery,
  limit: number,
  remember: { small(): void; unwrappable(): void; ordered(): void },
): Promise<Described | undefined> {
  const memory = ctx.sqlMemory.answers;
  const opts: QueryOptions = { signal: ctx.signal, onProgress: ctx.progress };
  const bind = (stmt: DuckDBPreparedStatement) => bindParameters(stmt, query.params);
  const shape = memory.shapes.get(node.sql);
  const writer = shape && rowWriter(shape, 'guarded');
  if (shape && writer) {
    const rows = `(SELECT * FROM (\n${node.sql}\n) LIMIT ${limit + 1}) AS q(${columnAliases(shape.types.length)})`;
    const guard = writer.guard ? `coalesce(bool_and(${writer.guard}), true)` : 'true';
    const text = `CAST(to_json(${writer.struct}) AS VARCHAR)`;
    // The window's empty OVER numbers the rows in the query's order (DuckDB's order preservation).
    // An aggregate keeps no order of its own: the rows' texts are joined as they come, beside their
    // numbers, which say whether they came in order (a single thread's reading, the usual case);
    // if not, they are joined in the numbers' order, which costs DuckDB a sort (~0.4 ms a 1,000 rows).
    const writerSql = (ordered: boolean) =>
      `${query.ctes}SELECT encode('[' || coalesce(string_agg(${text}, ','${ordered ? ' ORDER BY __n' : ''}), '') || ']') AS rows, ` +
      `count(*) AS n, ${guard} AS exact, any_value(${writer.typesCheck}) AS types, ` +
      `${ordered ? 'NULL' : `string_agg(CAST(__n AS VARCHAR), ',')`} AS seq ` +
      `FROM (SELECT row_number() OVER () AS __n, * FROM ${rows}) AS q`;
    for (const ordered of memory.ordered.has(node.sql) ? [true] : [false, true]) {
      let result: DuckDBMaterializedResult;
      try {
        result = await conn.runPrepared(writerSql(ordered), bind, opts);
      } catch (err) {
        // Columns that changed under the same text (an imported file's): learnt again below.
        if (!wrappingFailed(err, ctx.signal) && !/^Conversion Error/i.test((err as Error).message)) throw err;
        memory.shapes.delete(node.sql);
        break;
      }
      // Each column read by itself: getRows would convert the rows' text to a string, only to be encoded again.
      const chunk = result.getChunk(0);
      const count = Number(chunk.getColumnVector(1).getItem(0));
      const exact = chunk.getColumnVector(2).getItem(0) as boolean;
      const types = chunk.getColumnVector(3).getItem(0) as string | null;
      if (count > limit) {
        memory.large.add(node.sql);
        return undefined;
      }
      if (types !== null && types !== shape.types.join('|')) {
        memory.shapes.delete(node.sql);
        break;
      }
      if (!exact || count === 0) break;
      if (!ordered && !isSequence(chunk.getColumnVector(4).getItem(0) as string, count)) {
        remember.ordered();
        continue;
      }
      const bytes = (chunk.getColumnVector(0).getItem(0) as DuckDBBlobValue).bytes;
      return written(ctx.table, shape, bytesWithOurEscapes(bytes), count, remember);
    }
  }
  // The rows as DuckDB gives them, converted in JavaScript; what their columns are is learnt.
  let result: DuckDBMaterializedResult;
  try {
    result = await conn.runPrepared(`${query.ctes}SELECT * FROM (\n${node.sql}\n) LIMIT ${limit + 1}`, bind, opts);
  } catch (err) {
    if (!wrappingFailed(err, ctx.signal)) throw err;
    remember.unwrappable();
    return undefined;
  }
  if (result.rowCount > limit) {
    memory.large.add(node.sql);
    return undefined;
  }
  const page = materializedPage(result);
  memory.shapes.set(node.sql, { names: result.deduplicatedColumnNames(), types: page.columns.map((c) => c.type) });
  const inline = inlinePage(ctx.table, page);
  if (inline) {
    remember.small();
    return inline;
  }
  return {
    table: ctx.table,
    rows: page.rows.length,
    columns: page.columns,
    head: page.rows.length <= HEAD_ROWS ? keptHead(page.rows) : undefined,
    answer: Buffer.from(JSON.stringify(page.rows), 'utf8'),
    noRelation: true,
  };
}

/** The result DuckDB wrote: kept as literal rows when small and plain, else as its answer only. */
function written(
  table: string,
  shape: ResultShape,
  text: Uint8Array,
  count: number,
  remember: { small(): void },
): Described {
  const columns = shape.names.map((name, i) => ({ name, type: shape.types[i] }));
  if (count <= HEAD_ROWS) {
    const rows = JSON.parse(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8')) as Record<
      string,
      unknown
    >[];
    const inline = inlinePage(table, { columns, rows });
    if (inline) {
      remember.small();
      return inline;
    }
    return { table, rows: count, columns, head: keptHead(rows), answer: text, noRelation: true };
  }
  return { table, rows: count, columns, answer: text, noRelation: true };
}
