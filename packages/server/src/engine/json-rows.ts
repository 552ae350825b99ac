// Request rows checked column by column and kept as one JSON text, which DuckDB reads with from_json: one bound value per input.
import { sqlIdent } from './duckdb-runtime';
import { validateRows } from './input-rows';
import type { ValueType } from './package-types';
import type { BoundValue } from './sql-parameters';
import { LiteralRows, sqlText, type LiteralColumn, type RowsRelation } from './sql-literals';
import { DUCKDB_TYPES, parseIsoDate, type CheckedValue } from './typed-values';

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Up to this many values (rows × columns) the rows are bound one parameter per value in a VALUES
 * relation instead: DuckDB's JSON reader and unnest cost a few rows' worth of binding calls per
 * statement (a 1-row call of two columns took ~75 µs of CPU less, measured side by side, 4 rows
 * ~35 µs less; at 8 rows of two columns the two cost the same). The statement's text then depends
 * on the row count (each count its own kept statement).
 */
export const BOUND_VALUES = 8;

/**
 * Checked rows of an input as a relation DuckDB builds itself: the values travel as one JSON text
 * of column arrays (`{"x": [...], "label": [...]}`), one bound VARCHAR however many rows, and
 * `from_json` reads each column with its declared type. Binding a parameter per value, or an
 * appender call per value, costs a call across the binding each; this costs one.
 */
export class JsonRows implements RowsRelation {
  private literalText: string | undefined;

  constructor(
    readonly columns: LiteralColumn[],
    readonly count: number,
    /** The checked values, one array per column. */
    readonly values: CheckedValue[][],
    /** What DuckDB reads: the columns' arrays as a JSON object. */
    readonly text: string,
  ) {}

  /** The relation with the text as a string literal (for a view or an export, which take no parameters). */
  get relation(): string {
    return (this.literalText ??= this.select(sqlText(this.text)));
  }

  /**
   * The relation with the text bound as one parameter: the statement's text stays the same for any
   * rows. A few rows are bound value by value instead (see BOUND_VALUES), to the same values.
   */
  parameterized(place: (value: BoundValue) => string): string {
    if (this.count > 0 && this.count * this.columns.length <= BOUND_VALUES) {
      const rows: CheckedValue[][] = [];
      for (let r = 0; r < this.count; r++) rows.push(this.values.map((column) => column[r]));
      return new LiteralRows(this.columns, rows).parameterized(place);
    }
    return this.select(`$${place({ type: 'string', value: this.text })}`);
  }

  /** The rows as JSON objects (a small input's kept copy). */
  rowObjects(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = new Array(this.count);
    for (let r = 0; r < this.count; r++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < this.columns.length; c++) row[this.columns[c].name] = this.values[c][r];
      out[r] = row;
    }
    return out;
  }

  private select(json: string): string {
    const structure = JSON.stringify(Object.fromEntries(this.columns.map((c) => [c.name, [DUCKDB_TYPES[c.type]]])));
    // Lists unnested side by side in one SELECT are zipped, in their order.
    const cols = this.columns.map((c) => `unnest(j.${sqlIdent(c.name)}) AS ${sqlIdent(c.name)}`).join(', ');
    return `(SELECT ${cols} FROM (SELECT from_json(CAST(${json} AS VARCHAR), ${sqlText(structure)}) AS j))`;
  }
}

/**
 * The rows checked against the declared columns, column by column. Values of the common shapes
 * (a string, a finite number, a safe integer, a boolean, a `YYYY-MM-DD` date, null or missing) are
 * taken as they are; on anything else the rows are checked again by `validateRows`, which
 * normalises what it accepts (a full ISO timestamp for a date, a bigint) and names the first bad
 * value with its row and column, exactly as before.
 */
export function jsonRowsOf(node: string, columns: Record<string, ValueType>, rows: unknown): JsonRows {
  const names = Object.keys(columns);
  const types = names.map((n) => columns[n]);
  const literalColumns = names.map((name, i) => ({ name, type: types[i] }));
  const values = fastColumns(columns, names, types, rows) ?? transpose(validateRows(node, columns, rows), names.length);
  return new JsonRows(literalColumns, values[0]?.length ?? 0, values, columnsText(names, types, values));
}

/** The values by column when every one has a common shape, else undefined. */
function fastColumns(
  columns: Record<string, ValueType>,
  names: string[],
  types: ValueType[],
  rows: unknown,
): CheckedValue[][] | undefined {
  if (!Array.isArray(rows)) return undefined;
  const n = rows.length;
  // Filled by push: a packed array, which JSON.stringify writes about twice as fast as a holey one.
  const out: CheckedValue[][] = names.map(() => []);
  for (let r = 0; r < n; r++) {
    const row: unknown = rows[r];
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return undefined;
    // `in`, as validateRows checks: a key is refused only when it is no column (nor inherited).
    for (const key in row) if (Object.prototype.hasOwnProperty.call(row, key) && !(key in columns)) return undefined;
    for (let c = 0; c < names.length; c++) {
      const v: unknown = (row as Record<string, unknown>)[names[c]];
      if (v === null || v === undefined) {
        out[c].push(null);
        continue;
      }
      switch (types[c]) {
        case 'string':
          if (typeof v !== 'string') return undefined;
          break;
        case 'number':
          if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
          break;
        case 'integer':
          if (!Number.isSafeInteger(v)) return undefined;
          break;
        case 'boolean':
          if (typeof v !== 'boolean') return undefined;
          break;
        case 'date':
          if (typeof v !== 'string' || !DATE_TEXT.test(v) || !parseIsoDate(v)) return undefined;
          break;
      }
      out[c].push(v as CheckedValue);
    }
  }
  return out;
}

function transpose(rows: CheckedValue[][], width: number): CheckedValue[][] {
  const out: CheckedValue[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let c = 0; c < width; c++) out[c].push(row[c]);
  return out;
}

/**
 * `{"<column>": [values], ...}`. JSON.stringify writes -0 as 0, so a number column holding -0 is
 * written value by value with `-0.0` (DuckDB then reads the same double the old bound parameter
 * carried). A lone surrogate, which DuckDB's JSON reader refuses, becomes U+FFFD, as it did when
 * the string was bound as a parameter.
 */
function columnsText(names: string[], types: ValueType[], values: CheckedValue[][]): string {
  let text = '{';
  for (let c = 0; c < names.length; c++) {
    const col = values[c];
    let list = JSON.stringify(col);
    if (types[c] === 'number' && col.some((v) => Object.is(v, -0)))
      list = `[${col.map((v) => (Object.is(v, -0) ? '-0.0' : JSON.stringify(v))).join(',')}]`;
    // JSON.stringify escapes a lone surrogate as \udXXX; a backslash followed by `ud` reads \\ud.
    else if (types[c] === 'string' && list.includes('\\ud'))
      list = JSON.stringify(col.map((v) => (typeof v === 'string' ? wellFormed(v) : v)));
    text += `${c ? ',' : ''}${JSON.stringify(names[c])}:${list}`;
  }
  return `${text}}`;
}

/** String.prototype.toWellFormed (Node 20; not in the ES2023 library types). */
function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}
