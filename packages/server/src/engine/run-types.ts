// The options, events and results of a package run, as the core and the HTTP layer see them.
import type { ColumnInfo } from './json-values';

export interface RunProgress {
  /** 0..100 */
  percent: number;
  node: string;
  /** Epoch ms the node's activation started. */
  nodeStartedAt: number;
  nodesDone: number;
  nodesTotal: number;
  /** The running statement has no DuckDB figure: `percent` is the nodes' share alone. */
  indeterminate?: boolean;
}

export type NodeEvent =
  | { type: 'started'; node: string; at: number }
  | { type: 'finished'; node: string; at: number; rows: number; durationMs: number; reused: boolean }
  | { type: 'failed'; node: string; at: number; error: string }
  | { type: 'cancelled'; node: string; at: number };

export interface RunOptions {
  /** The node to activate (with the predecessors it needs); all nodes when absent. */
  node?: string;
  variables?: Record<string, unknown>;
  /** Rows for input nodes, by input node id. */
  inputs?: Record<string, unknown>;
  signal?: AbortSignal;
  onProgress?(p: RunProgress): void;
  onNode?(e: NodeEvent): void;
  /** Refuse a target node below this access (the Integrator asks for 'published'). */
  requireAccess?: 'public' | 'published';
  /**
   * How the target node's rows are answered: `objects` (the default) in `rows`; `json`, the JSON
   * text of the same rows in `rowsJson` (the target may then keep no table: DuckDB writes the
   * text); `stream`, every row, however many, through `stream`.
   */
  answer?: 'objects' | 'json' | 'stream';
  /** With `answer: 'stream'`: where the rows go, before the run resolves. */
  sink?: RowSink;
}

/** Where streamed rows go: one JSON object per row. */
export interface RowSink {
  /** Told the columns before the first row is written. */
  begin(columns: ColumnInfo[]): void;
  /** Takes the next rows as NDJSON text (an object and a line feed each); a promise when it is full. */
  write(text: string): void | Promise<void>;
}

export interface RunResult {
  node?: string;
  /** The target node's rows, at most maxResultRows. */
  rows?: Record<string, unknown>[];
  /** With `answer: 'json'`: the JSON of those rows (an array of objects), in UTF-8. */
  rowsJson?: Uint8Array;

  columns?: ColumnInfo[];
  total?: number;
  truncated?: boolean;
  executed: string[];
  reused: string[];
  durationMs: number;
}
