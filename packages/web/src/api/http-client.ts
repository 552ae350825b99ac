// The one way the pages talk to the server: JSON over fetch with the session cookie, the CSRF
// token of the current login on every state-changing call, and errors thrown as ApiError.
import { CSRF_HEADER, type ErrorBody, type LoginResponse, type MeResponse } from '@flowport/protocol';

/** An error answer of the API (or a network failure, code NETWORK_ERROR, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field issues of a VALIDATION_FAILED answer (`details.issues`), or an empty list. */
  get issues(): { field: string; message: string }[] {
    const issues = this.details?.issues;
    if (!Array.isArray(issues)) return [];
    return issues.filter(
      (i): i is { field: string; message: string } =>
        typeof i === 'object' && i !== null && typeof i.field === 'string' && typeof i.message === 'string',
    );
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const STATE_CHANGING: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<(error: ApiError) => void>();

/** Remembers the CSRF token of the current login (done by login() and me()). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/**
 * Called when a call other than login/me answers 401 (the session ended or expired), so the
 * app can send the user back to the login page. Returns the unsubscribe function.
 */
export function onUnauthenticated(listener: (error: ApiError) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  /** Query parameters; undefined and null values are left out. */
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** Do not notify the unauthenticated listeners on 401 (login and me do this). */
  quietUnauthenticated?: boolean;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function readError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall back to the status text
  }
  const err = (body as Partial<ErrorBody> | null)?.error;
  if (err && typeof err.code === 'string') {
    return new ApiError(response.status, err.code, err.message || err.code, err.details);
  }
  return new ApiError(response.status, `HTTP_${response.status}`, response.statusText || `HTTP ${response.status}`);
}

/** Sends one request and answers the parsed JSON body (undefined for 204 or an empty body). */
export async function request<T>(
  method: HttpMethod,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (STATE_CHANGING.has(method) && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', `The server cannot be reached (${(e as Error)?.message ?? e})`);
  }
  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && !options.quietUnauthenticated) {
      for (const listener of unauthenticatedListeners) listener(error);
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const http = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body ?? {}, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, body ?? {}, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body ?? {}, options),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
};

/** Logs in and remembers the CSRF token of the new login. */
export async function login(username: string, password: string): Promise<LoginResponse> {
  const answer = await request<LoginResponse>(
    'POST',
    '/api/auth/login',
    { username, password },
    { quietUnauthenticated: true },
  );
  setCsrfToken(answer.csrfToken);
  return answer;
}

/** The current login, or null when there is none (401). */
export async function me(): Promise<MeResponse | null> {
  try {
    const answer = await request<MeResponse>('GET', '/api/auth/me', undefined, { quietUnauthenticated: true });
    setCsrfToken(answer.csrfToken);
    return answer;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export async function logout(): Promise<void> {
  try {
    await request<void>('POST', '/api/auth/logout', {}, { quietUnauthenticated: true });
  } finally {
    setCsrfToken(null);
  }
}
