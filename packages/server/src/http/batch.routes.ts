// BatchLauncher runs (docs/http-api.md): POST /api/batch/runs streams newline-delimited JSON events until the run ends.
import { randomUUID } from 'node:crypto';
import type { BatchEvent, SessionEvent } from '@flowport/protocol';
import { BatchRunRequestSchema, type BatchRunRequest } from '@flowport/protocol/schemas';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../shared/domain-error';
import type { AppServices } from '../services';
import { IntegrationService } from '../workspace/integration-service';
import { isCancellationCode } from '../workspace/call-cancellation';
import { cancelWhenCallerGone } from './caller-gone';
import { toHttpError } from './error-mapping';
import { GUARDED, responses } from './responses';
import { clientAddress, principalOf } from './route-guard';

const CALLERS = { access: ['admin', 'batch'] as const };

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
    sessionLog: services.workspace.sessionLog,
    inFlight: services.inFlight,
  });

  const schema = {
    summary: 'Run a package through the pool; streams its progress until it ends (closing the connection cancels it)',
    tags: ['batch'],
    body: BatchRunRequestSchema,
    // The stream is written past Fastify's serializer: documented here, one BatchEvent a line.
    produces: ['application/x-ndjson'],
    response: responses(
      {
        200: Type.String({
          description:
            'Newline-delimited JSON events: started, node-started, progress, node-finished, node-failed, and finished last',
        }),
      },
      [400, ...GUARDED, 404, 422, 503],
    ),
  };

  app.post<{ Body: BatchRunRequest }>('/api/batch/runs', { config: CALLERS, schema }, async (request, reply) => {
    const body = request.body;
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
