// Server parameters: keys, types, defaults, bounds and help text, shared by server, CLI and page.

export interface ParameterDef {
  key: ParameterKey;
  type: 'integer' | 'enum';
  default: number | string;
  min?: number;
  max?: number;
  values?: readonly string[];
  unit?: string;
  help: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerParameters {
  packagePoolSize: number;
  connectionCheckPeriodSeconds: number;
  serverStopTimeoutSeconds: number;
  loginAttemptLimit: number;
  loginLockoutSeconds: number;
  logLevel: LogLevel;
  integratorBodyLimitBytes: number;
  integratorTimeoutSeconds: number;
  engineThreads: number;
  poolEngineThreads: number;
  memoryBudgetMB: number;
  userSessionLimit: number;
  adminSessionLimit: number;
  sessionPackageLimit: number;
  adminSessionPackageLimit: number;
  executionHistoryLimit: number;
  runningWarnSeconds: number;
  runningAlertSeconds: number;
  runningLimitSeconds: number;
  studioIdleTimeoutSeconds: number;
}
export type ParameterKey = keyof ServerParameters;

export const PARAMETER_DEFS: readonly ParameterDef[] = [
  {
    key: 'packagePoolSize',
    type: 'integer',
    default: 10,
    min: 0,
    max: 10000,
    help: 'Most package instances kept warm in the pool for the Integrator and BatchLauncher',
  },
  {
    key: 'connectionCheckPeriodSeconds',
    type: 'integer',
    default: 60,
    min: 1,
    max: 86400,
    unit: 's',
    help: "How often client connections are checked; a dead client's session is closed",
  },
  {
    key: 'serverStopTimeoutSeconds',
    type: 'integer',
    default: 10,
    min: 1,
    max: 3600,
    unit: 's',
    help: 'Longest time a graceful shutdown may take',
  },
  {
    key: 'loginAttemptLimit',
    type: 'integer',
    default: 5,
    min: 1,
    max: 1000,
    help: 'Failed logins allowed per account and per client before a lockout',
  },
  {
    key: 'loginLockoutSeconds',
    type: 'integer',
    default: 300,
    min: 1,
    max: 86400,
    unit: 's',
    help: 'How long a lockout lasts',
  },
  { key: 'logLevel', type: 'enum', default: 'info', values: LOG_LEVELS, help: 'Least severe level written to the log' },
  {
    key: 'integratorBodyLimitBytes',
    type: 'integer',
    default: 10 * 1024 * 1024,
    min: 1024,
    max: 1024 * 1024 * 1024,
    unit: 'bytes',
    help: 'Largest Integrator request body',
  },
  {
    key: 'integratorTimeoutSeconds',
    type: 'integer',
    default: 60,
    min: 1,
    max: 86400,
    unit: 's',
    help: 'Longest time an Integrator call may execute',
  },
  {
    key: 'engineThreads',
    type: 'integer',
    default: 2,
    min: 1,
    max: 64,
    help:
      'DuckDB threads of each package instance opened in the Studio (and of referenced packages), for ' +
      'instances loaded after a change; more make large queries faster',
  },
  {
    key: 'poolEngineThreads',
    type: 'integer',
    default: 1,
    min: 1,
    max: 64,
    help:
      'DuckDB threads of each pooled package instance (Integrator and batch calls, which run in parallel ' +
      'themselves), for instances loaded after a change (the pool is cleared); 1 saves DuckDB waking a second ' +
      'thread for every statement, more make one large call faster',
  },
  {
    key: 'memoryBudgetMB',
    type: 'integer',
    default: 0,
    min: 0,
    max: 16 * 1024 * 1024,
    unit: 'MB',
    help:
      'Memory all package instances may use together; 0: half of the memory of the machine (or of its container). ' +
      'Each instance loaded after a change may use a quarter of it in DuckDB (the pool is cleared); past the ' +
      'budget the server stops the execution that pushed it over',
  },
  {
    key: 'userSessionLimit',
    type: 'integer',
    default: 20,
    min: 1,
    max: 10000,
    help: 'Most Studio sessions (browser tabs) a user who is not an administrator may have open at once',
  },
  {
    key: 'adminSessionLimit',
    type: 'integer',
    default: 100,
    min: 1,
    max: 10000,
    help: 'Most Studio sessions an administrator may have open at once',
  },
  {
    key: 'sessionPackageLimit',
    type: 'integer',
    default: 20,
    min: 1,
    max: 10000,
    help: 'Most packages open at once in one Studio session of a user who is not an administrator',
  },
  {
    key: 'adminSessionPackageLimit',
    type: 'integer',
    default: 100,
    min: 1,
    max: 10000,
    help: 'Most packages open at once in one Studio session of an administrator',
  },
  {
    key: 'executionHistoryLimit',
    type: 'integer',
    default: 10000,
    min: 0,
    max: 1000000,
    help: 'How many finished executions the execution history keeps (the oldest go first); 0 keeps none',
  },
  {
    key: 'runningWarnSeconds',
    type: 'integer',
    default: 60,
    min: 1,
    max: 30 * 86400,
    unit: 's',
    help: 'Running longer than this, a row of the Session Manager turns amber',
  },
  {
    key: 'runningAlertSeconds',
    type: 'integer',
    default: 300,
    min: 1,
    max: 30 * 86400,
    unit: 's',
    help: 'Running longer than this, a row of the Session Manager turns red',
  },
  {
    key: 'runningLimitSeconds',
    type: 'integer',
    default: 0,
    min: 0,
    max: 30 * 86400,
    unit: 's',
    help: 'The server stops any execution running longer than this (audited as stopped by the server); 0: off',
  },
  {
    key: 'studioIdleTimeoutSeconds',
    type: 'integer',
    default: 0,
    min: 0,
    max: 30 * 86400,
    unit: 's',
    help:
      'The server closes Studio sessions with no activity for this long, backing up unsaved work first ' +
      '(audited as closed by the server); 0: off',
  },
];

export const DEFAULT_PARAMETERS: ServerParameters = Object.fromEntries(
  PARAMETER_DEFS.map((d) => [d.key, d.default]),
) as unknown as ServerParameters;

export interface ParameterIssue {
  field: string;
  message: string;
}

/**
 * Checks a partial update of the parameters. Unknown keys, wrong types and values out of
 * bounds are reported by field; nothing is coerced except integer-looking strings.
 */
/** A refused value as JSON, cut short: it is repeated in the answer and the audit log. */
function shown(raw: unknown): string {
  const json = JSON.stringify(raw) ?? String(raw);
  return json.length > 80 ? `${json.slice(0, 80)}… (${json.length} characters)` : json;
}

export function validateParameters(input: unknown): { value: Partial<ServerParameters>; issues: ParameterIssue[] } {
  const issues: ParameterIssue[] = [];
  const value: Record<string, number | string> = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { value: {}, issues: [{ field: '(body)', message: 'expected an object of parameter values' }] };
  }
  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    const def = PARAMETER_DEFS.find((d) => d.key === key);
    if (!def) {
      issues.push({ field: key, message: `unknown parameter; known: ${PARAMETER_DEFS.map((d) => d.key).join(', ')}` });
      continue;
    }
    if (def.type === 'enum') {
      if (typeof raw !== 'string' || !def.values!.includes(raw)) {
        issues.push({ field: key, message: `must be one of ${def.values!.join(', ')}` });
      } else value[key] = raw;
      continue;
    }
    const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      issues.push({ field: key, message: `must be an integer, got ${shown(raw)}` });
    } else if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
      issues.push({ field: key, message: `must be between ${def.min} and ${def.max}, got ${n}` });
    } else value[key] = n;
  }
  return { value: value as Partial<ServerParameters>, issues };
}
