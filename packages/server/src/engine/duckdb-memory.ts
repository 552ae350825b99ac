// DuckDB's own account of a database's memory: what duckdb_memory() says it holds, and its memory_limit in bytes.
import type { DuckDBConnection } from '@duckdb/node-api';

export interface DuckDbMemoryFigures {
  /** Memory DuckDB's buffer manager holds for this database (all tags of duckdb_memory()). */
  usedBytes: number;
  /** The database's memory_limit. */
  limitBytes: number;
}

const UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** A size as DuckDB prints a setting ('953.6 MiB', '1GB'); NaN for anything else. */
export function parseDuckDbSize(text: string): number {
  const m = /^\s*([\d.]+)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
}

/** One query, on a connection the caller lends (it must be idle). */
export async function readDuckDbMemory(conn: DuckDBConnection): Promise<DuckDbMemoryFigures> {
  const reader = await conn.runAndReadAll(
    "SELECT coalesce((SELECT sum(memory_usage_bytes) FROM duckdb_memory()), 0)::BIGINT, current_setting('memory_limit')",
  );
  const [used, limit] = reader.getRows()[0]!;
  return { usedBytes: Number(used), limitBytes: parseDuckDbSize(String(limit)) };
}
