// Checks the rows a request provides against an input node's declared columns, naming the first bad value; fills a table from them.
import { DomainError } from '../shared/domain-error';
import type { ColumnInfo } from './json-values';
import { sqlIdent, type LockedConnection, type QueryOptions } from './duckdb-runtime';
import type { ValueType } from './package-types';
import type { RowsRelation } from './sql-literals';
import type { BoundValue } from './sql-parameters';
import { checkValue, DUCKDB_TYPES, type CheckedValue } from './typed-values';

export type Row = Record<string, unknown>;

/** Where a value sits in the request body, e.g. `inputs.applicants[1].income`; rows count from 0. */
function bodyPath(node: string, index: number, column?: string): string {
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
  return `inputs${key(node)}[${index}]${column === undefined ? '' : key(column)}`;
}

/** Validated rows as arrays in column order; the first bad value fails with its row index and column. */
export function validateRows(node: string, columns: Record<string, ValueType>, rows: unknown): CheckedValue[][] {
  if (!Array.isArray(rows)) {
    throw new DomainError('VALIDATION_FAILED', `Input "${node}" must be an array of row objects.`, { node });
  }
  const names = Object.keys(columns);
  return rows.map((row, index) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Input "${node}", row ${index}: must be an object with columns ${names.join(', ')} (at ${bodyPath(node, index)}; rows count from 0).`,
        { node, row: index },
      );
    }
    for (const key of Object.keys(row)) {
      if (!(key in columns)) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `Input "${node}", row ${index}: unknown column "${key}"; the columns are ${names.join(', ')} (at ${bodyPath(node, index, key)}; rows count from 0).`,
          { node, row: index, column: key },
        );
      }
    }
    return names.map((col) => {
      const checked = checkValue(columns[col], (row as Row)[col], true);
      if ('error' in checked) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `Input "${node}", row ${index}, column "${col}" (${columns[col]}): ${checked.error} (at ${bodyPath(node, index, col)}; rows count from 0).`,
          { node, row: index, column: col },
        );
      }
      return checked.value;
    });
  });
}

/** The declared columns with their DuckDB types, as a result describes them. */
export function declaredColumns(columns: Record<string, ValueType>): ColumnInfo[] {
  return Object.entries(columns).map(([name, type]) => ({ name, type: DUCKDB_TYPES[type] }));
}

/**
 * Creates the table with the rows, typed by the declared columns, in one statement: DuckDB reads
 * the rows' JSON text (one bound value) itself, or a few rows bound value by value. Values never
 * become SQL text.
 */
export async function createInputTable(
  conn: LockedConnection,
  table: string,
  rows: RowsRelation,
  opts: QueryOptions,
): Promise<void> {
  const params: Record<string, BoundValue> = {};
  const relation = rows.parameterized((value) => {
    const name = `rows${Object.keys(params).length + 1}`;
    params[name] = value;
    return name;
  });
  await conn.run(`CREATE TABLE ${sqlIdent(table)} AS SELECT * FROM ${relation}`, params, opts);
}
