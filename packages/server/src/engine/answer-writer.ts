// SQL that makes DuckDB write a result's rows as the very JSON the Integrator answers with (jsonSafeConverter's forms).
import { sqlText } from './sql-literals';

/** What a result looked like the last time: its column names (deduplicated, as answered) and DuckDB types. */
export interface ResultShape {
  names: string[];
  types: string[];
}

/**
 * Whether a field is written for a whole result checked by guards (DuckDB's own form where it is
 * ours, a guard saying where it is not: the caller then converts the rows in JavaScript), or for
 * rows streamed one by one, where every value must be right on its own.
 */
export type WriterMode = 'guarded' | 'exact';

/** Integers up to ±(2^53 − 1) are JSON numbers; beyond, strings of their digits. */
const SAFE = '9007199254740991';

const PLAIN = new Set(['VARCHAR', 'BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT', 'UINTEGER']);
const BIG = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);
const FLOATING = new Set(['DOUBLE', 'FLOAT']);
const TIMESTAMPS = new Set(['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS']);

interface Field {
  /** The struct field's value: DuckDB's to_json writes it as our JSON. */
  value: string;
  /** True where the value is written right (NULL counts as right); absent when it always is. */
  guard?: string;
}

/**
 * A double as JavaScript writes it (Number#toString), below 1e18: DuckDB writes the same shortest
 * digits, but integral values with `.0`, and NaN and the infinities bare; ours are strings, as
 * JsonDuckDBValueConverter makes them. -0 is written 0, as JSON.stringify writes it.
 */
function doubleJson(v: string): string {
  return (
    `CAST(CASE WHEN isnan(${v}) THEN '"NaN"' ` +
    `WHEN isinf(${v}) THEN CASE WHEN ${v} > 0 THEN '"Infinity"' ELSE '"-Infinity"' END ` +
    `WHEN ${v} = trunc(${v}) AND abs(${v}) < 1e15 THEN CAST(CAST(${v} AS BIGINT) AS VARCHAR) ` +
    `WHEN ${v} = trunc(${v}) THEN regexp_replace(regexp_replace(CAST(to_json(${v}) AS VARCHAR), '\\.0$', ''), 'e(\\d)', 'e+\\1') ` +
    `ELSE CAST(to_json(${v}) AS VARCHAR) END AS JSON)`
  );
}

/** How column `v` of type `type` is written, or undefined when only JavaScript writes it right. */
function field(v: string, type: string, mode: WriterMode): Field | undefined {
  if (PLAIN.has(type)) return { value: v };
  if (BIG.has(type)) {
    const inRange = type.startsWith('U') ? `${v} <= ${SAFE}` : `${v} BETWEEN -${SAFE} AND ${SAFE}`;
    if (mode === 'guarded') return { value: v, guard: inRange };
    return {
      value: `CAST(CASE WHEN ${inRange} THEN CAST(${v} AS VARCHAR) ELSE to_json(CAST(${v} AS VARCHAR)) END AS JSON)`,
    };
  }
  if (mode === 'exact') return undefined;
  if (FLOATING.has(type)) {
    const d = type === 'FLOAT' ? `CAST(${v} AS DOUBLE)` : v;
    // A JSON value is written again by to_json: a number it cannot hold as a 64-bit integer it
    // writes as a double, in its own form (1.2e20 where JavaScript writes 120000000000000000000).
    return { value: doubleJson(d), guard: `isnan(${d}) OR isinf(${d}) OR abs(${d}) < 1e18` };
  }
  // Dates and timestamps in years 1 to 9999 are written by DuckDB as node-api writes them; others
  // (BC, year 0, beyond 9999, the infinities) are left to JavaScript.
  if (type === 'DATE') return { value: v, guard: `${v} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'` };
  if (TIMESTAMPS.has(type)) {
    // Nanosecond timestamps (1677 to 2262) need no guard, and cannot be compared with year 1.
    const inRange = `CAST(${v} AS TIMESTAMP) BETWEEN TIMESTAMP '0001-01-01' AND TIMESTAMP '9999-12-31 23:59:59'`;
    return {
      value: `replace(CAST(${v} AS VARCHAR), ' ', 'T') || 'Z'`,
      guard: type === 'TIMESTAMP_NS' ? undefined : inRange,
    };
  }
  return undefined;
}

export interface RowWriter {
  /** A struct of the row, its fields in the order JavaScript keeps an object's keys. */
  struct: string;
  /** True when every value was written right (absent: always). */
  guard?: string;
  /** `typeof` of every column joined by `|`: a check that the columns still have the types written for. */
  typesCheck: string;
}

/**
 * The writer for rows of columns `c0`, `c1`, … of relation `q`, with `shape`'s names and types; undefined
 * when a column's type is not written by DuckDB (the rows are then converted in JavaScript).
 */
export function rowWriter(shape: ResultShape, mode: WriterMode): RowWriter | undefined {
  const { names, types } = shape;
  // The keys as the converted row object has them (materializedPage assigns them in column order):
  // array-index-like keys first, a repeated name keeps its first place and its last value, and
  // `__proto__` is no key at all.
  const probe: Record<string, number> = {};
  names.forEach((n, i) => (probe[n] = i));
  const keys = Object.keys(probe);
  // DuckDB's struct field names are case-insensitive: two names differing in case only cannot be fields.
  if (new Set(keys.map((k) => k.toLowerCase())).size !== keys.length || !keys.length) return undefined;
  if (keys.some((k) => k === '' || k.includes('\u0000'))) return undefined;
  const fields: string[] = [];
  const guards: string[] = [];
  for (const key of keys) {
    const i = probe[key];
    const f = field(`q.c${i}`, types[i], mode);
    if (!f) return undefined;
    fields.push(`${sqlText(key)}: ${f.value}`);
    if (f.guard) guards.push(`coalesce(${f.guard}, true)`);
  }
  return {
    struct: `{${fields.join(', ')}}`,
    guard: guards.length ? guards.join(' AND ') : undefined,
    typesCheck: types.map((_, i) => `typeof(q.c${i})`).join(` || '|' || `),
  };
}

/** The column aliases `q(c0, c1, …)` the writer refers to. */
export function columnAliases(count: number): string {
  return Array.from({ length: count }, (_, i) => `c${i}`).join(', ');
}

/** `\u00` followed by `0`/`1` and an upper-case hex digit: an escape DuckDB writes and JSON.stringify does not. */
const UPPER_HEX_ESCAPE = /\\u00[01][A-F]/;

/**
 * DuckDB escapes some control characters as `\u001F` where JSON.stringify writes `\u001f`; such a
 * text (rare) is written again by JSON.parse and JSON.stringify, which gives exactly ours. A match
 * may also be an escaped backslash before `u00…`: writing such a text again changes nothing.
 */
export function withOurEscapes(text: string): string {
  return UPPER_HEX_ESCAPE.test(text) ? JSON.stringify(JSON.parse(text)) : text;
}

/** withOurEscapes on UTF-8 bytes, which are decoded only when an escape is there to be rewritten. */
export function bytesWithOurEscapes(bytes: Uint8Array): Uint8Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf('\\u00'); at !== -1; at = buffer.indexOf('\\u00', at + 1)) {
    const hi = buffer[at + 4];
    const lo = buffer[at + 5];
    if ((hi === 0x30 || hi === 0x31) && lo >= 0x41 && lo <= 0x46)
      return Buffer.from(withOurEscapes(buffer.toString('utf8')), 'utf8');
  }
  return bytes;
}

/** `1,2,…,N` for the largest N asked so far (at most an answer's row limit and one). */
let sequence = '';
let sequenceCount = 0;

/** The length of `1,2,…,n`. */
function sequenceLength(n: number): number {
  let length = Math.max(0, n - 1); // the commas
  for (let digits = 1, low = 1; low <= n; digits++, low *= 10) length += digits * (Math.min(n, low * 10 - 1) - low + 1);
  return length;
}

/**
 * Whether `text` is `1,2,…,count`: the row numbers in the order an aggregate took its rows. The
 * aggregates of one query take the same rows in the same order (DuckDB updates them all from each
 * chunk and combines their states together), so the rows' texts joined beside these numbers are in
 * the query's order exactly when the numbers are.
 */
export function isSequence(text: string, count: number): boolean {
  if (text.length !== sequenceLength(count)) return false;
  for (; sequenceCount < count; sequenceCount++) sequence += sequenceCount ? `,${sequenceCount + 1}` : '1';
  return sequence.startsWith(text);
}
