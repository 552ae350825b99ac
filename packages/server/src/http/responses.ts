// The answers a route documents: its own for success, and the shared error body for each error status it can give.
import { Type, type TSchema } from '@sinclair/typebox';

const ERRORS: Record<number, string> = {
  400: 'Bad input: the message names the field and the fix',
  401: 'Not logged in: log in (cookie), or send HTTP Basic credentials or a bearer token',
  403: 'The user lacks the role for this, or a cookie login sent no CSRF token',
  404: 'No such resource',
  405: 'The resource does not take this HTTP method (the Allow header says which it takes)',
  409: 'Conflicts with the current state (the message says which)',
  413: 'The request body or the file is too large',
  415: 'The request body is not JSON',
  422: 'The package has errors',
  429: 'Too many requests, or a per-user limit is reached',
  503: 'The server is shutting down, or a part it needs does not answer',
  504: 'A timeout: the execution took longer than its timeout, or a cluster node did not answer',
  507: "The execution needs more memory than the server's budget allows",
};

const errorBody = (status: number) => ({ $ref: 'ErrorBody#', description: ERRORS[status] ?? 'An error' });

/** Every guarded route can answer these. */
export const GUARDED = [401, 403] as const;

/** `{200: schema}` plus the error body for each of `errors`. */
export function responses(ok: Record<number, TSchema>, errors: readonly number[] = []): Record<number, unknown> {
  const out: Record<number, unknown> = { ...ok };
  for (const status of errors) out[status] = errorBody(status);
  return out;
}

/** A success without a body. */
export const NO_CONTENT = Type.Null({ description: 'Done; no body' });
