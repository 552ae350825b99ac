// Converts DuckDB values to JSON-safe values (numbers when exact, ISO strings for dates and times).
import {
  DuckDBTypeId,
  type DuckDBMaterializedResult,
  JsonDuckDBValueConverter,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';

function bigintToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** `2024-01-02 03:04:05.123` (DuckDB's text) -> `2024-01-02T03:04:05.123Z`; other forms are kept. */
function timestampText(text: string, zoned: boolean): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(.*)$/.exec(text);
  if (!m) return text;
  if (zoned) {
    const d = new Date(`${m[1]}T${m[2]}${m[3] === '+00' ? 'Z' : (m[3] ?? '')}`);
    return Number.isNaN(d.getTime()) ? text : d.toISOString();
  }
  return `${m[1]}T${m[2]}Z`;
}

export const jsonSafeConverter: DuckDBValueConverter<Json> = (value: DuckDBValue, type: DuckDBType, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === 'bigint' ? bigintToJson(value) : String(value);
    case DuckDBTypeId.DECIMAL: {
      const n = Number(String(value));
      return Number.isFinite(n) ? n : String(value);
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampText(String(value), false);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return timestampText(String(value), true);
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};

export interface ColumnInfo {
  name: string;
  type: string;
}

/** Columns and rows of a materialized result, read without another round trip to DuckDB. */
export function materializedPage(result: DuckDBMaterializedResult): {
  columns: ColumnInfo[];
  rows: Record<string, unknown>[];
} {
  const names = result.deduplicatedColumnNames();
  const columns = result.columnTypes().map((t, i) => ({ name: names[i], type: t.toString() }));
  const rows: Record<string, unknown>[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    for (const row of result.getChunk(c).convertRows(jsonSafeConverter)) {
      const obj: Record<string, unknown> = {};
      names.forEach((n, i) => (obj[n] = row[i]));
      rows.push(obj);
    }
  }
  return { columns, rows };
}
