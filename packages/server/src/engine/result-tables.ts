// Result tables of a package instance: creating them, describing them, and small results kept as literal rows instead.
import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { sqlIdent, type LockedConnection, type QueryOptions } from './duckdb-runtime';
import { materializedPage, type ColumnInfo } from './json-values';
import type { NodeResult } from './node-job';
import { checkedRows, literalRows, valueTypeOf, type LiteralColumn } from './sql-literals';

export type Described = Omit<NodeResult, 'durationMs'>;

/** Results up to this many rows (and about this many bytes of text) are also kept in memory as JSON rows. */
export const HEAD_ROWS = 200;
const HEAD_BYTES = 256 * 1024;

/** Drops a leftover table of that name (a cleanup that failed). */
function dropFirst(table: string): string {
  return `DROP TABLE IF EXISTS main.${sqlIdent(table)};\n`;
}

/**
 * Runs `create`; if a leftover table of that name is in the way (a cleanup that failed), drops it
 * and runs `create` again. Saves a round trip on every computation for a case that is rare.
 */
export async function createReplacing<T>(conn: LockedConnection, table: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (!(err instanceof Error) || !/already exists/i.test(err.message)) throw err;
    await conn.script(dropFirst(table));
    return create();
  }
}

/** The rows to keep in memory beside the table, unless their text is too large to keep. */
export function keptHead(rows: Record<string, unknown>[]): Record<string, unknown>[] | undefined {
  let n = 0;
  for (const row of rows) for (const v of Object.values(row)) n += typeof v === 'string' ? v.length : 8;
  return n <= HEAD_BYTES ? rows : undefined;
}

/** The row count a CREATE TABLE … AS statement answers. */
export function createdRows(result: DuckDBMaterializedResult): number {
  return Number(result.getChunk(0).getRows()[0][0]);
}

/**
 * Columns and (for a small result) the rows themselves, in one round trip. The count comes from
 * the statement that made the table: a LIMIT here would cost more than reading a small table whole.
 */
export async function describeTable(
  conn: LockedConnection,
  table: string,
  rows: number,
  opts: QueryOptions,
): Promise<Described> {
  const small = rows <= HEAD_ROWS;
  const page = materializedPage(
    await conn.script(`SELECT * FROM main.${sqlIdent(table)}${small ? '' : ' LIMIT 0'}`, opts),
  );
  const head = small ? keptHead(page.rows) : undefined;
  return { table, rows, columns: page.columns, head };
}

/** Columns, rows and (when small) the rows themselves from the first HEAD_ROWS + 1 rows of the table. */
export async function describeFromFirstRows(
  conn: LockedConnection,
  table: string,
  first: DuckDBMaterializedResult,
  opts: QueryOptions,
): Promise<Described> {
  const page = materializedPage(first);
  if (page.rows.length <= HEAD_ROWS)
    return { table, rows: page.rows.length, columns: page.columns, head: keptHead(page.rows) };
  const count = await conn.script(`SELECT count(*) FROM main.${sqlIdent(table)}`, opts);
  return { table, rows: Number(count.getChunk(0).getRows()[0][0]), columns: page.columns };
}

/**
 * A computed page kept as literal rows with no table: when it holds the whole result, every
 * column has a package value type and the rows are small enough.
 */
export function inlinePage(
  table: string,
  page: { columns: ColumnInfo[]; rows: Record<string, unknown>[] },
): Described | undefined {
  if (page.rows.length > HEAD_ROWS || !keptHead(page.rows)) return undefined;
  const columns: LiteralColumn[] = [];
  for (const c of page.columns) {
    const type = valueTypeOf(c.type);
    if (!type) return undefined;
    columns.push({ name: c.name, type });
  }
  const rows = checkedRows(columns, page.rows);
  const literal = rows && literalRows(columns, rows);
  if (!literal) return undefined;
  return { table, rows: page.rows.length, columns: page.columns, head: page.rows, literal };
}
