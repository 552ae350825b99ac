// The Integrator's wire types: the body of a call to a published node and its answer.

/** The body of POST /integrator/v1/<package path>/<node>. */
export interface IntegratorCallBody {
  /** Rows for the package's input nodes, by node id. */
  inputs?: Record<string, unknown>;
  /** Values of the package's variables, by name. */
  variables?: Record<string, unknown>;
}

/** A successful call's answer: the node's result, at most a page of it (`truncated` when cut). */
export interface IntegratorAnswer {
  requestId: string;
  node: string;
  rows: Record<string, unknown>[];
  columns: { name: string; type: string }[];
  total: number;
  truncated: boolean;
}
