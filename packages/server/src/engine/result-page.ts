// A page of a node's result: from memory when the result is small, else read from its DuckDB table.
import type { DuckDbDatabase } from './duckdb-runtime';
import { sqlIdent } from './duckdb-runtime';
import { materializedPage, type ColumnInfo } from './json-values';
import type { NodeResult } from './node-job';

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
  return db().then((d) =>
    d.withConnection(async (conn) =>
      materializedPage(await conn.script(`SELECT * FROM ${sqlIdent(result.table)} LIMIT ${limit} OFFSET ${offset}`)),
    ),
  );
}
