// Checking and normalising values against the package value types (variables, input columns).
import type { ValueType } from './package-types';

export type CheckedValue = string | number | boolean | null;

/** The DuckDB column type of each package value type. */
export const DUCKDB_TYPES: Record<ValueType, string> = {
  string: 'VARCHAR',
  number: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  date: 'DATE',
};

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD, or undefined. */
export function parseIsoDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, not Date.UTC: that reads years 0–99 as 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/**
 * The value normalised to its type, or an `error` phrase saying what was expected.
 * Dates are kept as `YYYY-MM-DD` strings; a full ISO timestamp is accepted and cut to its date.
 */
export function checkValue(
  type: ValueType,
  value: unknown,
  nullable = true,
): { value: CheckedValue } | { error: string } {
  if (value === null || value === undefined) {
    return nullable ? { value: null } : { error: 'must not be null' };
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { value } : { error: `must be a string, got ${describe(value)}` };
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return { value };
      if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) return { value: Number(value) };
      return { error: `must be a finite number, got ${describe(value)}` };
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { value };
      if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) return { value: Number(value) };
      return { error: `must be an integer, got ${describe(value)}` };
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { error: `must be true or false, got ${describe(value)}` };
    case 'date': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return { value: value.toISOString().slice(0, 10) };
      if (typeof value === 'string') {
        const datePart =
          /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)) ? value.slice(0, 10) : value;
        if (parseIsoDate(datePart)) return { value: datePart };
      }
      return { error: `must be a date written YYYY-MM-DD, got ${describe(value)}` };
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
