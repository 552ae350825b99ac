// A page of a node's result: from memory when the result is small or was answered, else read from DuckDB.
import type { DuckDbDatabase } from './duckdb-runtime';
import { materializedPage, type ColumnInfo } from './json-values';
import type { NodeResult } from './node-job';
import { relationOf } from './sql-literals';

/** An answer's UTF-8 JSON as text. */
export function answerText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export interface ResultPage {
  columns: ColumnInfo[];
  rows: Record<string, unknown>[];
}

/** No promise to wait for when the rows are in memory (every small result; an Integrator call's page). */
export function readResultPage(
  result: NodeResult,
  offset: number,
  limit: number,
  db: () => Promise<DuckDbDatabase>,
): ResultPage | Promise<ResultPage> {
  if (result.head) return { columns: result.columns, rows: result.head.slice(offset, offset + limit) };
  // A result with no table: the JSON text DuckDB wrote holds every row, in the form a page has them.
  if (result.answer !== undefined) {
    const rows = JSON.parse(answerText(result.answer)) as Record<string, unknown>[];
    return { columns: result.columns, rows: rows.slice(offset, offset + limit) };
  }
  return db().then((d) =>
    d.withConnection(async (conn) =>
      materializedPage(await conn.script(`SELECT * FROM ${relationOf(result)} LIMIT ${limit} OFFSET ${offset}`)),
    ),
  );
}
