// BatchLauncher's wire types: the run request and the newline-delimited JSON events of POST /api/batch/runs.

/** The body of POST /api/batch/runs. */
export interface BatchRunRequest {
  package: string;
  node?: string;
  variables?: Record<string, unknown>;
}

/** The events of the stream, one JSON object a line. */
export type BatchEvent =
  | {
      type: 'started';
      requestId: string;
      session: string;
      package: string;
      name: string;
      version: string;
      node: string | null;
      at: string;
    }
  | { type: 'node-started'; node: string; at: string }
  | { type: 'progress'; percent: number; node: string; nodeStartedAt: string }
  | { type: 'node-finished'; node: string; rows: number; durationMs: number }
  | { type: 'node-failed'; node: string; error: string }
  | {
      type: 'finished';
      outcome: 'done' | 'failed' | 'cancelled';
      node?: string;
      /** Rows of the target node. */
      rows?: number;
      executed?: string[];
      reused?: string[];
      durationMs: number;
      error?: { code: string; message: string };
    };
