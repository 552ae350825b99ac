// Fills an input node's table from rows a request provides, validated against the declared columns.
import { DuckDBDateValue, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { DomainError } from '../shared/domain-error';
import type { ColumnInfo } from './json-values';
import { sqlIdent, type LockedConnection, type QueryOptions } from './duckdb-runtime';
import type { ValueType } from './package-types';
import { bindValue } from './sql-parameters';
import { createFromValues, PARAMETER_VALUES } from './values-table';
import { checkValue, DUCKDB_TYPES, parseIsoDate, type CheckedValue } from './typed-values';

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

function columnList(columns: Record<string, ValueType>): string {
  return Object.entries(columns)
    .map(([name, type]) => `${sqlIdent(name)} ${DUCKDB_TYPES[type]}`)
    .join(', ');
}

/** Creates the table with the rows, typed by the declared columns; values never become SQL text. */
export async function createInputTable(
  conn: LockedConnection,
  table: string,
  columns: Record<string, ValueType>,
  rows: CheckedValue[][],
  opts: QueryOptions,
): Promise<void> {
  const names = Object.keys(columns);
  const types = Object.values(columns);
  if (rows.length && rows.length * names.length <= PARAMETER_VALUES) {
    const bind = (stmt: DuckDBPreparedStatement) =>
      rows.forEach((row, r) =>
        row.forEach((value, c) => bindValue(stmt, r * names.length + c + 1, { type: types[c], value })),
      );
    await createFromValues(conn, table, declaredColumns(columns), rows.length, bind, opts);
    return;
  }
  await conn.script(`CREATE TABLE ${sqlIdent(table)} (${columnList(columns)})`, opts);
  if (!rows.length) return;
  const appender = await conn.raw.createAppender(table);
  try {
    for (const row of rows) {
      row.forEach((value, i) => {
        if (value === null) return appender.appendNull();
        switch (types[i]) {
          case 'string':
            return appender.appendVarchar(String(value));
          case 'number':
            return appender.appendDouble(Number(value));
          case 'integer':
            return appender.appendBigInt(BigInt(value as number));
          case 'boolean':
            return appender.appendBoolean(Boolean(value));
          case 'date':
            return appender.appendDate(DuckDBDateValue.fromParts(parseIsoDate(String(value))!));
        }
      });
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
