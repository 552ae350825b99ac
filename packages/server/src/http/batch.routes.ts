// BatchLauncher runs (docs/http-api.md): POST /api/batch/runs streams newline-delimited JSON events until the run ends.
import { randomUUID } from 'node:crypto';
import type { BatchEvent, BatchRunRequest, SessionEvent } from '@flowport/protocol';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../shared/domain-error';
import type { AppServices } from '../services';
import { IntegrationService } from '../workspace/integration-service';
import { isCancellationCode } from '../workspace/call-cancellation';
import { cancelWhenCallerGone } from './caller-gone';
import { toHttpError } from './error-mapping';
import { clientAddress, principalOf } from './route-guard';

const CALLERS = { access: ['admin', 'batch'] as const };

function parseRunBody(body: unknown): BatchRunRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b))
    throw new DomainError(
      'BAD_REQUEST',
      'Send {"package": "<path>", "node"?: "<published node>", "variables"?: {...}}',
    );
  if (typeof b.package !== 'string' || b.package === '')
    throw new DomainError(
      'BAD_REQUEST',
      '"package" must be the package path in the storage, e.g. credit/scoring.pkg.yaml',
    );
  if (b.node !== undefined && (typeof b.node !== 'string' || b.node === ''))
    throw new DomainError('BAD_REQUEST', '"node" must be a published node id');
  if (
    b.variables !== undefined &&
    (typeof b.variables !== 'object' || b.variables === null || Array.isArray(b.variables))
  ) {
    throw new DomainError('BAD_REQUEST', '"variables" must be an object of name: value');
  }
  const unknown = Object.keys(b).filter((k) => !['package', 'node', 'variables'].includes(k));
  if (unknown.length) throw new DomainError('BAD_REQUEST', `Unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
  return {
    package: b.package,
    node: b.node as string | undefined,
    variables: b.variables as Record<string, unknown> | undefined,
  };
}

function toBatchEvent(e: SessionEvent): BatchEvent | undefined {
  switch (e.type) {
    case 'node-started':
      return { type: 'node-started', node: e.node, at: e.at };
    case 'progress':
      return {
        type: 'progress',
        percent: Math.round(e.progress.percent * 10) / 10,
        node: e.progress.node,
        nodeStartedAt: e.progress.nodeStartedAt,
      };
    case 'node-finished':
      return { type: 'node-finished', node: e.node, rows: e.rows, durationMs: e.durationMs };
    case 'node-failed':
      return { type: 'node-failed', node: e.node, error: e.error };
    default:
      return undefined; // run-finished: the route sends `finished` with the error code
  }
}

export async function batchRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  const calls = new IntegrationService({
    core: services.workspace.core,
    log: services.logger,
    hooks: services.workspace.executionHooks,
    inFlight: services.inFlight,
  });

  app.post('/api/batch/runs', { config: CALLERS }, async (request, reply) => {
    const body = parseRunBody(request.body);
    const p = principalOf(request);
    const requestId = randomUUID();
    const gone = cancelWhenCallerGone(reply);
    const started = Date.now();
    // Unknown package or node, a package with errors: a plain JSON error before anything streams.
    let prepared;
    try {
      prepared = await calls.prepare({
        kind: 'batch',
        user: p.user,
        roles: p.roles,
        host: clientAddress(request),
        requestId,
        path: body.package,
        node: body.node,
        variables: body.variables,
        cancellation: gone.cancellation,
      });
    } catch (err) {
      gone.dispose();
      if (err instanceof DomainError) throw new DomainError(err.code, err.message, { ...err.details, requestId });
      throw err;
    }

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': requestId,
    });
    const write = (e: BatchEvent) => {
      if (!res.destroyed && !res.writableEnded) res.write(`${JSON.stringify(e)}\n`);
    };
    write({
      type: 'started',
      requestId,
      session: prepared.session.name,
      package: body.package,
      name: prepared.instance.name,
      version: prepared.instance.version,
      node: body.node ?? null,
      at: new Date(started).toISOString(),
    });
    try {
      const result = await prepared.execute((e) => {
        const out = toBatchEvent(e);
        if (out) write(out);
      });
      write({
        type: 'finished',
        outcome: 'done',
        ...(body.node ? { node: body.node, rows: result.total ?? result.rows?.length ?? 0 } : {}),
        executed: result.executed,
        reused: result.reused,
        durationMs: Date.now() - started,
      });
    } catch (err) {
      const { body: errBody, unexpected } = toHttpError(err);
      if (unexpected) request.log.error({ err, requestId }, 'batch run failed unexpectedly');
      // Stopped short (a stop, the timeout, the server shutting down) rather than failed by the package.
      const cancelled = isCancellationCode(errBody.error.code);
      write({
        type: 'finished',
        outcome: cancelled ? 'cancelled' : 'failed',
        ...(body.node ? { node: body.node } : {}),
        durationMs: Date.now() - started,
        error: { code: errBody.error.code, message: errBody.error.message },
      });
    } finally {
      prepared.end();
      gone.dispose();
      res.end();
    }
  });
}
