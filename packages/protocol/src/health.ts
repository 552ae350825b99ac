// Readiness: whether the parts the server needs answer (GET /api/health/ready); liveness is HealthResponse.

/** One part the server needs; `error` says briefly why it failed (no paths or internals). */
export interface ReadinessCheckResult {
  ok: boolean;
  /** How long the check took. */
  ms: number;
  error?: string;
}

/** The 200 answer; a 503 carries the same checks in error.details, with the names of those that failed. */
export interface ReadinessResponse {
  status: 'ready';
  checks: Record<string, ReadinessCheckResult>;
}
