// A run's answer for its target node: rows as objects, as the JSON text of them, or every row streamed.
import type { DuckDbDatabase } from './duckdb-runtime';
import type { NodeResult } from './node-job';
import { readResultPage } from './result-page';
import { streamResult, type Streamed } from './result-stream';
import type { RowSink, RunResult } from './run-types';

/** What a run answers with, for which node. */
export type TargetAnswer =
  | { node: string; mode: 'objects' | 'json'; limit: number }
  | { node: string; mode: 'stream'; limit: number; sink: RowSink };

/**
 * The answer's part of the run result. `streamed` is set when the target's rows were already
 * streamed straight from its query; otherwise a streamed answer reads its result now.
 */
export async function answerOf(
  target: TargetAnswer,
  result: NodeResult | undefined,
  streamed: Streamed | undefined,
  signal: AbortSignal,
  db: () => Promise<DuckDbDatabase>,
): Promise<Partial<RunResult>> {
  const { node } = target;
  if (target.mode === 'stream') {
    const sent = streamed ?? (await streamResult(await db(), result!, target.sink, signal));
    return { node, columns: sent.columns, total: sent.rows, truncated: false };
  }
  const r = result!;
  const truncated = r.rows > target.limit;
  // The text DuckDB wrote holds every row (no more than the limit): the answer as it is.
  if (target.mode === 'json' && r.answer !== undefined)
    return { node, rowsJson: r.answer, columns: r.columns, total: r.rows, truncated };
  const read = readResultPage(r, 0, target.limit, db);
  const page = read instanceof Promise ? await read : read;
  if (target.mode === 'json')
    return {
      node,
      rowsJson: Buffer.from(JSON.stringify(page.rows), 'utf8'),
      columns: page.columns,
      total: r.rows,
      truncated,
    };
  return { node, rows: page.rows, columns: page.columns, total: r.rows, truncated };
}
