// Binds package variables to DuckDB named parameters ($name) with their declared types: values are never pasted into SQL.
import { DuckDBDateValue, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { DomainError } from '../shared/domain-error';
import type { ValueType } from './package-types';
import { parseIsoDate, type CheckedValue } from './typed-values';

export interface BoundValue {
  type: ValueType;
  value: CheckedValue;
}

/** The names of a statement's parameters, asked of DuckDB once: a kept statement is bound on every call. */
const parameterNames = new WeakMap<DuckDBPreparedStatement, string[]>();

function namesOf(stmt: DuckDBPreparedStatement): string[] {
  let names = parameterNames.get(stmt);
  if (!names) {
    names = [];
    for (let i = 1; i <= stmt.parameterCount; i++) names.push(stmt.parameterName(i));
    parameterNames.set(stmt, names);
  }
  return names;
}

/** Binds every parameter the statement names; a name with no value is an error that says which. */
export function bindParameters(stmt: DuckDBPreparedStatement, params: Record<string, BoundValue>): void {
  const names = namesOf(stmt);
  for (let i = 1; i <= names.length; i++) {
    const name = names[i - 1];
    const p = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    if (!p) {
      const known = Object.keys(params);
      throw new DomainError(
        'VALIDATION_FAILED',
        `The SQL uses $${name}, which is not a variable of the package; declared variables: ${known.length ? known.map((k) => `$${k}`).join(', ') : '(none)'}.`,
        { parameter: name },
      );
    }
    bindValue(stmt, i, p);
  }
}

/** Binds one typed value to the parameter at `index` (1-based). */
export function bindValue(stmt: DuckDBPreparedStatement, index: number, p: BoundValue): void {
  if (p.value === null) return stmt.bindNull(index);
  switch (p.type) {
    case 'string':
      return stmt.bindVarchar(index, String(p.value));
    case 'number':
      return stmt.bindDouble(index, Number(p.value));
    case 'integer':
      return stmt.bindBigInt(index, BigInt(p.value as number));
    case 'boolean':
      return stmt.bindBoolean(index, Boolean(p.value));
    case 'date': {
      const parts = parseIsoDate(String(p.value));
      if (!parts) throw new DomainError('VALIDATION_FAILED', `"${String(p.value)}" is not a date written YYYY-MM-DD.`);
      return stmt.bindDate(index, DuckDBDateValue.fromParts(parts));
    }
  }
}

/** The `$name` tokens of a query that are declared variables; over-approximate (used for cache keys only). */
export function referencedVariables(sql: string, declared: readonly string[]): string[] {
  const found = new Set<string>();
  for (const m of sql.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) if (declared.includes(m[1])) found.add(m[1]);
  return [...found].sort();
}
