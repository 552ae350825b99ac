// Part (4)'s package, request bodies and JavaScript baseline: batches of rows through an input node and one SQL node.
export const BATCH_PACKAGE_PATH = 'bench/batch.pkg.yaml';
export const BATCH_URL = `/integrator/v1/${BATCH_PACKAGE_PATH}/mapped`;

/** The package issue 17 measured: an input node and one `sql` node. */
export const BATCH_PACKAGE = `name: Batch
version: 1.0.0
nodes:
  - id: req
    kind: input
    columns: { x: integer, label: string }
  - id: mapped
    kind: sql
    access: published
    inputs: [req]
    sql: SELECT x * 2 AS y, upper(label) AS label FROM req
`;

export interface BatchRow {
  x: number;
  label: string;
}

/** What the SQL node computes, in JavaScript (the bare route's work). */
export function mapBatchRows(rows: BatchRow[]): { y: number; label: string }[] {
  return rows.map((r) => ({ y: r.x * 2, label: r.label.toUpperCase() }));
}

/** The body of call `i` with `rows` rows: every row, so every body, differs from call to call. */
export function batchBody(rows: number, i: number): string {
  const base = (i * 104_729) % 900_000_000;
  const req: BatchRow[] = [];
  for (let r = 0; r < rows; r++) req.push({ x: base + r, label: `item ${base + r}` });
  return JSON.stringify({ inputs: { req } });
}

/**
 * `count` distinct bodies made once and cycled (`body(i)` is the i-th modulo `count`): making a
 * 10,000-row body per call would cost the load generator, on the same two cores, more than the
 * server. `count` is well above what the pool keeps (10 instances × up to 6 results), so a cycled
 * body is never answered from a kept result.
 */
export function cycledBodies(rows: number, count: number, seed: number): (i: number) => string {
  const bodies = Array.from({ length: count }, (_, k) => batchBody(rows, seed + k));
  return (i) => bodies[i % count]!;
}
