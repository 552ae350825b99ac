// The Integrator REST API (docs/http-api.md): one POST per published node, its OpenAPI document and the documentation page.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Transform, type Readable } from 'node:stream';
import {
  IntegratorAnswerSchema,
  IntegratorCallSchema,
  IntegratorQuerySchema,
  type IntegratorCall,
} from '@flowport/protocol/schemas';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, isDomainError } from '../shared/domain-error';
import type { AppServices } from '../services';
import { CallLimiter } from '../workspace/call-limiter';
import { IntegrationService } from '../workspace/integration-service';
import { PublishedCatalog } from '../workspace/published-catalog';
import { answerBody, NDJSON, ndjsonAnswer, wantsNdjson } from './integrator-answer';
import { buildOpenApiDocument, INTEGRATOR_PREFIX, TIMEOUT_HEADER } from './integrator-openapi';
import { GUARDED, responses } from './responses';
import { cancelWhenCallerGone } from './caller-gone';
import { clientAddress, principalOf } from './route-guard';

const CALLERS = { access: ['admin', 'batch'] as const };
/**
 * How many Integrator calls execute at once; the others wait their turn (within their timeout).
 * Up to the pool size every running call's instance goes back to the pool, so nothing is loaded
 * only to be discarded; a small pool still lets a couple of calls per core run side by side.
 */
export function concurrentCalls(poolSize: number): number {
  return Math.max(poolSize, 2 * CORES);
}
/** Asked once: the limiter reads its limit on every call. */
const CORES = availableParallelism();

/** The largest integratorBodyLimitBytes allowed; the parameter's current value is enforced per request. */
const MAX_BODY_LIMIT = 1024 * 1024 * 1024;

function tooLarge(limit: number): DomainError {
  const err = new DomainError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than ${limit} bytes (server parameter integratorBodyLimitBytes)`,
    { limit },
  );
  // Fastify keeps a 4xx status set on a body-reading error instead of turning it into a 400.
  return Object.assign(err, { statusCode: 413 });
}

/** Refuses a body over the current limit: at once by its declared length, or while a chunked body streams in. */
function limitBody<P extends Readable>(limit: number, request: FastifyRequest, payload: P): P | Transform {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared)) {
    if (declared > limit) throw tooLarge(limit);
    return payload; // Node's parser never reads past the declared length.
  }
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      done(received > limit ? tooLarge(limit) : null, chunk);
    },
  });
  payload.on('error', (err) => counter.destroy(err as Error));
  return payload.pipe(counter);
}

/** `credit/scoring.pkg.yaml/scored` → package path and node. */
function splitTarget(rest: string): { path: string; node: string } {
  const i = rest.lastIndexOf('/');
  if (i <= 0 || i === rest.length - 1) {
    throw new DomainError(
      'NOT_FOUND',
      `Call ${INTEGRATOR_PREFIX}/<package path>/<published node>, e.g. ${INTEGRATOR_PREFIX}/credit/scoring.pkg.yaml/scored`,
    );
  }
  return { path: rest.slice(0, i), node: rest.slice(i + 1) };
}

/** The server's limit, lowered (never raised) by the caller's header or query parameter. */
export function effectiveTimeoutMs(serverSeconds: number, header: unknown, query: unknown): number {
  let seconds = serverSeconds;
  for (const [name, raw] of [
    [TIMEOUT_HEADER, header],
    ['timeout', query],
  ] as const) {
    if (raw === undefined || raw === '') continue;
    const n = typeof raw === 'string' ? Number(raw.trim()) : NaN;
    // Under a millisecond would round to no time at all: a 504 for what is the caller's mistake.
    if (!Number.isFinite(n) || n < 0.001)
      throw new DomainError(
        'BAD_REQUEST',
        `${name} must be a number of seconds, at least 0.001, got ${JSON.stringify(raw).slice(0, 40)}`,
      );
    seconds = Math.min(seconds, n);
  }
  return Math.round(seconds * 1000);
}

export async function integratorRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  const { workspace, params, logger } = services;
  const catalog = new PublishedCatalog(workspace.storage, logger);
  const calls = new IntegrationService({
    core: workspace.core,
    log: logger,
    limiter: new CallLimiter(() => concurrentCalls(params.get().packagePoolSize)),
    hooks: workspace.executionHooks,
    sessionLog: workspace.sessionLog,
    inFlight: services.inFlight,
    onResultColumns: (path, fileVersion, node, columns) => catalog.learn(path, fileVersion, node, columns),
  });
  let cached: { signature: string; json: string } | undefined;

  const documentSchema = {
    summary: 'The Integrator’s OpenAPI document: one operation per published node',
    tags: ['integrator'],
    response: responses(
      { 200: Type.Object({}, { additionalProperties: true, description: 'An OpenAPI 3.1 document' }) },
      GUARDED,
    ),
  };
  app.get(`${INTEGRATOR_PREFIX}/openapi.json`, { config: CALLERS, schema: documentSchema }, async (_request, reply) => {
    const view = await catalog.view();
    if (cached?.signature !== view.signature) {
      cached = { signature: view.signature, json: JSON.stringify(buildOpenApiDocument(view)) };
    }
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(cached.json);
  });

  // An operation called with another method is told which one it takes, not that it does not exist.
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: `${INTEGRATOR_PREFIX}/*`,
    config: { access: 'public' },
    schema: {
      summary: 'Integrator operations take POST only: answers 405 with an Allow header',
      tags: ['integrator'],
      security: [],
      response: responses({}, [405]),
    },
    handler: async (request, reply) => {
      void reply.header('allow', 'POST');
      throw new DomainError(
        'METHOD_NOT_ALLOWED',
        `Integrator operations are called with POST, not ${request.method}; the operations are listed in ${INTEGRATOR_PREFIX}/openapi.json`,
      );
    },
  });

  app.post<{ Params: { '*': string }; Querystring: { timeout?: string }; Body: IntegratorCall }>(
    `${INTEGRATOR_PREFIX}/*`,
    {
      config: CALLERS,
      schema: {
        summary: 'Call a published node: POST /integrator/v1/<package path>/<node>',
        description:
          'Each published node is an operation of its own, with its variables, input rows and result ' +
          `columns, in ${INTEGRATOR_PREFIX}/openapi.json; the body's contents are checked against the package.`,
        tags: ['integrator'],
        querystring: IntegratorQuerySchema,
        body: IntegratorCallSchema,
        response: responses(
          {
            200: {
              description: 'The rows: at most 10,000 as JSON, or every row as NDJSON with Accept: application/x-ndjson',
              content: {
                'application/json': { schema: IntegratorAnswerSchema },
                [NDJSON]: {
                  schema: Type.String({
                    description:
                      'One row object per line; the columns are in the x-flowport-columns header, the row count in the x-flowport-rows trailer',
                  }),
                },
              },
            } as never,
          },
          [400, ...GUARDED, 404, 409, 413, 415, 422, 429, 504],
        ),
      },
      bodyLimit: MAX_BODY_LIMIT,
      // A callback hook: no promise per call for what is decided at once from the declared length.
      preParsing: (request, _reply, payload, done) => {
        let limited: ReturnType<typeof limitBody<typeof payload>>;
        try {
          limited = limitBody(params.get().integratorBodyLimitBytes, request, payload);
        } catch (err) {
          return done(err as Error);
        }
        done(null, limited);
      },
    },
    async (request, reply) => {
      const requestId = randomUUID();
      void reply.header('x-request-id', requestId);
      const gone = cancelWhenCallerGone(reply);
      const streamed = wantsNdjson(request.headers.accept) ? ndjsonAnswer(reply) : undefined;
      try {
        const { path, node } = splitTarget(request.params['*']);
        const body = request.body;
        const timeoutMs = effectiveTimeoutMs(
          params.get().integratorTimeoutSeconds,
          request.headers[TIMEOUT_HEADER],
          request.query.timeout,
        );
        const p = principalOf(request);
        const result = await calls.call({
          kind: 'integrator',
          user: p.user,
          roles: p.roles,
          host: clientAddress(request),
          requestId,
          path,
          node,
          variables: body.variables,
          inputs: body.inputs,
          cancellation: gone.cancellation,
          timeoutMs,
          // The rows as the JSON text DuckDB wrote (no object per row), or all of them streamed.
          answer: streamed ? 'stream' : 'json',
          sink: streamed?.sink,
        });
        if (!streamed) return reply.type('application/json; charset=utf-8').send(answerBody(requestId, node, result));
        if (!streamed.started) streamed.sink.begin(result.columns ?? []);
        streamed.end(result.total ?? 0);
        return reply;
      } catch (err) {
        if (streamed?.started) {
          // The 200 and some rows are out: cutting the connection is the only way left to say so.
          streamed.fail(err as Error);
          return reply;
        }
        // The request id travels with errors too, so a failed call can be found in the log.
        if (isDomainError(err)) throw new DomainError(err.code, err.message, { ...err.details, requestId });
        throw err;
      } finally {
        gone.dispose();
      }
    },
  );
}
