// The one catalog of Flowport error codes; every adapter maps these to its own status or exit code.

export const ERROR_CODES = {
  BAD_REQUEST: 'Request body or parameters are not valid',
  VALIDATION_FAILED: 'A value failed validation',
  UNAUTHENTICATED: 'Login is required',
  INVALID_CREDENTIALS: 'Wrong user name or password',
  LOGIN_LOCKED: 'Too many failed logins; try again later',
  ACCOUNT_BLOCKED: 'The account is blocked',
  NO_ROLE: 'The user has no role',
  FORBIDDEN: 'The user lacks the role for this action',
  CSRF_REJECTED: 'The CSRF token is missing or wrong',
  NOT_FOUND: 'No such resource',
  METHOD_NOT_ALLOWED: 'The resource does not take this HTTP method',
  UNSUPPORTED_MEDIA_TYPE: 'The request body is not of a type the resource takes',
  USER_NOT_FOUND: 'No such user',
  USER_EXISTS: 'A user with this name exists',
  LAST_ADMIN: 'The last administrator cannot lose the role',
  SESSION_NOT_FOUND: 'No such session',
  PACKAGE_NOT_FOUND: 'No such package',
  NODE_NOT_FOUND: 'No such node',
  PACKAGE_INVALID: 'The package file is not valid',
  PACKAGE_REFERENCED: 'The shared package is still referenced',
  PACKAGE_READ_ONLY: 'The package is read-only for this user',
  NOT_RUNNING: 'Nothing is executing',
  NODE_UNREACHABLE: 'A cluster node did not answer',
  ALREADY_RUNNING: 'The package is already executing',
  PATH_OUTSIDE_STORAGE: 'The path leaves the file storage',
  PATH_INVALID: 'The path is not valid',
  FILE_NOT_FOUND: 'No such file in the storage',
  SAVE_CONFLICT: 'The file changed since the package was opened; reload, overwrite or save as',
  FILE_TOO_LARGE: 'The file is too large',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  EXECUTION_FAILED: 'The execution failed',
  EXECUTION_CANCELLED: 'The execution was cancelled',
  TIMEOUT: 'The execution timed out',
  SHUTTING_DOWN: 'The server is shutting down',
  NOT_READY: 'A part the server needs (database, storage) does not answer',
  RATE_LIMITED: 'Too many requests',
  INTERNAL: 'Internal server error',
  REFERENCE_CYCLE: 'The package references form a cycle',
  CALL_DEPTH_EXCEEDED: 'Calls into other packages are nested too deeply',
  PACKAGE_TOO_LARGE: 'The package has more nodes than the server takes',
  MEMORY_LIMIT: "The execution was stopped: it needs more memory than the server's memory budget allows",
  LIMIT_REACHED: 'A per-user limit (open sessions, open packages) is reached',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every error answer of the HTTP API and every WebSocket error frame. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ERROR_CODES;
}
