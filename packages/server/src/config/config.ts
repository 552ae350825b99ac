// Typed start-up configuration: declared with defaults and help, read from file, env and flags, validated once.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from '@flowport/protocol';

export interface FlowportConfig {
  host: string;
  port: number;
  dataDir: string;
  adminPassword: string | null;
  logLevel: LogLevel | null;
  logToStdout: boolean;
  webDir: string | null;
  examplesDir: string | null;
  seedExamples: boolean;
  /** A bearer token that may read GET /metrics without a login (a Prometheus scrape); null: administrators only. */
  metricsToken: string | null;
  /**
   * Whether X-Forwarded-Proto/-For/-Host are honoured: false, true (from any peer), or the proxies'
   * addresses (IPs, CIDR ranges, or loopback, linklocal, uniquelocal), from which alone they are.
   */
  trustProxy: boolean | string[];
  /** A PostgreSQL URL: users, logins, parameters and the audit log are shared there by a cluster's nodes; null: SQLite in the data directory. */
  databaseUrl: string | null;
  /** The file storage, when not the data directory's `storage/` (a mount every node of a cluster shares). */
  storageDir: string | null;
  /** Whether the storage watcher polls (a network file system whose changes by other machines are not notified). */
  watchPolling: boolean;
  /** A Redis URL: the nodes of a cluster announce themselves and share one Session Manager there; null: this node alone. */
  redisUrl: string | null;
  /** This node's name in the cluster (Session Manager rows, audit rows, metrics); null: the host name. */
  nodeName: string | null;
  /** The process's memory ceiling in MB (an OS limit on its data segment); 0: none; null: the budget plus a quarter of the machine. */
  processMemoryLimitMB: number | null;
}

interface OptionDef {
  key: keyof FlowportConfig;
  flag: string;
  env: string;
  type:
    | 'string'
    | 'port'
    | 'boolean'
    | 'logLevel'
    | 'path'
    | 'trustProxy'
    | 'databaseUrl'
    | 'redisUrl'
    | 'nodeName'
    | 'megabytes';
  help: string;
  secret?: boolean;
}

export const CONFIG_OPTIONS: readonly OptionDef[] = [
  { key: 'host', flag: 'host', env: 'FLOWPORT_HOST', type: 'string', help: 'Address to listen on' },
  { key: 'port', flag: 'port', env: 'FLOWPORT_PORT', type: 'port', help: 'TCP port to listen on (0 picks a free one)' },
  {
    key: 'dataDir',
    flag: 'data-dir',
    env: 'FLOWPORT_DATA_DIR',
    type: 'path',
    help: 'Data directory: storage, database, logs, backups',
  },
  {
    key: 'adminPassword',
    flag: 'admin-password',
    env: 'FLOWPORT_ADMIN_PASSWORD',
    type: 'string',
    secret: true,
    help: 'Password of the first administrator, used only when the database is created',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'FLOWPORT_LOG_LEVEL',
    type: 'logLevel',
    help: 'Overrides the stored logLevel server parameter',
  },
  {
    key: 'logToStdout',
    flag: 'log-stdout',
    env: 'FLOWPORT_LOG_STDOUT',
    type: 'boolean',
    help: 'Also write the JSON log to standard output',
  },
  { key: 'webDir', flag: 'web-dir', env: 'FLOWPORT_WEB_DIR', type: 'path', help: 'Folder of the built web pages' },
  {
    key: 'examplesDir',
    flag: 'examples-dir',
    env: 'FLOWPORT_EXAMPLES_DIR',
    type: 'path',
    help: 'Folder copied into a new, empty file storage',
  },
  {
    key: 'seedExamples',
    flag: 'seed-examples',
    env: 'FLOWPORT_SEED_EXAMPLES',
    type: 'boolean',
    help: 'Seed an empty storage with the examples',
  },
  {
    key: 'metricsToken',
    flag: 'metrics-token',
    env: 'FLOWPORT_METRICS_TOKEN',
    type: 'string',
    secret: true,
    help: 'Bearer token that may read GET /metrics without a login (a Prometheus scrape)',
  },
  {
    key: 'trustProxy',
    flag: 'trust-proxy',
    env: 'FLOWPORT_TRUST_PROXY',
    type: 'trustProxy',
    help: 'Behind a TLS proxy: true, or its addresses (comma-separated IPs, CIDRs, loopback); honours X-Forwarded-Proto/-For',
  },
  {
    key: 'databaseUrl',
    flag: 'database-url',
    env: 'FLOWPORT_DATABASE_URL',
    type: 'databaseUrl',
    secret: true,
    help: 'PostgreSQL URL (postgres://user:password@host:5432/db) shared by the nodes of a cluster; absent: SQLite in the data directory',
  },
  {
    key: 'storageDir',
    flag: 'storage-dir',
    env: 'FLOWPORT_STORAGE_DIR',
    type: 'path',
    help: "File storage, when not the data directory's storage/ (the mount every node of a cluster shares)",
  },
  {
    key: 'watchPolling',
    flag: 'watch-polling',
    env: 'FLOWPORT_WATCH_POLLING',
    type: 'boolean',
    help: 'Poll the storage for changes (a network mount whose changes by other machines are not notified)',
  },
  {
    key: 'redisUrl',
    flag: 'redis-url',
    env: 'FLOWPORT_REDIS_URL',
    type: 'redisUrl',
    secret: true,
    help: 'Redis URL (redis://host:6379) where the nodes of a cluster share one Session Manager; absent: this node alone',
  },
  {
    key: 'nodeName',
    flag: 'node-name',
    env: 'FLOWPORT_NODE_NAME',
    type: 'nodeName',
    help: "This node's name in the cluster (letters, digits, . _ -; at most 64); default: the host name",
  },
  {
    key: 'processMemoryLimitMB',
    flag: 'process-memory-limit',
    env: 'FLOWPORT_PROCESS_MEMORY_LIMIT',
    type: 'megabytes',
    help: 'Memory ceiling of the process in MB (Linux RLIMIT_DATA): a query past it fails, the server stays; 0: none; default: the memory budget + 1/4 of the machine',
  },
];

/** Names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A proxy address as Fastify's trustProxy takes it: an IP, an IP/prefix, or a range name. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [ip = '', prefix, ...rest] = entry.split('/');
  const family = isIP(ip);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The repository root: the nearest folder above this module (source or bundle) holding `examples/storage`. */
function findRepoRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (;;) {
    if (existsSync(path.join(dir, 'examples', 'storage')) && existsSync(path.join(dir, 'packages'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const REPO_ROOT = findRepoRoot();

export function defaultConfig(): FlowportConfig {
  return {
    host: '127.0.0.1',
    port: 4580,
    dataDir: path.resolve('flowport-data'),
    adminPassword: null,
    logLevel: null,
    logToStdout: false,
    webDir: path.join(REPO_ROOT, 'packages/web/dist'),
    examplesDir: path.join(REPO_ROOT, 'examples/storage'),
    seedExamples: true,
    metricsToken: null,
    trustProxy: false,
    databaseUrl: null,
    storageDir: null,
    watchPolling: false,
    redisUrl: null,
    nodeName: null,
    processMemoryLimitMB: null,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function convert(def: OptionDef, raw: unknown, source: string): unknown {
  const where = `${source} ${def.type === 'boolean' ? '' : ''}`.trim();
  if (raw === null) return null;
  switch (def.type) {
    case 'string':
    case 'path': {
      if (typeof raw !== 'string' || raw === '')
        throw new ConfigError(`${where}: ${def.key} must be a non-empty string`);
      return def.type === 'path' ? path.resolve(raw) : raw;
    }
    case 'port': {
      const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 65535)
        throw new ConfigError(`${where}: ${def.key} must be a port number 0-65535, got ${JSON.stringify(raw)}`);
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (['1', 'true', 'yes', 'on'].includes(String(raw))) return true;
      if (['0', 'false', 'no', 'off'].includes(String(raw))) return false;
      throw new ConfigError(`${where}: ${def.key} must be true or false, got ${JSON.stringify(raw)}`);
    }
    case 'trustProxy': {
      if (typeof raw === 'boolean') return raw;
      if (['1', 'true', 'yes', 'on'].includes(String(raw))) return true;
      if (['0', 'false', 'no', 'off'].includes(String(raw))) return false;
      const entries = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
      const list = entries?.map((e) => (typeof e === 'string' ? e.trim() : e));
      const bad = list ? list.filter((e) => typeof e !== 'string' || !isProxyAddress(e)) : [raw];
      if (!list?.length || bad.length)
        throw new ConfigError(
          `${where}: ${def.key} must be true, false or proxy addresses (IPs, CIDR ranges, loopback), got ${JSON.stringify(bad[0] ?? raw)}`,
        );
      return list;
    }
    case 'databaseUrl': {
      if (typeof raw !== 'string' || !/^postgres(ql)?:\/\/./.test(raw))
        throw new ConfigError(`${where}: ${def.key} must be a postgres:// or postgresql:// URL`);
      return raw;
    }
    case 'redisUrl': {
      if (typeof raw !== 'string' || !/^rediss?:\/\/./.test(raw))
        throw new ConfigError(`${where}: ${def.key} must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379`);
      return raw;
    }
    case 'nodeName': {
      // It goes into Redis keys, channel names and ids: kept to a safe alphabet.
      if (typeof raw !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(raw))
        throw new ConfigError(
          `${where}: ${def.key} must be 1-64 letters, digits, dots, underscores or dashes, got ${JSON.stringify(raw)}`,
        );
      return raw;
    }
    case 'megabytes': {
      const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < 0 || (n > 0 && n < 256))
        throw new ConfigError(
          `${where}: ${def.key} must be a whole number of megabytes, 0 (none) or at least 256, got ${JSON.stringify(raw)}`,
        );
      return n;
    }
    case 'logLevel': {
      if (!LOG_LEVELS.includes(raw as LogLevel))
        throw new ConfigError(
          `${where}: ${def.key} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`,
        );
      return raw;
    }
  }
}

/**
 * Merges, in rising priority: defaults, a JSON config file (--config or FLOWPORT_CONFIG), FLOWPORT_* variables and
 * command-line flags. Throws ConfigError naming the source and the option on any bad value or unknown key.
 */
export function loadConfig(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): FlowportConfig {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const file = (flags['config'] as string | undefined) ?? env.FLOWPORT_CONFIG;
  if (file) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new ConfigError(`config file ${file}: expected a JSON object`);
    for (const [k, v] of Object.entries(data)) {
      const def = CONFIG_OPTIONS.find((o) => o.key === k);
      if (!def)
        throw new ConfigError(
          `config file ${file}: unknown option "${k}"; known: ${CONFIG_OPTIONS.map((o) => o.key).join(', ')}`,
        );
      const value = def.type === 'path' && typeof v === 'string' ? path.resolve(path.dirname(file), v) : v;
      config[def.key] = convert(def, value, `config file ${file}`);
    }
  }
  for (const def of CONFIG_OPTIONS) {
    const v = env[def.env];
    if (v !== undefined && v !== '') config[def.key] = convert(def, v, `environment variable ${def.env}`);
  }
  for (const def of CONFIG_OPTIONS) {
    const v = flags[def.flag];
    if (v !== undefined) config[def.key] = convert(def, v, `flag --${def.flag}`);
  }
  return config as unknown as FlowportConfig;
}

export function configHelp(): string {
  return CONFIG_OPTIONS.map((o) => `  --${o.flag.padEnd(16)} ${o.env.padEnd(26)} ${o.help}`).join('\n');
}
