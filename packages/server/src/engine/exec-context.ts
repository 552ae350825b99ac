// What executing a node gets from its run: the database, its inputs and upstream results, variables, callees.
import type { ResultShape } from './answer-writer';
import type { CallChain } from './call-chain';
import type { DuckDbDatabase } from './duckdb-runtime';
import type { JsonRows } from './json-rows';
import type { NodeResult } from './node-job';
import type { BoundValue } from './sql-parameters';
import type { TableSink, WantedColumns } from './table-transfer';
import type { FileStorage } from '../storage/file-storage';

/** Rows handed in by a request, or a table a calling package streams in on demand. */
export type InputSource =
  | { kind: 'rows'; rows: JsonRows }
  | {
      kind: 'table';
      fingerprint: string;
      /** Sends the rows, with the columns the receiving input node declares. */
      send(sink: TableSink, signal: AbortSignal, want: WantedColumns): Promise<void>;
    };

export interface CallTarget {
  /** Computes a public node with these inputs and streams its result into `sink`. */
  callNode(
    node: string,
    inputs: Record<string, InputSource>,
    signal: AbortSignal,
    onFraction: ((f: number) => void) | undefined,
    sink: TableSink,
    /** The chain inside this call (depth, trail, the run's signal); a fresh one when absent. */
    chain?: CallChain,
  ): Promise<void>;
}

export interface ExecContext {
  db: DuckDbDatabase;
  storage: FileStorage;
  table: string;
  signal: AbortSignal;
  progress(fraction: number): void;
  upstream(id: string): NodeResult;
  /** The key a called package caches our node `id` under; the planner uses the same one. */
  sourceKey(id: string): string;
  variables: Record<string, BoundValue>;
  /** What this instance learnt about its SQL texts (shared by all its runs). */
  sqlMemory: SqlMemory;
  inputSource?: InputSource;
  resolveCallee?(alias: string): Promise<CallTarget>;
  /** A call node's: the chain inside its call, planned with the run. */
  callChain?: CallChain;
  /** Set when the node is its run's answered target: its answer, at most `limit` rows, may need no table. */
  answer?: { limit: number };
}

/** What an instance has learnt about its SQL texts, so later runs take fewer round trips. */
export interface SqlMemory {
  /** Prepared once as one statement without parameters: shares round trips with the engine's SQL. */
  proven: Set<string>;
  /** Its last result was small and kept as literal rows: run as a plain query (no table) first. */
  small: Set<string>;
  /** Cannot be read as a subquery (a trailing semicolon, say): always made into a table. */
  unwrappable: Set<string>;
  /** How the texts answered as a run's target are answered without a table. */
  answers: AnswerMemory;
}

/** What an instance learnt about answering its SQL texts. */
export interface AnswerMemory {
  /** The columns each text's result had: DuckDB writes the next answer's JSON itself. */
  shapes: Map<string, ResultShape>;
  /** Its last result had more rows than an answer holds: made into a table at once. */
  large: Set<string>;
  /** Its rows reached the writer's aggregate out of order once (a parallel reading): joined by their numbers. */
  ordered: Set<string>;
}
