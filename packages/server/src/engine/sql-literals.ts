// Typed SQL literals for values the engine has already checked: small results are kept as literal rows, not tables.
import { sqlIdent } from './duckdb-runtime';
import type { ValueType } from './package-types';
import type { BoundValue } from './sql-parameters';
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

/** Rows kept with no table, as SQL reads them: written out in the statement, or bound as parameters. */
export interface RowsRelation {
  /** The relation with every value written in its text (a view or an export takes no parameters). */
  readonly relation: string;
  /** The relation with its values bound: `place` is given each value and answers its parameter's name. */
  parameterized(place: (value: BoundValue) => string): string;
}

/**
 * Rows kept with no table: values already checked against their columns' package types. SQL reads
 * them as a VALUES relation, written either with typed literals or with a typed parameter per value.
 */
export class LiteralRows implements RowsRelation {
  private text: string | undefined;

  constructor(
    readonly columns: LiteralColumn[],
    readonly rows: CheckedValue[][],
  ) {}

  /** `(VALUES …) AS v(…)`, every value a literal of its column's type; written when first asked for. */
  get relation(): string {
    return (this.text ??= relation(this.columns, this.rows, sqlLiteral));
  }

  /**
   * The same relation with `CAST($name AS <type>)` for each value: `place` is given the value to bind
   * and answers the parameter's name. A statement written so can be prepared once and run with other
   * rows of the same count: DuckDB plans it once (the casts fix the parameters' types, so it does not
   * plan it again for each run), where a literal relation is a new text to plan every time.
   */
  parameterized(place: (value: BoundValue) => string): string {
    return relation(
      this.columns,
      this.rows,
      (type, value) => `CAST($${place({ type, value })} AS ${DUCKDB_TYPES[type]})`,
    );
  }
}

function relation(
  columns: LiteralColumn[],
  rows: CheckedValue[][],
  write: (type: ValueType, value: CheckedValue) => string,
): string {
  if (!rows.length) {
    const nulls = columns.map((c) => `${sqlLiteral(c.type, null)} AS ${sqlIdent(c.name)}`).join(', ');
    return `(SELECT ${nulls} WHERE false)`;
  }
  const tuples = rows.map((row) => `(${row.map((v, i) => write(columns[i].type, v)).join(', ')})`);
  return `(VALUES ${tuples.join(',\n')}) AS v(${columns.map((c) => sqlIdent(c.name)).join(', ')})`;
}

/**
 * The rows kept as literal rows, or undefined when they are more than INLINE_VALUES values or their
 * literal text would pass INLINE_SQL_CHARS (bounded from above without writing it: quotes doubled).
 */
export function literalRows(columns: LiteralColumn[], rows: CheckedValue[][]): LiteralRows | undefined {
  if (rows.length * columns.length > INLINE_VALUES) return undefined;
  let chars = 0;
  for (const row of rows) for (const v of row) chars += typeof v === 'string' ? 2 * v.length + 24 : 32;
  return chars > INLINE_SQL_CHARS ? undefined : new LiteralRows(columns, rows);
}

/** The rows as a relation to select from, written with typed literals; undefined when too many or too long. */
export function valuesRelation(columns: LiteralColumn[], rows: CheckedValue[][]): string | undefined {
  return literalRows(columns, rows)?.relation;
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
export function relationOf(result: { table: string; literal?: RowsRelation }): string {
  return result.literal?.relation ?? `main.${sqlIdent(result.table)}`;
}

/** The package value type whose DuckDB column type is `duckdbType`, if any. */
export function valueTypeOf(duckdbType: string): ValueType | undefined {
  return (Object.keys(DUCKDB_TYPES) as ValueType[]).find((t) => DUCKDB_TYPES[t] === duckdbType);
}
