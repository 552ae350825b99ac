// Typed SQL literals for values the engine has already checked: small results are kept as literal rows, not tables.
import { sqlIdent } from './duckdb-runtime';
import type { ValueType } from './package-types';
import { checkValue, DUCKDB_TYPES, parseIsoDate, type CheckedValue } from './typed-values';

/** Up to this many values (rows × columns) a small result is kept as literal rows, with no table. */
export const INLINE_VALUES = 1000;
/** …and up to this much SQL text; a larger result gets a table. */
export const INLINE_SQL_CHARS = 512 * 1024;

/**
 * A string literal. Quotes are doubled (DuckDB reads backslashes literally in a standard string);
 * a NUL character would end the statement text, so it is written as chr(0).
 */
export function sqlText(text: string): string {
  const parts = text.split('\u0000').map((p) => `'${p.replaceAll("'", "''")}'`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' || chr(0) || ')})`;
}

/**
 * One checked value as a literal of exactly its column's DuckDB type. Throws on a value its type
 * does not allow: callers pass only values `checkValue` accepted.
 */
export function sqlLiteral(type: ValueType, value: CheckedValue): string {
  if (value === null) return `CAST(NULL AS ${DUCKDB_TYPES[type]})`;
  switch (type) {
    case 'string':
      if (typeof value !== 'string') break;
      return `CAST(${sqlText(value)} AS VARCHAR)`;
    case 'number':
      // Read from text, so DuckDB parses the shortest round-trip form exactly (no DECIMAL step).
      if (typeof value !== 'number' || !Number.isFinite(value)) break;
      return `CAST('${Object.is(value, -0) ? '-0.0' : String(value)}' AS DOUBLE)`;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) break;
      return `CAST(${String(value)} AS BIGINT)`;
    case 'boolean':
      if (typeof value !== 'boolean') break;
      return value ? 'TRUE' : 'FALSE';
    case 'date':
      if (typeof value !== 'string' || !parseIsoDate(value)) break;
      return `CAST('${value}' AS DATE)`;
  }
  throw new TypeError(`Not a checked ${type} value: ${String(value)}`);
}

export interface LiteralColumn {
  name: string;
  type: ValueType;
}

/**
 * The rows as a relation to select from: `(VALUES …) AS v(…)`, every value a literal of its
 * column's type. Undefined when there are too many values or the text would be too long.
 */
export function valuesRelation(columns: LiteralColumn[], rows: CheckedValue[][]): string | undefined {
  if (rows.length * columns.length > INLINE_VALUES) return undefined;
  if (!rows.length) {
    const nulls = columns.map((c) => `${sqlLiteral(c.type, null)} AS ${sqlIdent(c.name)}`).join(', ');
    return `(SELECT ${nulls} WHERE false)`;
  }
  let chars = 0;
  const tuples: string[] = [];
  for (const row of rows) {
    const tuple = `(${row.map((v, i) => sqlLiteral(columns[i].type, v)).join(', ')})`;
    chars += tuple.length + 2;
    if (chars > INLINE_SQL_CHARS) return undefined;
    tuples.push(tuple);
  }
  return `(VALUES ${tuples.join(',\n')}) AS v(${columns.map((c) => sqlIdent(c.name)).join(', ')})`;
}

/** JSON rows as checked values in column order, or undefined when a value does not check against its column. */
export function checkedRows(columns: LiteralColumn[], rows: Record<string, unknown>[]): CheckedValue[][] | undefined {
  const out: CheckedValue[][] = [];
  for (const row of rows) {
    const values: CheckedValue[] = [];
    for (const c of columns) {
      const checked = checkValue(c.type, row[c.name]);
      if ('error' in checked) return undefined;
      values.push(checked.value);
    }
    out.push(values);
  }
  return out;
}

/** What SQL selects a result from: its table, or the literal rows of a result that has none. */
export function relationOf(result: { table: string; values?: string }): string {
  return result.values ?? `main.${sqlIdent(result.table)}`;
}

/** The package value type whose DuckDB column type is `duckdbType`, if any. */
export function valueTypeOf(duckdbType: string): ValueType | undefined {
  return (Object.keys(DUCKDB_TYPES) as ValueType[]).find((t) => DUCKDB_TYPES[t] === duckdbType);
}
