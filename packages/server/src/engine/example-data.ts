// Generates the example reference table (too big to commit) and copies the example packages into a storage.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempNameFor } from '../storage/atomic-write';
import { DuckDbDatabase, sqlString } from './duckdb-runtime';

export const CUSTOMERS_PATH = 'data/customers.parquet';

/**
 * Creates `data/customers.parquet` (1,000,000 customers by default) in the storage when missing.
 * Deterministic: every value is arithmetic on the customer id. Written to a temp file and renamed.
 */
export async function ensureExampleData(
  storageRoot: string,
  opts: { rows?: number } = {},
): Promise<{ path: string; created: boolean }> {
  const root = await fs.realpath(storageRoot);
  const target = path.join(root, CUSTOMERS_PATH);
  if (
    await fs.stat(target).then(
      () => true,
      () => false,
    )
  )
    return { path: CUSTOMERS_PATH, created: false };
  await fs.mkdir(path.dirname(target), { recursive: true });
  const rows = Math.max(1, Math.floor(opts.rows ?? 1_000_000));
  const temp = tempNameFor(target);
  const db = await DuckDbDatabase.create({
    allowedDirectories: [root],
    threads: 2,
    memoryLimit: '512MB',
    connections: 1,
  });
  try {
    await db.withConnection((c) =>
      c.run(
        `COPY (
           SELECT id,
                  ['retail', 'premium', 'business', 'student', 'senior'][1 + (id * 7919) % 5] AS segment,
                  ['north', 'south', 'east', 'west'][1 + (id * 104729) % 4] AS region,
                  round(500 + (id * 2654435761) % 49500, 2)::DOUBLE AS credit_limit,
                  round(((id * 40503) % 1000) / 1000.0, 3)::DOUBLE AS risk,
                  DATE '2000-01-01' + CAST((id * 7) % 9000 AS INTEGER) AS customer_since
           FROM range(1, ${rows + 1}) t(id)
           ORDER BY id
         ) TO ${sqlString(temp)} (FORMAT parquet)`,
      ),
    );
    await fs.rename(temp, target);
  } finally {
    db.close();
    await fs.rm(temp, { force: true });
  }
  return { path: CUSTOMERS_PATH, created: true };
}

/** Copies files of `examplesDir` into the storage, never overwriting what is there; returns the copied paths. */
export async function installExamples(examplesDir: string, storageRoot: string): Promise<string[]> {
  const copied: string[] = [];
  const walk = async (rel: string) => {
    for (const entry of await fs.readdir(path.join(examplesDir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) {
        const dest = path.join(storageRoot, child);
        if (
          await fs.stat(dest).then(
            () => true,
            () => false,
          )
        )
          continue;
        await fs.mkdir(path.dirname(dest), { recursive: true });
        await fs.copyFile(path.join(examplesDir, child), dest);
        copied.push(child);
      }
    }
  };
  await walk('');
  return copied;
}
