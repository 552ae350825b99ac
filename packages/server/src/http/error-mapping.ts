// Maps domain error codes to HTTP statuses and renders every error as {error: {code, message}}.
import type { ErrorBody, ErrorCode } from '@flowport/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../shared/domain-error';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  LOGIN_LOCKED: 429,
  ACCOUNT_BLOCKED: 403,
  NO_ROLE: 403,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  USER_NOT_FOUND: 404,
  USER_EXISTS: 409,
  LAST_ADMIN: 409,
  SESSION_NOT_FOUND: 404,
  PACKAGE_NOT_FOUND: 404,
  NODE_NOT_FOUND: 404,
  PACKAGE_INVALID: 422,
  PACKAGE_REFERENCED: 409,
  PACKAGE_READ_ONLY: 403,
  NOT_RUNNING: 409,
  NODE_UNREACHABLE: 504,
  ALREADY_RUNNING: 409,
  PATH_OUTSIDE_STORAGE: 400,
  PATH_INVALID: 400,
  FILE_NOT_FOUND: 404,
  // 409 Conflict, as a failed If-Match would be 412: the client chooses reload, overwrite or save as.
  SAVE_CONFLICT: 409,
  FILE_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  EXECUTION_FAILED: 500,
  EXECUTION_CANCELLED: 409,
  TIMEOUT: 504,
  SHUTTING_DOWN: 503,
  NOT_READY: 503,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  REFERENCE_CYCLE: 422,
  CALL_DEPTH_EXCEEDED: 422,
  PACKAGE_TOO_LARGE: 413,
  // 507 Insufficient Storage: the server lacks the memory to complete the request (retrying will not help).
  MEMORY_LIMIT: 507,
  // The client may retry once it has closed a session or a package.
  LIMIT_REACHED: 429,
};

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

/** Fastify's errors about a request body, said the way the rest of the API says things (JSON itself: json-body.ts). */
const BODY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the request body as JSON, with the header Content-Type: application/json',
  },
};

/** Turns any thrown value into a status and body; unknown errors become a 500 without internals. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (isDomainError(err)) {
    return {
      status: HTTP_STATUS[err.code] ?? 500,
      body: errorBody(err.code, err.message, err.details),
      unexpected: false,
    };
  }
  const fe = err as FastifyError;
  const parsing = fe?.code ? BODY_ERRORS[fe.code] : undefined;
  if (parsing)
    return { status: HTTP_STATUS[parsing.code], body: errorBody(parsing.code, parsing.message), unexpected: false };
  if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      body: errorBody('PAYLOAD_TOO_LARGE', `The request body is larger than the limit: ${fe.message}`),
      unexpected: false,
    };
  }
  if (fe?.validation) {
    return { status: 400, body: errorBody('BAD_REQUEST', `Invalid request: ${fe.message}`), unexpected: false };
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: errorBody('BAD_REQUEST', fe.message), unexpected: false };
  }
  return { status: 500, body: errorBody('INTERNAL', 'Internal server error; see the server log'), unexpected: true };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body, unexpected } = toHttpError(err);
    if (unexpected) request.log.error({ err }, 'unexpected error');
    else request.log.debug({ code: body.error.code, status }, body.error.message);
    void reply.status(status).send(body);
  });
}

/**
 * Fastify's option for the errors its router answers before any route or hook (a bad %-escape, a
 * path parameter over maxParamLength): said in the API's error format instead of Fastify's own.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply
      .status(414)
      .send(
        errorBody(
          'BAD_REQUEST',
          'A part of the URL is longer than 100 characters: no session, package, node or user has so long a name',
        ),
      );
    return;
  }
  if (err.code === 'FST_ERR_BAD_URL') {
    void reply.status(400).send(errorBody('BAD_REQUEST', 'The URL has a malformed %-escape; encode "%" as %25'));
    return;
  }
  const { status, body } = toHttpError(err);
  void reply.status(status).send(body);
}
